"""Import benchmark: N values from DHIS2 CSV and from dataValueSets JSON, every check on.

    uv run --frozen python benchmarks/run.py [--values 1000000[,5000000]] [--formats csv,json]

Each (database, size, format) gets a throwaway database (SQLite in a temporary folder;
PostgreSQL too when DATABASE_URL is set: a database `<its name>_bench_<pid>_<n>` is created
next to it and dropped after) with synthetic units and the real catalogue. One child
process prepares it and writes the file; a second, fresh one imports it, so the import's
peak memory is the import's and not what building the synthetic country left behind. It
prints one JSON document: values per second of the importing process's CPU and of wall
time, peak memory of the import, and a yardstick measured in the importing child: a bare
COPY (PostgreSQL) or `executemany` (SQLite) of the same rows into the same table, without
parsing, checks or audit. After each import the maintained sums are compared with a rebuild
(`sums_differences`); a difference fails the run.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEARS = range(2010, 2022)


def _parent(args: argparse.Namespace) -> None:
    engines = ["sqlite"] + (["postgres"] if os.environ.get("DATABASE_URL") else [])
    if args.engines:
        engines = [e for e in engines if e in args.engines.split(",")]
    results = []
    runs = itertools.count(1)
    for engine in engines:
        for fmt in args.formats.split(","):
            env = dict(os.environ)
            if engine == "sqlite":
                env.pop("DATABASE_URL", None)
            for size in args.values.split(","):
                folder = tempfile.mkdtemp(prefix="danvan-bench-")
                name = f"{os.getpid()}_{next(runs)}"
                command = [sys.executable, __file__, "--child", engine, "--values", size]
                command += ["--formats", fmt, "--folder", folder, "--name", name]
                try:
                    for stage in ("prepare", "measure"):
                        done = subprocess.run(
                            [*command, "--stage", stage],
                            env=env, capture_output=True, text=True, check=False,
                        )  # fmt: skip
                        if os.environ.get("BENCH_PROFILE"):
                            sys.stderr.write(done.stderr)  # the profile of the import
                        if done.returncode != 0:
                            results.append(
                                {"engine": engine, "format": fmt, "values": int(size),
                                 "stage": stage, "error": done.stderr[-2000:]}
                            )  # fmt: skip
                            break
                    else:
                        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                    if engine == "postgres":
                        _drop(_postgres_name(name))
    machine = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    memory = []
    for engine in engines:
        for fmt in args.formats.split(","):
            runs = [
                r
                for r in results
                if r["engine"] == engine and r["format"] == fmt and "error" not in r
            ]
            if len(runs) >= 2:
                small, large = min(runs, key=_size), max(runs, key=_size)
                memory.append(
                    {"engine": engine, "format": fmt, "values": [small["values"], large["values"]],
                     "peak_rss_ratio": round(large["peak_rss_mb"] / small["peak_rss_mb"], 2)}
                )  # fmt: skip
    print(json.dumps({"machine": machine, "runs": results, "memory": memory}, indent=2))


def _size(run: dict[str, object]) -> int:
    return int(run["values"])  # type: ignore[call-overload]


def _postgres_name(run: str) -> str:
    import dj_database_url

    # Beside the given database and named after it: a shared server's databases stay apart.
    return f"{dj_database_url.parse(os.environ['DATABASE_URL'])['NAME']}_bench_{run}"


def _server(dbname: str):  # type: ignore[no-untyped-def]
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def _database(engine: str, folder: Path, run: str, *, create: bool) -> None:
    """Point the settings at the run's throwaway database (created if `create`)."""
    # As the production worker runs: DEBUG off. With it on, Django's cursor wrapper logs
    # every statement and, on SQLite, quotes each parameter of it with one more query
    # (thousands for a chunk's look-ups).
    os.environ.pop("DANVAN_DEBUG", None)
    os.environ["DANVAN_ONE_OFF_COMMAND"] = "1"
    os.environ["DANVAN_DATA_DIR"] = str(folder)
    os.environ["DANVAN_SQLITE_NAME"] = "bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "danvan.settings"
    if engine == "sqlite":
        return
    import dj_database_url

    name = _postgres_name(run)
    if create:
        with _server(dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]) as server:
            server.execute(f'CREATE DATABASE "{name}"')
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{name}"


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
    """One value per form: every rule comparing one part with its whole holds; the one
    adding two parts (`party_le_heads`) fails once per body's form, so the import also
    builds findings (`rule_findings`), as for a real file with a few errors."""
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
    engine, fmt, count, folder = args.child, args.formats, int(args.values), Path(args.folder)
    _database(engine, folder, args.name, create=args.stage == "prepare")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.stage == "prepare":
        _prepare(fmt, count, folder)
    else:
        print(json.dumps(_measure(engine, fmt, count, folder)))


