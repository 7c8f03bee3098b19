"""The indicator engine at national scale on PostgreSQL, against two yardsticks.

A synthetic country: every legacy commune of `vietnamadminunits` (10.035 communes, 696
districts, 63 provinces), 6 organization types, 40 data elements and `--periods` yearly
periods: 10.035 × 6 × 40 × 10 ≈ 24,1 million commune values, plus the figures that the
district- and province-level parts read at those levels (8 elements) ≈ 24,5 million.
`--scale 0.1` keeps one commune in ten (chosen by a hash of its code, so every province
keeps some).

Resolutions are issued by provincial Party committees (06-NQ/TU is Hậu Giang's), and a
resolution's scope is one unit: the national case is therefore one resolution per
province (63), each with the same 26 parts (rates and counts at commune, district and
province level, baselines, targets, term totals, an organization-specific part).
"Nationally" means: across all 63.

Measured, each in a fresh process (so peak memory is that step's own):
  yardstick_sql     one plain GROUP BY of every value into every ancestor (PostgreSQL)
  yardstick_duckdb  the same roll-up, hand-written, in DuckDB over Parquet exported from
                    PostgreSQL (export not counted)
  full              every indicator of every resolution: `results_recompute_all()`
  indicator         one indicator after its target changed, in all 63 resolutions
  value             one commune value changed → `results_refresh_for(...)`
  submission        one commune form (40 elements × 6 organizations) approved →
                    `results_refresh_for(...)`

Usage (the database is created and migrated if needed; its name must contain 'bench'
because the value and result tables are truncated when the size changes):

    createdb -h 127.0.0.1 -U postgres danvan_bench
    uv run --frozen python benchmarks/bench_indicators.py --scale 0.1
    uv run --frozen python benchmarks/bench_indicators.py --scale 1.0 --periods 10

DuckDB is a benchmark-only dependency: the yardstick runs under
`uv run --no-project --with duckdb`, which leaves uv.lock alone; `--no-duckdb` skips it.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/danvan_bench"
ELEMENTS = [f"bench_e{k:02d}" for k in range(1, 41)]
STOCKS = {f"bench_e{k:02d}" for k in (2, 4, 6, 8, 10, 12, 14, 16, 33, 34, 35, 36, 37, 38)}
UPPER = [f"bench_e{k:02d}" for k in range(33, 41)]  # also reported by districts and provinces
ONE_INDICATOR = 2
RATE = {"kind": "at_least", "by": {2020: 80, 2025: 85}}
RANGE_DISTRICT = {"kind": "range", "by": {2020: [35, 40]}}
RANGE_PROVINCE = {"kind": "range", "by": {2020: [5, 6]}}

# (indicator, code, level, numerator, denominator, accumulation, target)
PARTS: list[tuple[int, str, int, str, str, str, dict[str, Any]]] = [
    (1, "province-a", 1, "#{bench_e33}", "#{bench_e34}", "period", RATE),
    (1, "province-b", 1, "#{bench_e35}", "#{bench_e36}", "period", RATE),
    (1, "district-a", 2, "#{bench_e33}", "#{bench_e34}", "period", RATE),
    (1, "district-b", 2, "#{bench_e35}", "#{bench_e36}", "period", RATE),
    (1, "district-c", 2, "#{bench_e37}", "#{bench_e38}", "period", RATE),
    (2, "rate-a", 3, "#{bench_e01}", "#{bench_e02}", "period", RATE),
    (2, "rate-b", 3, "#{bench_e03.hnd}", "#{bench_e04.hnd}", "period", RATE),
    (2, "rate-c", 3, "#{bench_e05}", "#{bench_e06}", "period", RATE),
    (2, "rate-d", 3, "#{bench_e07}", "#{bench_e08}", "period", RATE),
    (3, "rate-a", 3, "#{bench_e09}", "#{bench_e10}", "period", RATE),
    (3, "rate-b", 3, "#{bench_e11}", "#{bench_e12}", "period", RATE),
    (3, "rate-c", 3, "#{bench_e13}", "#{bench_e14}", "period", RATE),
    (3, "rate-d", 3, "#{bench_e15} + #{bench_e13}", "#{bench_e16} + #{bench_e14}", "period", RATE),
    (4, "rate-a", 3, "#{bench_e23}", "#{bench_e24}", "period", RATE),
    (4, "rate-b", 3, "#{bench_e25}", "#{bench_e26}", "period", RATE),
    (4, "rate-c", 3, "#{bench_e27}", "#{bench_e28}", "period", RATE),
    (4, "rate-d", 3, "#{bench_e29}", "#{bench_e30}", "period", RATE),
    (4, "rate-e", 3, "#{bench_e31}", "#{bench_e32}", "period", RATE),
    (5, "count-a", 3, "#{bench_e17}", "", "period", {"kind": "none"}),
    (5, "count-b", 3, "#{bench_e18}", "", "period", {"kind": "none"}),
    (5, "count-c", 3, "#{bench_e19}", "", "period", {"kind": "none"}),
    (5, "count-d", 3, "#{bench_e20} - #{bench_e20.cd}", "", "period", {"kind": "none"}),
    (5, "count-e", 3, "#{bench_e21}", "", "period", {"kind": "at_most", "by": {2016: 500000}}),
    (5, "count-f", 3, "#{bench_e22}", "", "term", {"kind": "at_least", "by": {2020: 1000}}),
    (6, "transfers-district", 2, "#{bench_e39}", "", "term", RANGE_DISTRICT),
    (6, "transfers-province", 1, "#{bench_e40}", "", "term", RANGE_PROVINCE),
]  # fmt: skip


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DANVAN_ONE_OFF_COMMAND", "1")  # DEBUG off: no query log
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _years(periods: int) -> list[str]:
    return [str(2016 + i) for i in range(periods)]


# --- preparing the database -------------------------------------------------------------


def step_prepare(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from danvan.geography import sources
    from danvan.geography.models import AdministrativeUnit
    from danvan.geography.services import admin_units_import

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if not AdministrativeUnit.objects.filter(version__code=sources.LEGACY).exists():
        admin_units_import(version_code=sources.LEGACY)
    _elements()
    _periods(args.periods)
    signature = f"bench v2 scale={args.scale} periods={args.periods}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('datasets_datavalue'::regclass, 'pg_class')")
        current = cursor.fetchone()[0]
    generated = current != signature
    if generated:
        _values(args.scale, args.periods)
        with connection.cursor() as cursor:
            cursor.execute(f"COMMENT ON TABLE datasets_datavalue IS '{signature}'")
    _resolutions()
    with connection.cursor() as cursor:
        # Fresh tables have no statistics until autovacuum passes; plans would be blind.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT count(*), count(DISTINCT unit_id) FROM datasets_datavalue "
            "WHERE element_id IN (SELECT id FROM datasets_dataelement WHERE code LIKE 'bench_e%%')"
        )
        values, units = cursor.fetchone()
    return {
        "values": values,
        "units_with_values": units,
        "generated": generated,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _elements() -> None:
    from danvan.datasets.models import DataElement

    for code in ELEMENTS:
        DataElement.objects.update_or_create(
            code=code,
            defaults={
                "name": f"Benchmark figure {code[-2:]}",
                "aggregation": DataElement.Aggregation.LAST
                if code in STOCKS
                else DataElement.Aggregation.SUM,
                "disaggregated_by_organization": True,
            },
        )


def _periods(periods: int) -> None:
    from danvan.datasets.queries import period_get

    for year in _years(max(periods, 10)):
        period_get(year)


def _values(scale: float, periods: int) -> None:
    """INSERT … SELECT in one statement with the secondary indexes dropped and rebuilt.

    Rows are stored in arrival order (year, then unit): a unit's figures of one year sit
    together, as they do when forms are entered. Stored in a random order, the planner
    rightly prefers a full scan to fetching one province's values through the index."""
    from django.db import connection, transaction

    keep = round(scale * 1000)
    years = ", ".join(f"('{y}', {y})" for y in _years(periods))
    elements = ", ".join(f"('{code}', {int(code[-2:])})" for code in ELEMENTS)
    upper = ", ".join(f"'{code}'" for code in UPPER)
    # One transaction: if anything fails, the dropped indexes come back with the rollback.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE datasets_datavalue, indicators_indicatorresult")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'datasets_datavalue' "
            "AND indexname <> 'datasets_datavalue_pkey'"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # no per-row FK triggers
        cursor.execute(f"""
            INSERT INTO datasets_datavalue (element_id, organization_type_id, unit_id, period_id,
                value, comment, source, revision, created_at, updated_at)
            SELECT e.id, ot.id, u.id, p.id,
                   CASE WHEN k.k % 2 = 0 THEN 100 + h.h % 100 ELSE 60 + h.h % 40 END,
                   '', 'imported', 1, now(), now()
            FROM geography_administrativeunit u
            JOIN geography_hierarchyversion v ON v.id = u.version_id AND v.code = 'vn-legacy'
            CROSS JOIN (VALUES {elements}) AS k(code, k)
            JOIN datasets_dataelement e ON e.code = k.code
            CROSS JOIN organizations_organizationtype ot
            CROSS JOIN (VALUES {years}) AS y(id, year)
            JOIN datasets_period p ON p.id = y.id
            CROSS JOIN LATERAL (SELECT (u.id * 7919 + k.k * 104729::bigint + ot.id * 1299709
                                        + y.year * 15485863::bigint) % 1000003 AS h) h
            WHERE (u.level = 3 AND abs(hashtext(u.code)::bigint) % 1000 < {keep})
               OR (u.level < 3 AND k.code IN ({upper}))
            -- Stored as they arrive: year after year, one unit's forms after another.
            ORDER BY y.year, u.path, k.k, ot.id
        """)
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _, definition in indexes:
            cursor.execute(definition)


