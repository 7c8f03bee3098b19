"""Carrying the whole country's legacy history onto a 34-province hierarchy (issue 12).

The national benchmark's country (`bench_indicators.py`: the 63 legacy provinces, their
districts and communes, and their figures) gets a newer hierarchy version, valid from
1/7/2025, without a district level, built set-based (`bulk_create`) and deterministically:

- the 63 legacy provinces, in code order, merged in groups of 3, 2, 1, 2, 1, 2, … into
  34 new provinces (6 of three, 17 of two, 11 unchanged); each old province is linked to
  its new one with a whole share;
- the old communes of each new province, in path order, merged 3, 3, 2, … into new
  communes directly under the province; every tenth old commune (the fifth of each ten)
  is split in two with equal shares (0,5 to its group's new commune, 0,5 to the next
  one: `share_basis = equal`, an estimate), every fiftieth in three (0,3333 each, as the
  loader rounds equal shares to 4 decimals, so 0,0001 of it goes nowhere), the others go
  whole. Old districts have no successor: the level ends.

Measured in the same run, each step in a fresh process, with the 1-minute load average
before and after it and a fixed pure-Python loop (the yardstick of `bench_checker.py`)
timed in the same process just before:

  prepare           the newer version built (units and succession links, `bulk_create`)
  yardstick_sql     the national benchmark's yardstick: its roll-up as one plain GROUP BY
  plain             the sums emptied, no carry links; `sums_rebuild()` timed (a)
  carried           the sums emptied; `carry_links_rebuild()` and `sums_rebuild()` timed
                    with the links: the legacy history carried onto the 34 provinces (b)
  check             `sums_differences()` must be empty, and carrying must be conservative
                    for a summed element: its national total over the new provinces equals
                    the total over the old ones (within the shares' 4-decimal rounding)

The summary gives (b) ÷ (a), each ÷ its yardsticks and the load. With `--repeat N` the
pair (a), (b) runs N times alternately and the medians are compared.

Usage (a copy of the national benchmark's database; its name must contain 'bench'):

    createdb -h 127.0.0.1 -U postgres -T danvan_bench danvan_bench_carry
    uv run --frozen python benchmarks/bench_carrying.py \\
        --database-url postgres://postgres@127.0.0.1:5432/danvan_bench_carry

The database is left with the newer version, its carry links and sums that include the
carried history; `bench_indicators.py` ignores the newer version's units except in the
sums (run its `rebuild` step, or `prepare` again, before comparing its figures).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlparse

import bench_indicators as national
from bench_checker import _yardstick as _python_loop

VERSION = "bench-34"
VALID_FROM = "2025-07-01"
PROVINCE_GROUPS = [3, 2, 1, 2, 1, 2]  # cycled: 34 groups of the 63 provinces
COMMUNE_GROUPS = [3, 3, 2]  # cycled within each new province
# Within each new province, the old commune at position 4, 14, 24, … is split in two, and
# the one at 49, 99, … in three (equal shares of 4 decimals: 0,3333 each).
SPLIT_EVERY, SPLIT_AT = 10, 4
THIRDS_EVERY, THIRDS_AT = 50, 49
SUMMED = "bench_e01"  # a summed (flow) element reported by communes


def _ways(position: int, left: int) -> int:
    """Into how many new communes the old commune at `position` goes (`left`: new communes
    from its own to the province's last)."""
    if position % THIRDS_EVERY == THIRDS_AT and left >= 3:
        return 3
    if position % SPLIT_EVERY == SPLIT_AT and left >= 2:
        return 2
    return 1


def _yardstick_python(runs: int = 5) -> float:
    return round(statistics.median(_python_loop() for _ in range(runs)), 4)


def _groups(items: list[Any], sizes: list[int]) -> list[list[Any]]:
    groups, start, k = [], 0, 0
    while start < len(items):
        size = sizes[k % len(sizes)]
        groups.append(items[start : start + size])
        start, k = start + size, k + 1
    return groups


# --- the newer hierarchy ------------------------------------------------------------------


def _remove_version(cursor: Any) -> None:
    """A previous run's newer version and everything pointing at it (raw SQL, in order)."""
    units = (
        "SELECT u.id FROM geography_administrativeunit u JOIN geography_hierarchyversion v "
        f"ON v.id = u.version_id WHERE v.code = '{VERSION}'"
    )
    cursor.execute(f"DELETE FROM indicators_elementsum WHERE unit_id IN ({units})")
    cursor.execute("DELETE FROM geography_unitcarry")
    cursor.execute(
        f"DELETE FROM geography_unitsuccession WHERE successor_id IN ({units}) "
        f"OR predecessor_id IN ({units})"
    )
    cursor.execute(f"DELETE FROM geography_administrativeunit WHERE id IN ({units}) AND level = 3")
    cursor.execute(f"DELETE FROM geography_administrativeunit WHERE id IN ({units})")
    cursor.execute(f"DELETE FROM geography_hierarchyversion WHERE code = '{VERSION}'")


def step_prepare(args: argparse.Namespace) -> dict[str, Any]:
    """The 34-province version and its succession links, set-based."""
    from django.db import connection, transaction

    from danvan.geography.models import AdministrativeUnit, HierarchyVersion, UnitSuccession
    from danvan.lib.text import fold

    legacy = HierarchyVersion.objects.get(code="vn-legacy")
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            _remove_version(cursor)
        version = HierarchyVersion.objects.create(
            code=VERSION,
            name="Benchmark: 34 provinces from 1/7/2025",
            valid_from=VALID_FROM,
            has_district_level=False,
        )
        old_provinces = list(
            AdministrativeUnit.objects.filter(version=legacy, level=1).order_by("code")
        )
        merged = _groups(old_provinces, PROVINCE_GROUPS)
        provinces = AdministrativeUnit.objects.bulk_create(
            [
                AdministrativeUnit(
                    version=version,
                    code=group[0].code,
                    name=f"{group[0].name} (mới)",
                    kind=group[0].kind,
                    level=1,
                    path=f"/{group[0].code}/",
                    search_name=fold(f"{group[0].name} (mới)"),
                    valid_from=VALID_FROM,
                    source_key=f"{VERSION}:{group[0].code}",
                )
                for group in merged
            ]
        )
        links = [
            UnitSuccession(
                predecessor=old,
                successor=new,
                effective_date=VALID_FROM,
                source="benchmark",
            )
            for group, new in zip(merged, provinces, strict=True)
            for old in group
        ]
        communes_by_province = []
        new_communes: list[AdministrativeUnit] = []
        for group, province in zip(merged, provinces, strict=True):
            old_communes = list(
                AdministrativeUnit.objects.filter(
                    version=legacy, level=3, path__regex=rf"^/({'|'.join(p.code for p in group)})/"
                ).order_by("path")
            )
            chunks = _groups(old_communes, COMMUNE_GROUPS)
            made = [
                AdministrativeUnit(
                    version=version,
                    code=chunk[0].code,
                    name=f"{chunk[0].name} (mới)",
                    kind=chunk[0].kind,
                    level=3,
                    parent=province,
                    path=f"/{province.code}/{chunk[0].code}/",
                    search_name=fold(f"{chunk[0].name} (mới)"),
                    valid_from=VALID_FROM,
                    source_key=f"{VERSION}:{chunk[0].code}",
                )
                for chunk in chunks
            ]
            new_communes += made
            communes_by_province.append((chunks, made))
        AdministrativeUnit.objects.bulk_create(new_communes, batch_size=2000)
        split = {2: 0, 3: 0}
        for chunks, made in communes_by_province:
            position = 0
            for index, chunk in enumerate(chunks):
                for old in chunk:
                    ways = _ways(position, len(made) - index)
                    position += 1
                    if ways == 1:
                        links.append(
                            UnitSuccession(
                                predecessor=old,
                                successor=made[index],
                                effective_date=VALID_FROM,
                                source="benchmark",
                            )
                        )
                        continue
                    split[ways] += 1
                    # As the loader stores the package's equal shares: 4 decimals, so a
                    # split in three carries 0,9999 of the old commune.
                    share = (Decimal(1) / ways).quantize(Decimal("0.0001"), ROUND_HALF_UP)
                    for k in range(ways):
                        links.append(
                            UnitSuccession(
                                predecessor=old,
                                successor=made[index + k],
                                share=share,
                                share_basis=UnitSuccession.ShareBasis.EQUAL,
                                is_partial=True,
                                is_main_successor=k == 0,
                                effective_date=VALID_FROM,
                                source="benchmark",
                            )
                        )
        UnitSuccession.objects.bulk_create(links, batch_size=5000)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE geography_administrativeunit")
        cursor.execute("ANALYZE geography_unitsuccession")
    return {
        "seconds": round(seconds, 2),
        "old_provinces": len(old_provinces),
        "new_provinces": len(provinces),
        "old_communes": sum(len(c) for chunks, _ in communes_by_province for c in chunks),
        "new_communes": len(new_communes),
        "old_communes_split_in_two": split[2],
        "old_communes_split_in_three": split[3],
        "succession_links": len(links),
    }


# --- the two roll-ups ------------------------------------------------------------------------


def _empty_sums() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE indicators_elementsum")
        cursor.execute("DELETE FROM geography_unitcarry")
        cursor.execute("ANALYZE geography_unitcarry")


def step_plain(args: argparse.Namespace) -> dict[str, Any]:
    """(a) Every sum rebuilt from an empty table, with no carry links."""
    from danvan.geography.models import UnitCarry
    from danvan.indicators.sums import sums_rebuild

    _empty_sums()
    assert not UnitCarry.objects.exists()
    yardstick = _yardstick_python()
    started = time.perf_counter()
    rows = sums_rebuild()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "rows": rows,
        "yardstick_python_seconds": yardstick,
        "to_yardstick_python": round(seconds / yardstick, 1),
        **national._sums_totals(),
    }


