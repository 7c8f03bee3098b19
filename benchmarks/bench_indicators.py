"""The indicator engine at national scale on PostgreSQL, against two yardsticks.

A synthetic country: every legacy commune of `vietnamadminunits` (10.035 communes, 696
districts, 63 provinces), 6 organization types (one territorial body of each at every
unit), one form of 40 data elements and `--periods` yearly periods: 10.035 × 6 × 40 × 10
≈ 24,1 million commune values, plus the figures that the district- and province-level
parts read at those levels (8 elements) ≈ 24,5 million. `--scale 0.1` keeps one commune
in ten (chosen by a hash of its code, so every province keeps some). Every form of the
earlier years is approved; in the last year a commune's forms are approved (½),
submitted (¼) or still a draft (¼), so the three bases of the sums differ.

Resolutions are issued by provincial Party committees (06-NQ/TU is Hậu Giang's), and a
resolution's scope is one unit: the national case is therefore one resolution per
province (63), each with the same 26 parts (rates and counts at commune, district and
province level, baselines, targets, term totals, an organization-specific part).
"Nationally" means: across all 63.

Measured, each in a fresh process (so peak memory is that step's own), after the step
`sums_differences()` (maintained sums against a rebuild) must be empty:
  yardstick_sql     the roll-up the sums hold — every value into each of its ancestors by
                    (ancestor, level, period, element, organization type), three bases —
                    as one plain GROUP BY in PostgreSQL (computed, not written)
  yardstick_duckdb  the same query in DuckDB over Parquet exported from PostgreSQL
                    (export not counted; best of --repeat)
  rebuild           `sums_rebuild()`: every sum rebuilt from the values, written
  read_all          `results_table` of every part of every resolution at every unit and
                    period (2.083.110 results at every scale)
  ranking           one indicator (4 commune rates) at every commune of the country, one
                    period, sorted: a national ranking (63 reads, one per resolution, and
                    the same as one read)
  value             one commune value saved through `data_value_save`: the sums part and
                    the whole save, then read back at the province
  submission        one commune's forms of a year (6 organizations × 40 values = 240)
                    approved as the inbox's bulk approval does (`submissions_approve`, one
                    transaction), and one `submission_approve` transaction per form
  target            a target and a definition changed, then read at province, district
                    and commune: nothing to apply, the next read shows it
  repair            three sum rows put out of step; `check_sums` finds exactly them,
                    `check_sums --repair` puts them right

Usage (the database is created and migrated if needed; its name must contain 'bench'
because the value, form and sum tables are truncated when the size changes):

    createdb -h 127.0.0.1 -U postgres danvan_bench
    uv run --frozen python benchmarks/bench_indicators.py --scale 0.1
    uv run --frozen python benchmarks/bench_indicators.py --scale 1.0 --periods 10

DuckDB is a benchmark-only dependency: the yardstick runs under
`uv run --no-project --with duckdb`, which leaves uv.lock alone; `--no-duckdb` skips it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/danvan_bench"
SIGNATURE = "bench v4"
DATA_SET = "bench"
WATCHED_PROVINCE = "93"  # Hậu Giang: the steps that change figures work in one of its communes
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
    # Ending in 2024: the 63-province hierarchy the country is built from ended on
    # 30/6/2025, so no 2025 form of its units can be submitted or written again.
    return [str(2025 - periods + i) for i in range(periods)]


def _kept(scale: float, alias: str = "u") -> str:
    """The units that hold figures: kept communes, and every district and province."""
    keep = round(scale * 1000)
    return f"({alias}.level < 3 OR abs(hashtext({alias}.code)::bigint) % 1000 < {keep})"


# --- preparing the database -------------------------------------------------------------


def step_prepare(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from danvan.geography import sources
    from danvan.geography.models import AdministrativeUnit

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if not AdministrativeUnit.objects.filter(version__code=sources.LEGACY).exists():
        from danvan.geography.services import admin_units_import

        admin_units_import(version_code=sources.LEGACY)
    _elements()
    _periods(args.periods)
    organizations = _organizations()
    signature = f"{SIGNATURE} scale={args.scale} periods={args.periods}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('datasets_datavalue'::regclass, 'pg_class')")
        current = cursor.fetchone()[0]
    generated: dict[str, Any] = {}
    if current != signature:
        generated = _values(args.scale, args.periods)
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
        cursor.execute(
            "SELECT status, count(*) FROM datasets_submission GROUP BY status ORDER BY status"
        )
        forms = dict(cursor.fetchall())
    return {
        "values": values,
        "units_with_values": units,
        "forms": forms,
        "organizations_created": organizations,
        "generated": generated or False,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _elements() -> None:
    from danvan.datasets.models import DataElement, DataSet, DataSetElement, DataSetSection

    elements = {}
    for code in ELEMENTS:
        elements[code], _ = DataElement.objects.update_or_create(
            code=code,
            defaults={
                "name": f"Benchmark figure {code[-2:]}",
                "aggregation": DataElement.Aggregation.LAST
                if code in STOCKS
                else DataElement.Aggregation.SUM,
                "disaggregated_by_organization": True,
            },
        )
    # One form, filled by every organization of every unit: its state gives the values
    # their basis (approved, submitted, entered).
    data_set, _ = DataSet.objects.update_or_create(
        code=DATA_SET,
        defaults={"name": "Benchmark form", "levels": [1, 2, 3], "reported_by_organizations": True},
    )
    section, _ = DataSetSection.objects.get_or_create(data_set=data_set, name="Benchmark")
    for order, code in enumerate(ELEMENTS):
        DataSetElement.objects.update_or_create(
            section=section,
            element=elements[code],
            defaults={"sort_order": order, "levels": [1, 2, 3] if code in UPPER else [3]},
        )


def _periods(periods: int) -> None:
    from danvan.datasets.queries import period_get

    for year in _years(max(periods, 10)):
        period_get(year)


def _organizations() -> int:
    """A territorial body of every organization type at every province, district and
    commune (the real service, one province at a time)."""
    from danvan.geography.models import AdministrativeUnit
    from danvan.organizations.models import Organization, OrganizationType
    from danvan.organizations.services import organizations_ensure_for

    units = AdministrativeUnit.objects.filter(version__code="vn-legacy", level__lte=3).count()
    wanted = units * OrganizationType.objects.count()
    if Organization.objects.filter(unit__version__code="vn-legacy").count() >= wanted:
        return 0
    created = 0
    for province in AdministrativeUnit.objects.filter(version__code="vn-legacy", level=1):
        created += organizations_ensure_for(root=province).created
    return created


def _values(scale: float, periods: int) -> dict[str, Any]:
    """Values and forms, set-based: one INSERT … SELECT each, with the secondary indexes of
    the value table dropped and rebuilt.

    Rows are stored in arrival order (year, then unit): a unit's figures of one year sit
    together, as they do when forms are entered. Stored in a random order, the planner
    rightly prefers a full scan to fetching one province's values through the index."""
    from django.db import connection, transaction

    years = ", ".join(f"('{y}', {y})" for y in _years(periods))
    last = _years(periods)[-1]
    elements = ", ".join(f"('{code}', {int(code[-2:])})" for code in ELEMENTS)
    upper = ", ".join(f"'{code}'" for code in UPPER)
    timings: dict[str, Any] = {}
    # One transaction: if anything fails, the dropped indexes come back with the rollback.
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "TRUNCATE datasets_datavalue, datasets_datavalueaudit, datasets_submission, "
            "datasets_submissionevent, indicators_elementsum"
        )
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
            WHERE u.level <= 3 AND {_kept(scale)} AND (u.level = 3 OR k.code IN ({upper}))
            -- Stored as they arrive: year after year, one unit's forms after another.
            ORDER BY y.year, u.path, k.k, ot.id
        """)
        timings["values_rows"] = cursor.rowcount
        timings["values_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _, definition in indexes:
            cursor.execute(definition)
        timings["indexes_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        # Every form of the earlier years approved; in the last one a commune's forms are
        # approved (½), submitted (¼) or a draft (¼): the three bases differ.
        cursor.execute(f"""
            INSERT INTO datasets_submission (data_set_id, unit_id, organization_id, period_id,
                status, last_comment, created_at, updated_at)
            SELECT ds.id, u.id, o.id, p.id,
                   CASE WHEN p.id <> '{last}' OR u.level < 3 THEN 'approved'
                        ELSE (ARRAY['approved', 'approved', 'submitted', 'draft'])
                             [1 + abs(hashtext(u.code || 'form')::bigint) % 4] END,
                   '', now(), now()
            FROM organizations_organization o
            JOIN geography_administrativeunit u ON u.id = o.unit_id
            JOIN geography_hierarchyversion v ON v.id = u.version_id AND v.code = 'vn-legacy'
            JOIN datasets_dataset ds ON ds.code = '{DATA_SET}'
            CROSS JOIN (VALUES {years}) AS y(id, year)
            JOIN datasets_period p ON p.id = y.id
            WHERE o.kind = 'territorial' AND u.level <= 3 AND {_kept(scale)}
        """)
        timings["forms_rows"] = cursor.rowcount
        timings["forms_seconds"] = round(time.perf_counter() - started, 1)
    return timings


def _resolutions() -> None:
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

# What the sums hold, hand-written: every value into each of its ancestors (the parent
# chain, at most three hops), grouped by (ancestor, level of the value's unit, period,
# element, organization type), with totals and counts in three bases by its form's state.
# Table names are placeholders so that PostgreSQL and DuckDB run the same text.
ROLLUP_SQL = """
WITH anc AS (
    SELECT u.id AS unit_id, u.parent_id AS ancestor_id FROM {units} u
    WHERE u.parent_id IS NOT NULL
    UNION ALL
    SELECT u.id, p.parent_id FROM {units} u JOIN {units} p ON p.id = u.parent_id
    WHERE p.parent_id IS NOT NULL
    UNION ALL
    SELECT u.id, q.parent_id FROM {units} u JOIN {units} p ON p.id = u.parent_id
    JOIN {units} q ON q.id = p.parent_id WHERE q.parent_id IS NOT NULL
),
states AS (
    SELECT unit_id, period_id, data_set_id, opt,
           MIN(CASE status WHEN 'approved' THEN 2 WHEN 'submitted' THEN 1 ELSE 0 END) AS rnk
    FROM {forms} f GROUP BY unit_id, period_id, data_set_id, opt
),
v AS (
    SELECT dv.unit_id, dv.period_id, dv.element_id,
           COALESCE(dv.organization_type_id, 0) AS opt, dv.value, COALESCE(s.rnk, 0) AS rnk
    FROM {dv} dv
    JOIN {elements} e ON e.id = dv.element_id AND e.aggregation <> 'none'
    LEFT JOIN {form_of} fo ON fo.element_id = dv.element_id
    LEFT JOIN states s ON s.unit_id = dv.unit_id AND s.period_id = dv.period_id
        AND s.data_set_id = fo.data_set_id AND s.opt = COALESCE(dv.organization_type_id, 0)
),
g AS (
    SELECT anc.ancestor_id, u.level, v.period_id, v.element_id, v.opt,
           SUM(v.value) AS tot_e, COUNT(*) AS cnt_e,
           SUM(CASE WHEN v.rnk >= 1 THEN v.value ELSE 0 END) AS tot_s,
           SUM(CASE WHEN v.rnk >= 1 THEN 1 ELSE 0 END) AS cnt_s,
           SUM(CASE WHEN v.rnk >= 2 THEN v.value ELSE 0 END) AS tot_a,
           SUM(CASE WHEN v.rnk >= 2 THEN 1 ELSE 0 END) AS cnt_a
    FROM v JOIN {units} u ON u.id = v.unit_id JOIN anc ON anc.unit_id = v.unit_id
    GROUP BY anc.ancestor_id, u.level, v.period_id, v.element_id, v.opt
)
SELECT COUNT(*), SUM(tot_e), SUM(cnt_e), SUM(tot_s), SUM(cnt_s), SUM(tot_a), SUM(cnt_a)
FROM g
"""

# The forms with their organization type, as the sums read them.
FORMS_SQL = (
    "SELECT s.unit_id, s.period_id, s.data_set_id, COALESCE(o.type_id, 0) AS opt, s.status "
    "FROM datasets_submission s LEFT JOIN organizations_organization o "
    "ON o.id = s.organization_id"
)
FORM_OF_SQL = (
    "SELECT de.element_id, MIN(sec.data_set_id) AS data_set_id FROM datasets_datasetelement de "
    "JOIN datasets_datasetsection sec ON sec.id = de.section_id GROUP BY de.element_id"
)
EXPORTS = {
    "units": "SELECT id, parent_id, level FROM geography_administrativeunit",
    "dv": "SELECT unit_id, period_id, element_id, organization_type_id, value "
    "FROM datasets_datavalue",
    "forms": FORMS_SQL,
    "form_of": FORM_OF_SQL,
    "elements": "SELECT id, aggregation FROM datasets_dataelement",
}
COLUMNS = {
    "units": {"id": "BIGINT", "parent_id": "BIGINT", "level": "INTEGER"},
    "dv": {
        "unit_id": "BIGINT",
        "period_id": "VARCHAR",
        "element_id": "BIGINT",
        "organization_type_id": "BIGINT",
        "value": "DECIMAL(20,4)",
    },
    "forms": {
        "unit_id": "BIGINT",
        "period_id": "VARCHAR",
        "data_set_id": "BIGINT",
        "opt": "BIGINT",
        "status": "VARCHAR",
    },
    "form_of": {"element_id": "BIGINT", "data_set_id": "BIGINT"},
    "elements": {"id": "BIGINT", "aggregation": "VARCHAR"},
}


def _totals(row: tuple[Any, ...]) -> dict[str, Any]:
    groups, *sums = row
    names = [
        "entered_total",
        "entered_count",
        "submitted_total",
        "submitted_count",
        "approved_total",
        "approved_count",
    ]
    return {
        "groups": groups,
        **{
            name: format(Decimal(value or 0).normalize(), "f")
            for name, value in zip(names, sums, strict=True)
        },
    }


def step_yardstick_sql(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    sql = ROLLUP_SQL.format(
        units="geography_administrativeunit",
        dv="datasets_datavalue",
        forms=f"({FORMS_SQL})",
        form_of=f"({FORM_OF_SQL})",
        elements="datasets_dataelement",
    )
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        started = time.perf_counter()
        cursor.execute(sql)
        row = cursor.fetchone()
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), **_totals(row)}


def step_export(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    directory = Path(args.export_dir)
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    raw = connection.cursor().connection
    with raw.cursor() as cursor:
        for name, query in EXPORTS.items():
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
    for name, columns in COLUMNS.items():
        spec = ", ".join(f"'{column}': '{kind}'" for column, kind in columns.items())
        db.execute(f"""
            COPY (SELECT * FROM read_csv('{directory}/{name}.csv', header=false,
                  columns={{{spec}}})) TO '{directory}/{name}.parquet' (FORMAT parquet)
        """)
    sql = ROLLUP_SQL.format(**{name: f"'{directory}/{name}.parquet'" for name in COLUMNS})
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        row = db.execute(sql).fetchone()
        timings.append(time.perf_counter() - started)
    return {
        "seconds": round(min(timings), 2),
        "runs": [round(t, 2) for t in timings],
        **_totals(row),
        "duckdb": duckdb.__version__,
    }


# --- the engine ---------------------------------------------------------------------------


def _sums_totals() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(entered_total), sum(entered_count), sum(submitted_total), "
            "sum(submitted_count), sum(approved_total), sum(approved_count) "
            "FROM indicators_elementsum"
        )
        return _totals(cursor.fetchone())


def _checked(args: argparse.Namespace, report: dict[str, Any]) -> dict[str, Any]:
    """The "bad input" check after a step: the maintained sums equal a rebuild."""
    if args.no_check:
        return report
    from django.db import transaction

    from danvan.indicators.sums import sums_differences

    started = time.perf_counter()
    with transaction.atomic():
        differences = sums_differences()
    report["check"] = {
        "sums_differing": len(differences),
        "seconds": round(time.perf_counter() - started, 1),
    }
    assert not differences, differences[:5]
    return report


def step_rebuild(args: argparse.Namespace) -> dict[str, Any]:
    from danvan.indicators.sums import sums_rebuild

    _profile_start(args)
    started = time.perf_counter()
    rows = sums_rebuild()
    seconds = time.perf_counter() - started
    _profile_stop(args)
    return _checked(args, {"seconds": round(seconds, 2), "rows": rows, **_sums_totals()})


def _resolutions_with_units() -> list[tuple[Any, list[Any]]]:
    from danvan.geography.models import AdministrativeUnit
    from danvan.indicators.models import Resolution

    found = []
    for resolution in Resolution.objects.filter(number__startswith="BENCH/").select_related(
        "scope_unit"
    ):
        units = list(
            AdministrativeUnit.objects.within(resolution.scope_unit)
            .filter(level__lte=3)
            .order_by("path")
        )
        found.append((resolution, units))
    return found


def _approved_sum(province_code: str, element: str, period: str) -> Decimal:
    """A province's sum of one element's commune values in approved forms, read directly."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COALESCE(sum(dv.value), 0) FROM datasets_datavalue dv
            JOIN geography_administrativeunit c ON c.id = dv.unit_id AND c.level = 3
            JOIN geography_administrativeunit d ON d.id = c.parent_id
            JOIN geography_administrativeunit p ON p.id = d.parent_id AND p.code = %s
            JOIN datasets_dataelement e ON e.id = dv.element_id AND e.code = %s
            JOIN organizations_organization o ON o.unit_id = c.id
                AND o.type_id = dv.organization_type_id AND o.kind = 'territorial'
            JOIN datasets_submission s ON s.organization_id = o.id AND s.period_id = dv.period_id
                AND s.status = 'approved'
            WHERE dv.period_id = %s
            """,
            [province_code, element, period],
        )
        return Decimal(cursor.fetchone()[0])


def step_read_all(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from danvan.indicators.table import results_table

    plan = _resolutions_with_units()
    last = _years(args.periods)[-1]
    _profile_start(args)
    timings, count, watched = [], 0, None
    for _ in range(args.repeat):
        started = time.perf_counter()
        count, rows_with_value = 0, 0
        for resolution, units in plan:
            table = results_table(resolution, units=units)
            count += len(table)
            rows_with_value += int((~np.isnan(table.value)).sum())
            if resolution.scope_unit.code == WATCHED_PROVINCE:
                watched = table
        timings.append(time.perf_counter() - started)
    _profile_stop(args)
    seconds = statistics.median(timings)
    assert watched is not None
    expected = _approved_sum(WATCHED_PROVINCE, "bench_e01", last)
    parts = [p.code for p in watched.parts]
    row = next(
        i
        for i in range(len(watched))
        if watched.units[watched.unit_index[i]].code == WATCHED_PROVINCE
        and watched.periods[watched.period_index[i]] == last
        and parts[watched.part_index[i]] == "rate-a"
        and watched.parts[watched.part_index[i]].indicator.number == ONE_INDICATOR
    )
    assert Decimal(str(watched.numerator[row])) == expected, (watched.numerator[row], expected)
    # Row by row against `results_read` (Decimal, one object per result), not timed: the
    # watched province and two others, every part, unit and period.
    from danvan.indicators.tests.table_compare import differences

    compared, differing = 0, []
    for resolution, units in [p for p in plan if p[0].scope_unit.code == WATCHED_PROVINCE] + plan[
        :2
    ]:
        n, found = differences(resolution, units)
        compared += n
        differing += found
    assert not differing, differing[:10]
    return _checked(
        args,
        {
            "seconds": round(seconds, 2),
            "runs": [round(t, 2) for t in timings],
            "results": count,
            "with_value": rows_with_value,
            "microseconds_per_result": round(seconds / count * 1e6, 2),
            "checked": f"province {WATCHED_PROVINCE} {last} rate-a numerator {expected}",
            "equal_to_results_read_rows": compared,
        },
    )


def step_ranking(args: argparse.Namespace) -> dict[str, Any]:
    from danvan.geography.models import AdministrativeUnit
    from danvan.indicators.models import IndicatorPart, Resolution
    from danvan.indicators.table import results_table

    last = _years(args.periods)[-1]
    resolutions = list(
        Resolution.objects.filter(number__startswith="BENCH/").select_related("scope_unit")
    )
    communes = {
        r.pk: list(AdministrativeUnit.objects.within(r.scope_unit).filter(level=3))
        for r in resolutions
    }
    parts = {
        r.pk: list(
            IndicatorPart.objects.filter(indicator__resolution=r, indicator__number=ONE_INDICATOR)
            .select_related("indicator", "baseline_period")
            .prefetch_related("targets")
        )
        for r in resolutions
    }
    report: dict[str, Any] = {}
    ranked: dict[int, float] = {}
    for coverage in (True, False):
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            ranked = {}
            for resolution in resolutions:
                table = results_table(
                    resolution,
                    units=communes[resolution.pk],
                    period_ids=[last],
                    parts=parts[resolution.pk][:1],
                    coverage=coverage,
                )
                for i in table.ranked():
                    ranked[table.units[table.unit_index[i]].pk] = float(table.value[i])
            timings.append(time.perf_counter() - started)
        key = "seconds_63_reads" if coverage else "seconds_63_reads_without_coverage"
        report[key] = round(statistics.median(timings), 3)
        report[f"runs_63{'' if coverage else '_without_coverage'}"] = [round(t, 3) for t in timings]
    # The ranking as one read: the indicator of one resolution at every commune of the
    # country (every resolution has the same parts and targets), as a national
    # resolution's ranking is read. Its values must equal the 63 reads'.
    everywhere = [unit for resolution in resolutions for unit in communes[resolution.pk]]
    first = resolutions[0]
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        once = results_table(first, units=everywhere, period_ids=[last], parts=parts[first.pk][:1])
        order = once.ranked()
        top = [(once.units[once.unit_index[i]].name, once.value[i]) for i in order[:20]]
        timings.append(time.perf_counter() - started)
    mine = {once.units[once.unit_index[i]].pk: float(once.value[i]) for i in range(len(once))}
    assert mine.keys() == ranked.keys()
    assert all(
        (a != a and b != b) or abs(a - b) <= 1e-9 * max(1.0, abs(a))
        for a, b in ((mine[k], ranked[k]) for k in mine)
    )
    assert bool((once.units_expected == 1).all())
    # Row by row against `results_read` for the watched province's communes.
    from danvan.indicators.tests.table_compare import differences

    watched = next(r for r in resolutions if r.scope_unit.code == WATCHED_PROVINCE)
    compared, differing = differences(
        watched, communes[watched.pk], period_ids=[last], parts=parts[watched.pk][:1]
    )
    assert not differing, differing[:10]
    report["seconds"] = report["one_read_seconds"] = round(statistics.median(timings), 3)
    report["one_read_runs"] = [round(t, 3) for t in timings]
    report["communes"] = len(once)
    report["with_value"] = int((once.value == once.value).sum())
    report["first"] = f"{top[0][0]}: {top[0][1]:.4f}"
    report["equal_to_results_read_rows"] = compared
    return _checked(args, report)


def _actor(code: str = WATCHED_PROVINCE) -> Any:
    from danvan.accounts.models import User
    from danvan.geography.models import AdministrativeUnit

    province = AdministrativeUnit.objects.get(version__code="vn-legacy", code=code)
    user, _ = User.objects.update_or_create(
        username="bench.admin",
        defaults={"role": User.Role.ADMINISTRATOR, "home_unit": province, "is_active": True},
    )
    return user


def _commune(status: str, period: str) -> Any:
    """The first commune of the watched province whose forms of `period` are all `status`."""
    from danvan.datasets.models import Submission
    from danvan.geography.models import AdministrativeUnit

    # The watched province first; at small scales it may have no such commune.
    communes = AdministrativeUnit.objects.filter(version__code="vn-legacy", level=3)
    ordered = sorted(
        communes, key=lambda u: (not u.path.startswith(f"/{WATCHED_PROVINCE}/"), u.path)
    )
    for commune in ordered:
        states = set(
            Submission.objects.filter(
                unit=commune, period_id=period, data_set__code=DATA_SET
            ).values_list("status", flat=True)
        )
        if states == {status}:
            return commune
    raise LookupError(f"no commune with every form {status}")


def _province_result(
    part_code: str, period: str, basis: str | None = None, unit: Any = None, province: str = ""
) -> Any:
    from danvan.indicators.models import IndicatorPart, Resolution
    from danvan.indicators.results import results_read

    resolution = Resolution.objects.get(number=f"BENCH/{province or WATCHED_PROVINCE}")
    part = (
        IndicatorPart.objects.filter(
            indicator__resolution=resolution, indicator__number=ONE_INDICATOR, code=part_code
        )
        .select_related("indicator", "baseline_period")
        .prefetch_related("targets")
        .get()
    )
    (result,) = results_read(
        resolution,
        units=[unit or resolution.scope_unit],
        period_ids=[period],
        parts=[part],
        basis=basis,
        coverage=False,
    )
    return result


class _Timed:
    """Wraps a function and keeps the time of each call (the sums part of a service)."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.seconds: list[float] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds.append(time.perf_counter() - started)