def _resolutions() -> None:
    from decimal import Decimal

    from django.db import transaction

    from danvan.datasets.queries import period_get
    from danvan.geography.models import AdministrativeUnit
    from danvan.indicators.models import Indicator, IndicatorPart, Resolution, Target

    provinces = AdministrativeUnit.objects.filter(version__code="vn-legacy", level=1)
    if Resolution.objects.filter(number__startswith="BENCH/").count() == len(provinces):
        return
    baseline = period_get("2016")
    with transaction.atomic():
        Resolution.objects.filter(number__startswith="BENCH/").delete()
        for province in provinces:
            resolution = Resolution.objects.create(
                number=f"BENCH/{province.code}",
                issued_on="2016-07-21",
                issuing_body=f"Tỉnh ủy {province.name} (benchmark)",
                title="Synthetic national benchmark",
                term_start=2016,
                term_end=2020,
                scope_unit=province,
            )
            indicators = {
                number: Indicator.objects.create(
                    resolution=resolution, number=number, name=f"Indicator {number}"
                )
                for number in sorted({part[0] for part in PARTS})
            }
            targets = []
            for order, (number, code, level, num, den, accumulation, target) in enumerate(PARTS):
                part = IndicatorPart.objects.create(
                    indicator=indicators[number],
                    code=code,
                    name=code,
                    sort_order=order,
                    level=level,
                    numerator=num,
                    denominator=den,
                    factor=100 if den else 1,
                    accumulation=accumulation,
                    baseline_period=None if accumulation == "term" else baseline,
                    target_kind=target["kind"],
                )
                for year, value in target.get("by", {}).items():
                    lower, upper = value if isinstance(value, list) else (value, None)
                    targets.append(
                        Target(
                            part=part,
                            year=year,
                            value=Decimal(lower),
                            upper=None if upper is None else Decimal(upper),
                        )
                    )
            Target.objects.bulk_create(targets)