def step_carried(args: argparse.Namespace) -> dict[str, Any]:
    """(b) The carry links composed and every sum rebuilt with them, from an empty table."""
    from django.db import connection

    from danvan.geography.carrying import carry_links_rebuild
    from danvan.indicators.sums import sums_rebuild

    _empty_sums()
    yardstick = _yardstick_python()
    started = time.perf_counter()
    links = carry_links_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE geography_unitcarry")  # counted with the links: ≈ ms
    linked = time.perf_counter()
    rows = sums_rebuild()
    ended = time.perf_counter()
    seconds = ended - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE estimated), count(*) FROM geography_unitcarry"
        )
        estimated, total = cursor.fetchone()
    assert total == links
    return {
        "seconds": round(seconds, 2),
        "carry_links_seconds": round(linked - started, 2),
        "sums_rebuild_seconds": round(ended - linked, 2),
        "carry_links": links,
        "carry_links_estimated": estimated,
        "rows": rows,
        "yardstick_python_seconds": yardstick,
        "to_yardstick_python": round(seconds / yardstick, 1),
        **national._sums_totals(),
    }


# --- the checks ----------------------------------------------------------------------------------


def _conservation() -> list[dict[str, Any]]:
    """Per period, the summed element's commune figures at the province level: over the
    new provinces, over the old ones, what the shares should give (each old commune's
    values × the sum of its shares) and the values themselves, in every basis."""
    from django.db import connection

    sql = f"""
    WITH kept AS (
      SELECT s.period_id,
        SUM(CASE WHEN v.code = '{VERSION}' THEN s.entered_total END) AS new_entered,
        SUM(CASE WHEN v.code = 'vn-legacy' THEN s.entered_total END) AS old_entered,
        SUM(CASE WHEN v.code = '{VERSION}' THEN s.approved_total END) AS new_approved,
        SUM(CASE WHEN v.code = 'vn-legacy' THEN s.approved_total END) AS old_approved,
        SUM(CASE WHEN v.code = '{VERSION}' THEN s.estimated_count END) AS new_estimated
      FROM indicators_elementsum s
      JOIN geography_administrativeunit u ON u.id = s.unit_id AND u.level = 1
      JOIN geography_hierarchyversion v ON v.id = u.version_id
      JOIN datasets_dataelement e ON e.id = s.element_id AND e.code = %s
      WHERE s.level = 3
      GROUP BY s.period_id
    ),
    shares AS (
      SELECT predecessor_id, SUM(share) AS share FROM geography_unitsuccession
      GROUP BY predecessor_id
    ),
    raw AS (
      SELECT dv.period_id, SUM(dv.value) AS values_total,
             SUM(dv.value * COALESCE(sh.share, 0)) AS by_shares,
             SUM(abs(dv.value * (1 - COALESCE(sh.share, 0)))) AS tolerance
      FROM datasets_datavalue dv
      JOIN geography_administrativeunit c ON c.id = dv.unit_id AND c.level = 3
      JOIN datasets_dataelement e ON e.id = dv.element_id AND e.code = %s
      LEFT JOIN shares sh ON sh.predecessor_id = c.id
      GROUP BY dv.period_id
    )
    SELECT k.period_id, k.new_entered, k.old_entered, k.new_approved, k.old_approved,
           k.new_estimated, r.values_total, r.by_shares, r.tolerance
    FROM kept k JOIN raw r ON r.period_id = k.period_id ORDER BY k.period_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [SUMMED, SUMMED])
        rows = cursor.fetchall()
    names = [
        "period",
        "new_entered",
        "old_entered",
        "new_approved",
        "old_approved",
        "new_estimated_count",
        "values_total",
        "values_by_shares",
        "tolerance",
    ]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _rolled_rows() -> tuple[int, int]:
    """Rows the roll-up reads (each value once per unit it is added to), without and with
    the carry links: what the two rebuilds differ by."""
    from django.db import connection

    sql = """
    WITH per_unit AS (
      SELECT dv.unit_id, count(*) AS n FROM datasets_datavalue dv
      JOIN datasets_dataelement e ON e.id = dv.element_id AND e.aggregation <> 'none'
      GROUP BY dv.unit_id
    ),
    ancestors AS (
      SELECT u.id, (u.parent_id IS NOT NULL)::int + (p.parent_id IS NOT NULL)::int
                   + (q.parent_id IS NOT NULL)::int AS k
      FROM geography_administrativeunit u
      LEFT JOIN geography_administrativeunit p ON p.id = u.parent_id
      LEFT JOIN geography_administrativeunit q ON q.id = p.parent_id
    ),
    carried AS (
      SELECT c.source_id, count(*) + count(t.parent_id) + count(p.parent_id) AS k
      FROM geography_unitcarry c
      JOIN geography_administrativeunit t ON t.id = c.target_id
      LEFT JOIN geography_administrativeunit p ON p.id = t.parent_id
      GROUP BY c.source_id
    )
    SELECT sum(v.n * a.k), sum(v.n * (a.k + COALESCE(c.k, 0)))
    FROM per_unit v JOIN ancestors a ON a.id = v.unit_id
    LEFT JOIN carried c ON c.source_id = v.unit_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        plain, carried = cursor.fetchone()
    return int(plain), int(carried)