def _drop(name: str) -> None:
    with _server("postgres") as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _prepare(fmt: str, count: int, folder: Path) -> None:
    """The database (catalogue, synthetic units, the importing user) and the file."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    cells_needed = 100  # fewer than a commune reports: enough communes whatever the catalogue
    user, communes = _world(max(1, -(-count // (cells_needed * len(YEARS)))))
    cells = _cells_per_commune()
    communes_needed = max(1, -(-count // (len(cells) * len(YEARS))))
    _write_file(fmt, folder / f"values.{fmt}", count, communes[:communes_needed], cells)
    (folder / "prepared.json").write_text(
        json.dumps({"user": user.pk, "communes": communes_needed})
    )


def _measure(engine: str, fmt: str, count: int, folder: Path) -> dict[str, object]:
    from django.db import connection

    from danvan.accounts.models import User
    from danvan.datasets.exchange.parsers import source_open
    from danvan.datasets.exchange.pipeline import values_import
    from danvan.datasets.models import DataValue, DataValueAudit
    from danvan.geography.models import AdministrativeUnit
    from danvan.indicators.sums import sums_differences

    prepared = json.loads((folder / "prepared.json").read_text())
    user = User.objects.get(pk=prepared["user"])
    path = folder / f"values.{fmt}"
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
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(35)
    assert summary.applied and summary.new == count, (summary.new, summary.rejections[:3])

    started = time.perf_counter()
    differences = len(sums_differences())
    check_seconds = time.perf_counter() - started
    assert differences == 0, f"{differences} sums differ from a rebuild after the import"

    started = time.perf_counter()
    with path.open("rb") as stream:
        again = values_import(
            actor=user, rows=source_open(stream, name=path.name, size=size), dry_run=False
        )
    reimport_seconds = time.perf_counter() - started
    assert again.unchanged == count and again.new == again.changed == 0

    # Yardstick: the same rows into the same table, bare (no parsing, checks, audit, sums).
    DataValueAudit.objects.all().delete()
    DataValue.objects.all().delete()
    communes = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE)
    communes = list(communes.order_by("path")[: prepared["communes"]])
    bare_seconds, bare_cpu = _bare(count, communes, _cells_per_commune(), user.pk)
    assert DataValue.objects.count() == count

    return {
        "engine": engine,
        "database": connection.vendor,
        "format": fmt,
        "values": count,
        "file_mb": round(size / 1e6, 1),
        "import_seconds": round(seconds, 2),
        "values_per_second": round(count / seconds),
        # The machine is shared, and the database server's CPU is not this process's:
        # CPU time of the importing process is the steadier figure, wall the whole cost.
        "import_cpu_seconds": round(cpu, 2),
        "values_per_cpu_second": round(count / cpu),
        "bare_seconds": round(bare_seconds, 2),
        "bare_cpu_seconds": round(bare_cpu, 2),
        "bare_values_per_second": round(count / bare_seconds),
        "bare_values_per_cpu_second": round(count / bare_cpu),
        # ≥ 0,5 is the goal: the import at least half as fast as the bare write.
        "import_vs_bare_wall": round(bare_seconds / seconds, 2),
        "import_vs_bare_cpu": round(bare_cpu / cpu, 2),
        "reimport_seconds": round(reimport_seconds, 2),
        "reimport_values_per_second": round(count / reimport_seconds),
        "sums_check_seconds": round(check_seconds, 2),
        "sums_differences": differences,
        "peak_rss_mb": round(rss_peak / 1024, 1),
        "rss_before_import_mb": round(rss_before / 1024, 1),
        "rule_findings": summary.rule_errors + summary.rule_warnings,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _bare(count: int, communes, cells, user_id: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Seconds (wall, process CPU) of writing the rows bare: COPY on PostgreSQL, one
    `executemany` per 5.000 rows on SQLite, in one transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    from danvan.datasets.models import DataElement, DataValue
    from danvan.organizations.models import OrganizationType

    elements = dict(DataElement.objects.values_list("code", "pk"))
    options = dict(OrganizationType.objects.values_list("code", "pk"))
    units = {c.code: c.pk for c in communes}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = (
        "element_id, organization_type_id, unit_id, period_id, value, comment, source, "
        "revision, stored_by_id, created_at, updated_at"
    )
    table = DataValue._meta.db_table
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic(), connection.cursor() as cursor:
        rows = (
            (elements[element], options.get(option), units[unit], period, value, "",
             "imported", 1, user_id, now, now)
            for element, period, unit, option, value in _rows(count, communes, cells)
        )  # fmt: skip
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 11)})"
            while batch := list(itertools.islice(rows, 5000)):
                cursor.executemany(sql, batch)
    return time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--values", default="1000000", help="sizes, comma-separated (peak memory compared)"
    )
    parser.add_argument("--formats", default="csv,json")
    parser.add_argument(
        "--engines", help="sqlite,postgres (default: both when DATABASE_URL is set, else sqlite)"
    )
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--stage", choices=["prepare", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
    else:
        _parent(args)


if __name__ == "__main__":
    main()