# --- yardsticks ---------------------------------------------------------------------------

# Every value into its unit and each of its ancestors (the parent chain, three levels),
# grouped by (ancestor, period, element, organization type): the whole roll-up.
ANCESTORS_SQL = """
    SELECT id AS unit_id, id AS ancestor_id FROM units
    UNION ALL SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL
    UNION ALL SELECT u.id, p.parent_id FROM units u JOIN units p ON p.id = u.parent_id
              WHERE p.parent_id IS NOT NULL
"""
ROLLUP_SQL = f"""
    WITH anc AS ({ANCESTORS_SQL})
    SELECT count(*) AS groups, sum(total) AS grand_total FROM (
        SELECT anc.ancestor_id, dv.period_id, dv.element_id, dv.organization_type_id,
               sum(dv.value) AS total
        FROM dv JOIN anc ON anc.unit_id = dv.unit_id
        GROUP BY 1, 2, 3, 4
    ) rolled
"""


def step_yardstick_sql(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    sql = ROLLUP_SQL.replace("FROM units", "FROM geography_administrativeunit").replace(
        "JOIN units", "JOIN geography_administrativeunit"
    )
    sql = sql.replace("FROM dv", "FROM datasets_datavalue dv")
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        started = time.perf_counter()
        cursor.execute(sql)
        groups, total = cursor.fetchone()
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "groups": groups, "grand_total": str(total)}