def step_check(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import transaction

    from danvan.geography.models import UnitCarry
    from danvan.indicators.sums import sums_differences

    assert UnitCarry.objects.exists(), "run the carried step first"
    started = time.perf_counter()
    with transaction.atomic():
        differences = sums_differences()
    check_seconds = time.perf_counter() - started
    assert not differences, differences[:5]
    periods = _conservation()
    assert periods, "no figures of the summed element"
    places = Decimal("0.0001")
    for line in periods:
        new, old = line["new_entered"] or 0, line["old_entered"] or 0
        # Old provinces hold exactly the values; the new ones what the shares give; the
        # two differ by no more than the shares' rounding (the communes split in three).
        assert old == line["values_total"], line
        assert (new - line["values_by_shares"]).quantize(places) == 0, line
        assert abs(new - old) <= line["tolerance"], line
        assert (
            abs((line["new_approved"] or 0) - (line["old_approved"] or 0)) <= line["tolerance"]
        ), line
    # The split communes' figures reached the new provinces marked as estimated.
    assert sum(line["new_estimated_count"] or 0 for line in periods) > 0, periods
    plain_rows, carried_rows = _rolled_rows()
    return {
        "rolled_rows_plain": plain_rows,
        "rolled_rows_carried": carried_rows,
        "sums_differing": len(differences),
        "seconds": round(check_seconds, 1),
        "conservative": True,
        "element": SUMMED,
        "periods": [
            {key: format(value, "f") if isinstance(value, Decimal) else value
             for key, value in line.items()}
            for line in periods
        ],
    }  # fmt: skip


STEPS = {
    "prepare": step_prepare,
    "yardstick_sql": national.step_yardstick_sql,
    "plain": step_plain,
    "carried": step_carried,
    "check": step_check,
}


def _run(step: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", step, "--database-url", args.database_url]
    load = national._load()
    output = subprocess.run(
        command, check=True, stdout=subprocess.PIPE, text=True, cwd=national.ROOT
    )
    report: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    report["load_before_after"] = f"{load} → {national._load()}"
    print(f"{step}: {json.dumps(report)}", file=sys.stderr, flush=True)
    return report


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    plain = statistics.median(r["seconds"] for r in report["plain"])
    carried = statistics.median(r["seconds"] for r in report["carried"])
    summary: dict[str, Any] = {
        "plain_seconds": round(plain, 2),
        "carried_seconds": round(carried, 2),
        "carried_to_plain": round(carried / plain, 2),
        # Each pair ran one after the other, at about the same load.
        "carried_to_plain_per_pair": [
            round(b["seconds"] / a["seconds"], 2)
            for a, b in zip(report["plain"], report["carried"], strict=True)
        ],
        "rows_plain": report["plain"][-1]["rows"],
        "rows_carried": report["carried"][-1]["rows"],
    }
    sql = report.get("yardstick_sql", {}).get("seconds")
    if sql:
        # Without carry links the rebuild is exactly the yardstick's roll-up.
        figures = (
            "groups",
            *(k for k in report["yardstick_sql"] if k.endswith(("_total", "_count"))),
        )
        summary["plain_equals_yardstick_sql"] = all(
            str(report["plain"][-1][k]) == str(report["yardstick_sql"][k]) for k in figures
        )
        summary["plain_to_yardstick_sql"] = round(plain / sql, 2)
        summary["carried_to_yardstick_sql"] = round(carried / sql, 2)
    python = statistics.median(
        r["yardstick_python_seconds"] for r in report["plain"] + report["carried"]
    )
    summary["yardstick_python_seconds"] = python
    summary["plain_to_yardstick_python"] = round(plain / python, 1)
    summary["carried_to_yardstick_python"] = round(carried / python, 1)
    if "check" in report:
        summary["rolled_rows_carried_to_plain"] = round(
            report["check"]["rolled_rows_carried"] / report["check"]["rolled_rows_plain"], 2
        )
        summary["sums_equal_a_rebuild"] = report["check"]["sums_differing"] == 0
        summary["conservative"] = report["check"]["conservative"]
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", national.DEFAULT_URL)
    )
    parser.add_argument("--repeat", type=int, default=1, help="pairs (plain, carried) run")
    parser.add_argument("--no-yardstick-sql", action="store_true")
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if "bench" not in (urlparse(args.database_url).path or ""):
        parser.error("the database name must contain 'bench': its sums are replaced")
    if args.step:
        national._django(args.database_url)
        result = STEPS[args.step](args)
        result["peak_rss_mb"] = national._peak_mb()
        print(json.dumps(result, default=str))
        return
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, {platform.python_version()}",
        "prepare": _run("prepare", args),
    }
    if not args.no_yardstick_sql:
        report["yardstick_sql"] = _run("yardstick_sql", args)
    report["plain"], report["carried"] = [], []
    for _ in range(args.repeat):
        report["plain"].append(_run("plain", args))
        report["carried"].append(_run("carried", args))
    if not args.no_check:
        report["check"] = _run("check", args)
    report["summary"] = _summary(report)
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