def step_value(args: argparse.Namespace) -> dict[str, Any]:
    from danvan.datasets import services
    from danvan.datasets.models import DataElement, DataSet, DataValue
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.organizations.models import Organization

    period = _years(args.periods)[-1]
    commune = _commune("draft", period)
    actor = _actor()
    organization = Organization.objects.get(unit=commune, type__code="hnd", kind="territorial")
    form = EntryForm(DataSet.objects.get(code=DATA_SET), commune, organization, period_get(period))
    element = DataElement.objects.get(code="bench_e01")
    timed = _Timed(services.sums_apply_changes)
    services.sums_apply_changes = timed
    saves, sums = [], []
    original = DataValue.objects.get(
        unit=commune, period_id=period, element=element, organization_type=organization.type
    ).value
    for run in range(args.repeat):
        before = _province_result("rate-a", period, basis="entered").numerator
        approved_before = _province_result("rate-a", period).numerator
        new = original + (run + 1)
        started = time.perf_counter()
        services.data_value_save(
            actor=actor, form=form, element=element, raw=f"{new:f}".split(".")[0]
        )  # whole numbers, Vietnamese entry
        saves.append(time.perf_counter() - started)
        sums.append(timed.seconds[-1])
        after = _province_result("rate-a", period, basis="entered").numerator
        assert after - before == 1, (before, after)  # each run saves one more than the last
        # A draft's figures do not count where only approved forms do.
        assert _province_result("rate-a", period).numerator == approved_before
    services.data_value_save(
        actor=actor, form=form, element=element, raw=f"{original:f}".split(".")[0]
    )
    return _checked(
        args,
        {
            "seconds": round(statistics.median(sums), 4),
            "sums_runs": [round(t, 4) for t in sums],
            "save_seconds": round(statistics.median(saves), 4),
            "save_runs": [round(t, 4) for t in saves],
            "unit": commune.path,
            "period": period,
        },
    )