def step_export(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    directory = Path(args.export_dir)
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    raw = connection.cursor().connection
    with raw.cursor() as cursor:
        for name, query in (
            ("units", "SELECT id, parent_id FROM geography_administrativeunit"),
            (
                "dv",
                "SELECT unit_id, period_id, element_id, organization_type_id, value "
                "FROM datasets_datavalue",
            ),
        ):
            with (
                (directory / f"{name}.csv").open("wb") as out,
                cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy,
            ):
                for chunk in copy:
                    out.write(chunk)
    return {"seconds": round(time.perf_counter() - started, 1)}


def step_yardstick_duckdb(args: argparse.Namespace) -> dict[str, Any]:
    import duckdb

    directory = Path(args.export_dir)
    db = duckdb.connect()
    db.execute(f"""
        COPY (SELECT * FROM read_csv('{directory}/dv.csv', header=false,
              columns={{'unit_id': 'BIGINT', 'period_id': 'VARCHAR', 'element_id': 'BIGINT',
                        'organization_type_id': 'BIGINT', 'value': 'DECIMAL(20,4)'}}))
        TO '{directory}/dv.parquet' (FORMAT parquet)
    """)
    db.execute(f"""
        COPY (SELECT * FROM read_csv('{directory}/units.csv', header=false,
              columns={{'id': 'BIGINT', 'parent_id': 'BIGINT'}}))
        TO '{directory}/units.parquet' (FORMAT parquet)
    """)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        db.execute(f"CREATE OR REPLACE VIEW dv AS SELECT * FROM '{directory}/dv.parquet'")
        db.execute(f"CREATE OR REPLACE VIEW units AS SELECT * FROM '{directory}/units.parquet'")
        groups, total = db.execute(ROLLUP_SQL).fetchone()
        timings.append(time.perf_counter() - started)
    return {
        "seconds": round(min(timings), 2),
        "runs": [round(t, 2) for t in timings],
        "groups": groups,
        "grand_total": str(total),
        "duckdb": duckdb.__version__,
    }


# --- the engine ---------------------------------------------------------------------------


def _bench_resolutions() -> list[Any]:
    from danvan.indicators.models import Resolution

    return list(Resolution.objects.filter(number__startswith="BENCH/").select_related("scope_unit"))


def step_full(args: argparse.Namespace) -> dict[str, Any]:
    from danvan.indicators.services import results_recompute_all

    _profile_start(args)
    started = time.perf_counter()
    count = results_recompute_all()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "results": count, **_profile_stop(args), **_check()}


