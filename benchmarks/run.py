"""Import benchmark: N values from DHIS2 CSV and from dataValueSets JSON, validation on.

    uv run --frozen python benchmarks/run.py [--values 1000000] [--formats csv,json]

Each (database, format) runs in a child process on a throwaway database (SQLite in a
temporary folder; PostgreSQL too when DATABASE_URL is set: a database `danvan_bench_<pid>`
is created next to it and dropped after), with synthetic units and the real catalogue.
It prints one JSON document: values/second and peak memory of the import, and a baseline
measured in the same child: a plain `bulk_create` of the same rows (no parsing, no checks,
no audit).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS = range(2010, 2022)


def _parent(args: argparse.Namespace) -> None:
    engines = ["sqlite"] + (["postgres"] if os.environ.get("DATABASE_URL") else [])
    results = []
    for engine in engines:
        for fmt in args.formats.split(","):
            env = dict(os.environ)
            if engine == "sqlite":
                env.pop("DATABASE_URL", None)
            command = [sys.executable, __file__, "--child", engine, "--values", str(args.values)]
            command += ["--formats", fmt]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                results.append({"engine": engine, "format": fmt, "error": done.stderr[-2000:]})
                continue
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps({"machine": machine, "values": args.values, "runs": results}, indent=2))


def _database(engine: str, folder: Path) -> str | None:
    """Point the settings at a throwaway database; return a Postgres name to drop."""
    os.environ["DANVAN_DEBUG"] = "1"
    os.environ["DANVAN_DATA_DIR"] = str(folder)
    os.environ["DANVAN_SQLITE_NAME"] = "bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "danvan.settings"
    if engine == "sqlite":
        return None
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"danvan_bench_{os.getpid()}"
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=config["NAME"],
        autocommit=True,
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    return name


def _world(communes_needed: int):  # type: ignore[no-untyped-def]
    from danvan.accounts.models import User
    from danvan.accounts.services import user_create
    from danvan.datasets.catalogue import catalogue_load_all
    from danvan.geography.models import AdministrativeUnit, HierarchyVersion
    from danvan.organizations.services import organizations_ensure_for

    Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level
    version = HierarchyVersion.objects.create(code="vn-legacy", name="Trước 01/7/2025")
    province = AdministrativeUnit(
        version=version, code="90", name="Tỉnh Thử", kind=Kind.PROVINCE, level=Level.PROVINCE
    )
    province.save()
    districts = []
    per_district = 60
    for d in range(max(1, -(-communes_needed // per_district))):
        district = AdministrativeUnit(
            version=version,
            code=f"9{d:02d}",
            name=f"Huyện {d}",
            kind=Kind.RURAL_DISTRICT,
            level=Level.DISTRICT,
            parent=province,
        )
        district.save()
        districts.append(district)
    communes = []
    for index in range(communes_needed):
        district = districts[index // per_district]
        code = f"{district.code}{index % per_district:03d}"
        commune = AdministrativeUnit(
            version=version,
            code=code,
            name=f"Xã {code}",
            kind=Kind.COMMUNE,
            level=Level.COMMUNE,
            parent=district,
            path=f"{district.path}{code}/",
            search_name=f"xa {code}",
        )
        communes.append(commune)
    AdministrativeUnit.objects.bulk_create(communes, batch_size=1000)
    organizations_ensure_for(root=province)
    catalogue_load_all()
    user = user_create(
        actor=None,
        username="bench.admin",
        password="bench-password-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=province,
    )
    return user, list(AdministrativeUnit.objects.filter(level=Level.COMMUNE).order_by("path"))


def _cells_per_commune() -> list[tuple[str, str]]:
    """(element code, option code) of every figure a commune reports in a year."""
    from danvan.datasets.models import DataSet
    from danvan.datasets.queries import EntryForm, forms_of_unit, period_get
    from danvan.geography.models import AdministrativeUnit
    from danvan.organizations.models import Organization

    commune = AdministrativeUnit.objects.filter(level=3).order_by("path").first()
    assert commune is not None
    cells = []
    period = period_get("2021")
    for data_set in DataSet.objects.order_by("code"):
        forms: list[EntryForm] = forms_of_unit(
            data_set, commune, period, Organization.objects.all()
        )
        for form in forms:
            option = form.option.code if form.option else "default"
            cells += [(item.element.code, option) for item in form.placements()]
    return cells


def _rows(count: int, communes, cells):  # type: ignore[no-untyped-def]
    """One value per form: every "part ≤ whole" rule holds, as in a real, clean file."""
    produced = 0
    for year in YEARS:
        for number, commune in enumerate(communes):
            value = str((number * 7 + year) % 900 + 10)
            for element, option in cells:
                if produced >= count:
                    return
                yield element, str(year), commune.code, option, value
                produced += 1


def _write_file(fmt: str, path: Path, count: int, communes, cells) -> None:  # type: ignore[no-untyped-def]
    with path.open("w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            writer = csv.writer(out)
            writer.writerow(["dataelement", "period", "orgunit", "categoryoptioncombo", "value"])
            writer.writerows(_rows(count, communes, cells))
            return
        out.write('{"dataSet": "", "dataValues": [\n')
        first = True
        for element, period, unit, option, value in _rows(count, communes, cells):
            item = {
                "dataElement": element,
                "period": period,
                "orgUnit": unit,
                "categoryOptionCombo": option,
                "value": value,
            }
            out.write(("" if first else ",\n") + json.dumps(item))
            first = False
        out.write("\n]}\n")


def _child(args: argparse.Namespace) -> None:
    engine, fmt, count = args.child, args.formats, args.values
    with tempfile.TemporaryDirectory() as folder:
        dropped = _database(engine, Path(folder))
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        try:
            result = _measure(engine, fmt, count, Path(folder))
        finally:
            if dropped:
                _drop(dropped)
    print(json.dumps(result))


def _drop(name: str) -> None:
    from django.db import connections

    connections.close_all()
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _measure(engine: str, fmt: str, count: int, folder: Path) -> dict[str, object]:
    from django.core.management import call_command
    from django.db import connection

    from danvan.datasets.exchange.parsers import source_open
    from danvan.datasets.exchange.pipeline import values_import
    from danvan.datasets.models import DataElement, DataValue, DataValueAudit
    from danvan.organizations.models import OrganizationType

    call_command("migrate", verbosity=0)
    cells_needed = 100  # fewer than a commune reports: enough communes whatever the catalogue
    communes_needed = max(1, -(-count // (cells_needed * len(YEARS))))
    user, communes = _world(communes_needed)
    cells = _cells_per_commune()
    communes_needed = max(1, -(-count // (len(cells) * len(YEARS))))
    path = folder / f"values.{fmt}"
    _write_file(fmt, path, count, communes[:communes_needed], cells)
    size = path.stat().st_size
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as stream:
        summary = values_import(
            actor=user, rows=source_open(stream, name=path.name, size=size), dry_run=False
        )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    assert summary.applied and summary.new == count, (summary.new, summary.rejections[:3])

    started = time.perf_counter()
    with path.open("rb") as stream:
        again = values_import(
            actor=user, rows=source_open(stream, name=path.name, size=size), dry_run=False
        )
    reimport_seconds = time.perf_counter() - started
    assert again.unchanged == count and again.new == again.changed == 0

    # Baseline: the same rows as model objects, one bulk_create, nothing else.
    DataValueAudit.objects.all().delete()
    DataValue.objects.all().delete()
    elements = dict(DataElement.objects.values_list("code", "pk"))
    options = dict(OrganizationType.objects.values_list("code", "pk"))
    units = {c.code: c.pk for c in communes}
    started, cpu_started = time.perf_counter(), time.process_time()
    batch = []
    for element, period, unit, option, value in _rows(count, communes[:communes_needed], cells):
        batch.append(
            DataValue(
                element_id=elements[element],
                organization_type_id=options.get(option),
                unit_id=units[unit],
                period_id=period,
                value=int(value),
                source=DataValue.Source.IMPORTED,
                stored_by=user,
            )
        )
        if len(batch) == 5000:
            DataValue.objects.bulk_create(batch)
            batch = []
    DataValue.objects.bulk_create(batch)
    baseline_seconds = time.perf_counter() - started
    baseline_cpu = time.process_time() - cpu_started

    return {
        "engine": engine,
        "database": connection.vendor,
        "format": fmt,
        "values": count,
        "file_mb": round(size / 1e6, 1),
        "import_seconds": round(seconds, 2),
        "values_per_second": round(count / seconds),
        "reimport_seconds": round(reimport_seconds, 2),
        "reimport_values_per_second": round(count / reimport_seconds),
        "baseline_bulk_create_seconds": round(baseline_seconds, 2),
        "baseline_values_per_second": round(count / baseline_seconds),
        "import_vs_baseline": round(seconds / baseline_seconds, 2),
        # The machine is shared: CPU time of this process is the steadier figure.
        "import_cpu_seconds": round(cpu, 2),
        "values_per_cpu_second": round(count / cpu),
        "baseline_cpu_seconds": round(baseline_cpu, 2),
        "import_vs_baseline_cpu": round(cpu / baseline_cpu, 2),
        "peak_rss_mb": round(rss_peak / 1024, 1),
        "rss_before_import_mb": round(rss_before / 1024, 1),
        "rule_findings": summary.rule_errors + summary.rule_warnings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,json")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
    else:
        _parent(args)


if __name__ == "__main__":
    main()