def step_submission(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from danvan.datasets import services
    from danvan.datasets.models import DataValue, Submission
    from danvan.datasets.queries import EntryForm

    period = _years(args.periods)[-1]
    commune = _commune("submitted", period)
    code = commune.path.split("/")[1]
    actor = _actor(code)
    timed = _Timed(services.sums_apply_transition)
    services.sums_apply_transition = timed

    def commune_forms() -> list[Submission]:
        # As the inbox's bulk approval reads them: with unit and body, whose scope the
        # approver's check reads.
        return list(
            Submission.objects.filter(unit=commune, period_id=period, data_set__code=DATA_SET)
            .select_related("data_set", "unit", "organization", "period")
            .order_by("organization__type__sort_order")
        )

    forms = commune_forms()
    values = DataValue.objects.filter(unit=commune, period_id=period)
    share = sum(values.filter(element__code="bench_e01").values_list("value", flat=True))
    whole, separate, per_form, sums, bulk_sums, statements = [], [], [], [], [], []
    for bulk in (False, True):
        for _ in range(args.repeat):
            # A province with no approved figure of the year yet has no numerator.
            before = _province_result("rate-a", period, province=code).numerator or 0
            started = time.perf_counter()
            if bulk:
                # The inbox's bulk approval: one transaction for the six forms. The
                # statements are counted as they go (a list append each).
                with CaptureQueriesContext(connection) as counted:
                    outcomes = services.submissions_approve(actor=actor, submissions=forms)
                whole.append(time.perf_counter() - started)
                assert all(refused is None for _, refused in outcomes), outcomes
                bulk_sums.append(timed.seconds[-1])
                statements.append(len(counted))
            else:
                for submission in forms:
                    begun = time.perf_counter()
                    services.submission_approve(actor=actor, submission=submission)
                    per_form.append(time.perf_counter() - begun)
                    sums.append(timed.seconds[-1])
                separate.append(time.perf_counter() - started)
            after = _province_result("rate-a", period, province=code).numerator or 0
            assert after - before == share, (before, after, share)
            # Back to submitted, untimed, through the services (reopen, then submit again).
            with transaction.atomic():
                for submission in forms:
                    services.submission_reopen(actor=actor, submission=submission, comment="bench")
                    form = EntryForm(
                        submission.data_set,
                        submission.unit,
                        submission.organization,
                        submission.period,
                    )
                    services.submission_submit(actor=actor, form=form)
            forms = commune_forms()
    return _checked(
        args,
        {
            "seconds": round(statistics.median(whole), 4),
            "runs": [round(t, 4) for t in whole],
            "separate_transactions_seconds": round(statistics.median(separate), 4),
            "separate_runs": [round(t, 4) for t in separate],
            "forms": len(forms),
            "values": values.count(),
            "per_form_seconds": round(statistics.median(per_form), 4),
            "sums_per_form_seconds": round(statistics.median(sums), 4),
            "bulk_sums_seconds": round(statistics.median(bulk_sums), 4),
            "bulk_statements": statements[-1],
            "unit": commune.path,
            "period": period,
        },
    )


def step_target(args: argparse.Namespace) -> dict[str, Any]:
    from django.db.models import F

    from danvan.indicators.models import IndicatorPart, Target

    period = _years(args.periods)[-1]
    parts = IndicatorPart.objects.filter(
        indicator__resolution__number__startswith="BENCH/",
        indicator__number=ONE_INDICATOR,
        code="rate-a",
    )
    commune = _commune("approved", period)
    district = commune.parent  # so that every place read has figures
    places = [None, district, commune]
    before = [_province_result("rate-a", period, unit=u) for u in places]
    timings: dict[str, list[float]] = {"target": [], "definition": []}
    for _ in range(args.repeat):
        # A target: every rate-a target of the 63 resolutions raised by 5 points.
        started = time.perf_counter()
        Target.objects.filter(part__in=parts).update(value=F("value") + 5)
        seen = [_province_result("rate-a", period, unit=u) for u in places]
        timings["target"].append((time.perf_counter() - started) / len(places))
        for old, new in zip(before, seen, strict=True):
            assert new.target.value == old.target.value + 5, (old.target, new.target)
            assert new.value is not None and new.value == old.value
            assert new.achievement != old.achievement
        Target.objects.filter(part__in=parts).update(value=F("value") - 5)
        # A definition: the numerator reads another element.
        started = time.perf_counter()
        parts.update(numerator="#{bench_e05}")
        seen = [_province_result("rate-a", period, unit=u) for u in places]
        timings["definition"].append((time.perf_counter() - started) / len(places))
        others = [_province_result("rate-c", period, unit=u) for u in places]
        for new, other in zip(seen, others, strict=True):
            assert new.numerator == other.numerator, (new.numerator, other.numerator)
        parts.update(numerator="#{bench_e01}")
    return _checked(
        args,
        {
            "seconds": round(statistics.median(timings["target"]), 4),
            "target_runs": [round(t, 4) for t in timings["target"]],
            "definition_seconds": round(statistics.median(timings["definition"]), 4),
            "definition_runs": [round(t, 4) for t in timings["definition"]],
            "read_at": ["province", district.path, commune.path],
        },
    )


def step_repair(args: argparse.Namespace) -> dict[str, Any]:
    """A sums table out of step: one row changed, one deleted, one made up."""
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    from danvan.indicators.models import ElementSum

    rows = list(ElementSum.objects.order_by("pk")[:2])
    ElementSum.objects.filter(pk=rows[0].pk).update(entered_total=rows[0].entered_total + 7)
    ElementSum.objects.filter(pk=rows[1].pk).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(period_id) FROM indicators_elementsum")
        (period,) = cursor.fetchone()
    ElementSum.objects.create(
        unit_id=rows[0].unit_id,
        level=rows[0].level,
        period_id=period,
        element_id=rows[0].element_id,
        option=999999,
        entered_total=1,
        entered_count=1,
    )
    out = io.StringIO()
    started = time.perf_counter()
    try:
        call_command("check_sums", stdout=out)
        raise AssertionError("check_sums found nothing")
    except CommandError as error:
        found = str(error)
    check_seconds = time.perf_counter() - started
    printed = [line for line in out.getvalue().splitlines() if line.startswith("unit ")]
    assert len(printed) == 3, printed
    started = time.perf_counter()
    call_command("check_sums", "--repair", stdout=io.StringIO())
    repair_seconds = time.perf_counter() - started
    return _checked(
        args,
        {
            "seconds": round(check_seconds, 2),
            "repair_seconds": round(repair_seconds, 2),
            "found": found,
            "printed": printed,
        },
    )


_profiler: Any = None


def _profile_start(args: argparse.Namespace) -> None:
    global _profiler
    if args.profile:
        import cProfile

        _profiler = cProfile.Profile()
        _profiler.enable()


def _profile_stop(args: argparse.Namespace) -> None:
    if not _profiler:
        return
    import pstats

    _profiler.disable()
    out = io.StringIO()
    pstats.Stats(_profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue(), file=sys.stderr)


STEPS = {
    "prepare": step_prepare,
    "yardstick_sql": step_yardstick_sql,
    "export": step_export,
    "yardstick_duckdb": step_yardstick_duckdb,
    "rebuild": step_rebuild,
    "read_all": step_read_all,
    "ranking": step_ranking,
    "value": step_value,
    "submission": step_submission,
    "target": step_target,
    "repair": step_repair,
}
# (step, goal, in seconds or as a multiple of the DuckDB yardstick)
GOALS = {
    "rebuild": ("≤ 3 × DuckDB", 3.0, "duckdb"),
    "read_all": ("≤ 2 × DuckDB", 2.0, "duckdb"),
    "ranking": ("< 500 ms", 0.5, None),
    "value": ("< 10 ms above the save", 0.010, None),
    "submission": ("< 50 ms", 0.050, None),
    "target": ("< 100 ms", 0.100, None),
}


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _run(step: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__]
    if step == "yardstick_duckdb":
        command = ["uv", "run", "--no-project", "--with", "duckdb", "python", __file__]
    command += ["--step", step, "--database-url", args.database_url, "--scale", str(args.scale)]
    command += ["--periods", str(args.periods), "--export-dir", args.export_dir]
    command += ["--repeat", str(args.repeat)]
    for flag in ("profile", "no_check"):
        if getattr(args, flag):
            command += [f"--{flag.replace('_', '-')}"]
    load = _load()
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    report = json.loads(output.stdout.strip().splitlines()[-1])
    report["load_before_after"] = f"{load} → {_load()}"
    return report


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    """Each measure against both yardsticks of the same run, and its goal."""
    sql = report.get("yardstick_sql", {}).get("seconds")
    duck = report.get("yardstick_duckdb", {}).get("seconds")
    summary: dict[str, Any] = {}
    for step, (goal, bound, against) in GOALS.items():
        if step not in report:
            continue
        seconds = report[step]["seconds"]
        line: dict[str, Any] = {"seconds": seconds, "goal": goal}
        if sql:
            line["÷ sql"] = round(seconds / sql, 4)
        if duck:
            line["÷ duckdb"] = round(seconds / duck, 4)
        if against == "duckdb":
            line["met"] = bool(duck) and seconds <= bound * duck
        else:
            line["met"] = seconds < bound
        summary[step] = line
    if "rebuild" in report:
        for yardstick in ("yardstick_sql", "yardstick_duckdb"):
            if yardstick in report:
                ours = {k: v for k, v in report["rebuild"].items() if k in report[yardstick]}
                theirs = {k: report[yardstick][k] for k in ours}
                # Only the figures: every step also reports its time, memory and load.
                for key in ("seconds", "peak_rss_mb", "load_before_after"):
                    ours.pop(key, None), theirs.pop(key, None)
                summary[f"rebuild equals {yardstick}"] = ours == theirs
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of communes (1.0 = all)")
    parser.add_argument("--periods", type=int, default=10, help="yearly periods up to 2024")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--export-dir", default=str(Path(tempfile.gettempdir()) / "danvan_bench"))
    parser.add_argument("--repeat", type=int, default=5, help="runs of the fast steps")
    parser.add_argument("--only", help="comma-separated steps (default: all)")
    parser.add_argument("--no-duckdb", action="store_true")
    parser.add_argument("--no-check", action="store_true", help="skip sums_differences per step")
    parser.add_argument("--profile", action="store_true", help="cProfile to stderr")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if "bench" not in (urlparse(args.database_url).path or ""):
        parser.error("the database name must contain 'bench': its data tables are replaced")
    if args.step:
        if args.step != "yardstick_duckdb":
            _django(args.database_url)
        result = STEPS[args.step](args)
        result["peak_rss_mb"] = _peak_mb()
        print(json.dumps(result, default=str))
        return
    wanted = args.only.split(",") if args.only else list(STEPS)
    if args.no_duckdb:
        wanted = [s for s in wanted if s not in ("export", "yardstick_duckdb")]
    report: dict[str, Any] = {
        "scale": args.scale,
        "periods": args.periods,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, {platform.python_version()}",
    }
    for step in STEPS:
        if step in wanted:
            report[step] = _run(step, args)
            print(f"{step}: {json.dumps(report[step])}", file=sys.stderr, flush=True)
    report["summary"] = _summary(report)
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