def step_indicator(args: argparse.Namespace) -> dict[str, Any]:
    from django.db.models import F

    from danvan.indicators import engine
    from danvan.indicators.models import IndicatorPart, Target

    resolutions = _bench_resolutions()
    parts = IndicatorPart.objects.filter(
        indicator__resolution__in=resolutions, indicator__number=ONE_INDICATOR
    )
    _profile_start(args)
    started = time.perf_counter()
    Target.objects.filter(part__in=parts).update(value=F("value") + 1)
    scoped = "part_ids" in inspect.signature(engine.results_compute).parameters

    def recompute() -> int:
        count = 0
        for resolution in resolutions:
            if scoped:
                ids = parts.filter(indicator__resolution=resolution).values_list("pk", flat=True)
                count += engine.results_compute(resolution, part_ids=set(ids))
            else:  # the engine can only recompute whole resolutions
                count += engine.results_compute(resolution)
        return count

    count = recompute()
    seconds = time.perf_counter() - started
    Target.objects.filter(part__in=parts).update(value=F("value") - 1)
    recompute()  # leave the results as they were, untimed
    return {
        "seconds": round(seconds, 2),
        "results": count,
        "scoped_to_indicator": scoped,
        **_profile_stop(args),
    }


def _commune(args: argparse.Namespace) -> Any:
    from danvan.datasets.models import DataValue
    from danvan.geography.models import AdministrativeUnit

    unit_id = (
        DataValue.objects.filter(unit__level=3, unit__path__startswith="/93/")
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
        .first()
    )
    return AdministrativeUnit.objects.get(pk=unit_id)


def _refresh(args: argparse.Namespace, change: str) -> dict[str, Any]:
    from django.db import transaction

    from danvan.datasets.models import DataValue
    from danvan.indicators.models import IndicatorResult
    from danvan.indicators.services import results_refresh_for

    commune = _commune(args)
    province_id = commune.parent.parent_id
    period = args.refresh_period or _years(args.periods)[-1]
    values = DataValue.objects.filter(unit=commune, period_id=period)
    if change == "value":
        values = values.filter(element__code="bench_e01", organization_type__code="hnd")
    watched = IndicatorResult.objects.filter(
        unit_id=province_id, period_id=period, part__code="rate-a", part__indicator__number=2
    )
    timings = []
    for run in range(args.repeat):
        before = watched.get().numerator
        delta = 1 if run % 2 == 0 else -1
        with transaction.atomic():
            rows = values.update(value=models_F("value") + delta)
            started = time.perf_counter()
            results_refresh_for(unit=commune, period_id=period, period_type="yearly")
            timings.append(time.perf_counter() - started)
        after = watched.get().numerator
        expected = rows // 240 * 6 if change == "submission" else 1
        assert after - before == delta * expected, (before, after, delta, expected)
    if args.repeat % 2:  # leave the figures as they were, untimed
        values.update(value=models_F("value") - 1)
        results_refresh_for(unit=commune, period_id=period, period_type="yearly")
    return {
        "seconds": round(statistics.median(timings), 4),
        "runs": [round(t, 4) for t in timings],
        "values_changed": rows,
        "unit": commune.path,
        "period": period,
    }


def models_F(name: str) -> Any:
    from django.db.models import F

    return F(name)


def step_value(args: argparse.Namespace) -> dict[str, Any]:
    return _refresh(args, "value")


def step_submission(args: argparse.Namespace) -> dict[str, Any]:
    return _refresh(args, "submission")


def _check() -> dict[str, Any]:
    """One province figure against a direct SUM, so a fast wrong engine cannot pass."""
    from django.db import connection

    from danvan.indicators.models import IndicatorResult

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT u.id, dv.period_id, sum(dv.value) FROM datasets_datavalue dv
            JOIN geography_administrativeunit c ON c.id = dv.unit_id AND c.level = 3
            JOIN geography_administrativeunit u ON u.level = 1 AND c.path LIKE u.path || '%%'
            JOIN datasets_dataelement e ON e.id = dv.element_id AND e.code = 'bench_e01'
            WHERE u.code = '93' GROUP BY 1, 2 ORDER BY 2 DESC LIMIT 1
        """)
        unit_id, period_id, total = cursor.fetchone()
    result = IndicatorResult.objects.get(
        unit_id=unit_id, period_id=period_id, part__code="rate-a", part__indicator__number=2
    )
    assert result.numerator == total, (result.numerator, total)
    return {"checked": f"province 93 {period_id}: {total}"}


_profiler: Any = None


def _profile_start(args: argparse.Namespace) -> None:
    global _profiler
    if args.profile:
        import cProfile

        _profiler = cProfile.Profile()
        _profiler.enable()


def _profile_stop(args: argparse.Namespace) -> dict[str, Any]:
    if not _profiler:
        return {}
    import io
    import pstats

    _profiler.disable()
    out = io.StringIO()
    pstats.Stats(_profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue(), file=sys.stderr)
    return {}


STEPS = {
    "prepare": step_prepare,
    "yardstick_sql": step_yardstick_sql,
    "export": step_export,
    "yardstick_duckdb": step_yardstick_duckdb,
    "full": step_full,
    "indicator": step_indicator,
    "value": step_value,
    "submission": step_submission,
}


def _run(step: str, args: argparse.Namespace, extra: list[str]) -> dict[str, Any]:
    command = [sys.executable, __file__]
    if step == "yardstick_duckdb":
        command = ["uv", "run", "--no-project", "--with", "duckdb", "python", __file__]
    command += ["--step", step, "--database-url", args.database_url, "--scale", str(args.scale)]
    command += ["--periods", str(args.periods), "--export-dir", args.export_dir]
    command += ["--repeat", str(args.repeat), *extra]
    if args.refresh_period:
        command += ["--refresh-period", args.refresh_period]
    if args.profile:
        command += ["--profile"]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of communes (1.0 = all)")
    parser.add_argument("--periods", type=int, default=10, help="yearly periods from 2016")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--export-dir", default=str(Path(tempfile.gettempdir()) / "danvan_bench"))
    parser.add_argument("--repeat", type=int, default=5, help="runs of the fast steps")
    parser.add_argument("--refresh-period", help="period changed by value/submission steps")
    parser.add_argument("--only", help="comma-separated steps (default: all)")
    parser.add_argument("--no-duckdb", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile to stderr")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if "bench" not in (urlparse(args.database_url).path or ""):
        parser.error("the database name must contain 'bench': its data tables are replaced")
    if args.step:
        if args.step != "yardstick_duckdb":
            _django(args.database_url)
        report = STEPS[args.step](args)
        report["peak_rss_mb"] = _peak_mb()
        print(json.dumps(report, default=str))
        return
    wanted = args.only.split(",") if args.only else list(STEPS)
    if args.no_duckdb:
        wanted = [s for s in wanted if s not in ("export", "yardstick_duckdb")]
    report: dict[str, Any] = {
        "scale": args.scale,
        "periods": args.periods,
        "machine": f"{platform.node()} {os.cpu_count()} cores, {platform.python_version()}",
    }
    for step in STEPS:
        if step in wanted:
            report[step] = _run(step, args, [])
            print(f"{step}: {json.dumps(report[step])}", file=sys.stderr, flush=True)
    seconds = {k: v["seconds"] for k, v in report.items() if isinstance(v, dict)}
    for engine in ("full", "indicator", "value", "submission"):
        for yardstick in ("yardstick_sql", "yardstick_duckdb"):
            if engine in seconds and yardstick in seconds:
                ratio = seconds[engine] / seconds[yardstick]
                report.setdefault("ratios", {})[f"{engine}/{yardstick}"] = round(ratio, 3)
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
