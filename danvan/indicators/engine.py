"""The computation engine: every part × unit × period of a resolution.

Figures are rolled up the hierarchy in SQL, set-based: per level, each reporting unit's
own totals, then those joined to all its ancestors through the materialised path
(`unit.path LIKE ancestor.path || '%'`). Rates are then computed from the summed
numerators and denominators — never averaged. Results are materialised in
IndicatorResult and replaced for exactly the (part, unit, period) keys recomputed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from danvan.datasets.models import DataElement, DataValue, Period
from danvan.datasets.queries import ValueLookup
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import IndicatorPart, IndicatorResult, Resolution, Target
from danvan.lib.expressions import Expression, Ref, expression_parse
from danvan.lib.periods import PeriodType

Key = tuple[str, str | None]  # (element code, organization type code or None)
Status = IndicatorResult.Status
TargetKind = IndicatorPart.TargetKind

_ROLLUP_SQL = """
SELECT a.id, dv.period_id, e.code, {option}, {function}(dv.value)
FROM datasets_datavalue dv
JOIN geography_administrativeunit u ON u.id = dv.unit_id
JOIN geography_administrativeunit a
  ON a.version_id = u.version_id AND u.path LIKE a.path || '%%' {own_only}
JOIN datasets_dataelement e ON e.id = dv.element_id
LEFT JOIN organizations_organizationtype ot ON ot.id = dv.organization_type_id
WHERE dv.unit_id IN ({reporters}) AND a.level <= %s AND a.version_id = %s
  AND a.path LIKE %s AND e.code IN ({codes}) AND dv.period_id IN ({periods}) {unit_filter}
GROUP BY 1, 2, 3, 4
"""

# Sums in two steps: each reporting unit's own totals, then those into every ancestor.
# The reporting units are listed by id: given only their path prefix, or joined to
# their ancestors first, the planner cannot tell how few values one province holds and
# reads every value of the country, once per resolution and level (one level of Hậu
# Giang with a tenth of the country's values: 0,58 s → 0,03 s; benchmarks/README.md).
_ROLLUP_SUM_SQL = """
WITH own AS (
  SELECT dv.unit_id, dv.period_id, e.code, {option} AS option, SUM(dv.value) AS total
  FROM datasets_datavalue dv
  JOIN datasets_dataelement e ON e.id = dv.element_id
  LEFT JOIN organizations_organizationtype ot ON ot.id = dv.organization_type_id
  WHERE dv.unit_id IN ({reporters}) AND e.code IN ({codes}) AND dv.period_id IN ({periods})
  GROUP BY 1, 2, 3, 4
)
SELECT a.id, own.period_id, own.code, own.option, SUM(own.total)
FROM own
JOIN geography_administrativeunit u ON u.id = own.unit_id
JOIN geography_administrativeunit a
  ON a.version_id = u.version_id AND u.path LIKE a.path || '%%' {own_only}
WHERE a.level <= %s AND a.version_id = %s AND a.path LIKE %s {unit_filter}
  AND u.level = %s AND u.path LIKE %s
GROUP BY 1, 2, 3, 4
"""


@cache
def _parsed(text: str) -> Expression:
    return expression_parse(text)


def _refs(part: IndicatorPart) -> list[Ref]:
    refs = list(_parsed(part.numerator).refs)
    if part.denominator:
        refs += _parsed(part.denominator).refs
    return refs


def rollup(
    *,
    level: int,
    root: AdministrativeUnit,
    codes: set[str],
    period_ids: set[str],
    unit_ids: set[int] | None = None,
    by_option: set[str] | None = None,
) -> dict[tuple[int, str], dict[Key, Decimal]]:
    """Sum (or average) the figures of units at `level` into every unit above them under
    `root`: {(unit id, period id): {(code, option): value}}.

    With `by_option`, summed codes outside it come as one total under option None (what
    `#{code}` reads) instead of one row per organization type."""
    found: dict[tuple[int, str], dict[Key, Decimal]] = defaultdict(dict)
    if not codes or not period_ids:
        return found
    aggregation = dict(
        DataElement.objects.filter(code__in=codes).values_list("code", "aggregation")
    )
    reporters = sorted(
        AdministrativeUnit.objects.within(root).filter(level=level).values_list("pk", flat=True)
    )
    if not reporters:
        return found
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code in codes:
        kind = aggregation.get(code, DataElement.Aggregation.SUM)
        if kind == DataElement.Aggregation.AVERAGE:
            groups[("AVG", "")].append(code)
        elif kind == DataElement.Aggregation.NONE:
            groups[("SUM", "AND a.id = u.id")].append(code)
        else:
            groups[("SUM", "")].append(code)
    for (function, own_only), group_codes in groups.items():
        option = "ot.code"
        option_params: list[str] = []
        if by_option is not None and function == "SUM":
            option_params = sorted(by_option & set(group_codes))
            option = "NULL"
            if option_params:
                placeholders = ", ".join(["%s"] * len(option_params))
                option = f"CASE WHEN e.code IN ({placeholders}) THEN ot.code END"
        unit_filter = ""
        if unit_ids is not None:
            unit_filter = f"AND a.id IN ({', '.join(['%s'] * len(unit_ids))})"
        prefix = f"{root.path}%"
        params: list[int | str] = [*option_params, *reporters]
        if function == "SUM":
            template = _ROLLUP_SUM_SQL
            params += [*group_codes, *sorted(period_ids), level, root.version_id, prefix]
            params += [*sorted(unit_ids or ()), level, prefix]
        else:
            template = _ROLLUP_SQL
            params += [level, root.version_id, prefix, *group_codes, *sorted(period_ids)]
            params += sorted(unit_ids or ())
        sql = template.format(
            reporters=", ".join(["%s"] * len(reporters)),
            option=option,
            function=function,
            own_only=own_only,
            codes=", ".join(["%s"] * len(group_codes)),
            periods=", ".join(["%s"] * len(period_ids)),
            unit_filter=unit_filter,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for unit_id, period_id, code, option_code, value in cursor.fetchall():
                found[(unit_id, period_id)][(code, option_code)] = (
                    value if type(value) is Decimal else Decimal(value)
                )
    return found


def target_for(
    targets: list[Target], year: int, *, rule: str = Resolution.TargetRule.UPCOMING
) -> Target | None:
    """The milestone in force in `year`.

    UPCOMING (the seed's reading): the nearest milestone at or after `year` — 2021 is
    judged against the 2025 target being pursued — and after the last one, the last one.
    REACHED: the latest milestone not after `year`; before the first one, the first one.
    """
    if not targets:
        return None
    ordered = sorted(targets, key=lambda t: t.year)
    past = [t for t in ordered if t.year <= year]
    ahead = [t for t in ordered if t.year >= year]
    if rule == Resolution.TargetRule.REACHED:
        return past[-1] if past else ordered[0]
    if rule != Resolution.TargetRule.UPCOMING:
        raise ValueError(f"Unknown target rule {rule!r}")
    return ahead[0] if ahead else ordered[-1]


def judge(kind: str, value: Decimal | None, target: Target | None) -> tuple[Decimal | None, str]:
    """(achievement in %, status). Achievement: at least → value ÷ target; a range →
    against its upper bound; at most → target ÷ value."""
    if value is None:
        return None, Status.NO_DATA
    if kind == TargetKind.NONE or target is None:
        return None, Status.NO_TARGET
    if kind == TargetKind.RANGE:
        upper = target.upper if target.upper is not None else target.value
        achievement = value / upper * 100 if upper else None
        if value > upper:
            return achievement, Status.EXCEEDED
        return achievement, Status.MET if value >= target.value else Status.NOT_MET
    if kind == TargetKind.AT_MOST:
        achievement = target.value / value * 100 if value else None
        if value < target.value:
            return achievement, Status.EXCEEDED
        return achievement, Status.MET if value == target.value else Status.NOT_MET
    achievement = value / target.value * 100 if target.value else None
    if value > target.value:
        return achievement, Status.EXCEEDED
    return achievement, Status.MET if value == target.value else Status.NOT_MET


@dataclass(frozen=True)
class Computed:
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None


def compute(part: IndicatorPart, figures: dict[Key, Decimal] | None) -> Computed:
    if not figures:
        return _NOTHING
    return _evaluate(part, ValueLookup.of_figures(figures))


_NOTHING = Computed(None, None, None)


def _evaluate(part: IndicatorPart, lookup: ValueLookup | None) -> Computed:
    if lookup is None:
        return _NOTHING
    numerator = _parsed(part.numerator).evaluate(lookup)
    if not part.denominator:
        value = numerator * part.factor if numerator is not None else None
        return Computed(numerator, None, value)
    denominator = _parsed(part.denominator).evaluate(lookup)
    if numerator is None or denominator is None or denominator == 0:
        return Computed(numerator, denominator, None)
    return Computed(numerator, denominator, numerator / denominator * part.factor)


def _accumulate(
    figures: dict[tuple[int, str], dict[Key, Decimal]],
    unit_id: int,
    period_ids: list[str],
    stock_codes: set[str],
) -> dict[Key, Decimal]:
    """Figures summed over periods; stocks (aggregation 'last') take the last period's."""
    total: dict[Key, Decimal] = defaultdict(Decimal)
    for period_id in period_ids:
        for key, value in figures.get((unit_id, period_id), {}).items():
            if key[0] in stock_codes:
                total[key] = value
            else:
                total[key] += value
    return dict(total)


def _yearly(first: int, last: int) -> list[str]:
    return [str(year) for year in range(first, last + 1)]


class _Lookups:
    """One lookup per (unit, period) — and per term total — shared by every part of a
    level: building it per part and per result cost more than evaluating the parts."""

    def __init__(
        self,
        figures: dict[tuple[int, str], dict[Key, Decimal]],
        term_start: int,
        stock_codes: set[str],
    ) -> None:
        self.figures = figures
        self.term_start = term_start
        self.stock_codes = stock_codes
        self.of_period: dict[tuple[int, str], ValueLookup | None] = {}
        self.of_term: dict[tuple[int, str], ValueLookup | None] = {}

    def period(self, unit_id: int, period_id: str) -> ValueLookup | None:
        key = (unit_id, period_id)
        if key not in self.of_period:
            found = self.figures.get(key)
            self.of_period[key] = ValueLookup.of_figures(found) if found else None
        return self.of_period[key]

    def term(self, unit_id: int, period_id: str) -> ValueLookup | None:
        key = (unit_id, period_id)
        if key not in self.of_term:
            years = _yearly(self.term_start, int(period_id[:4]))
            found = _accumulate(self.figures, unit_id, years, self.stock_codes)
            self.of_term[key] = ValueLookup.of_figures(found) if found else None
        return self.of_term[key]


# IndicatorResult columns in the order `_result` yields them.
_FIELDS = (
    "part_id",
    "unit_id",
    "period_id",
    "numerator",
    "denominator",
    "value",
    "target_id",
    "achievement",
    "status",
    "baseline_numerator",
    "baseline_value",
    "change_value",
    "change_count",
    "computed_at",
)
Row = tuple[object, ...]


@transaction.atomic
def results_compute(
    resolution: Resolution,
    *,
    unit_ids: set[int] | None = None,
    period_ids: Iterable[str] | None = None,
    part_ids: set[int] | None = None,
) -> int:
    """Recompute and store results for the resolution's units (or only `unit_ids`),
    periods (default: every yearly period holding figures) and parts (or only
    `part_ids`, e.g. after one indicator's definition or target changed). Idempotent."""
    root = resolution.scope_unit
    parts_query = IndicatorPart.objects.filter(indicator__resolution=resolution)
    if part_ids is not None:
        parts_query = parts_query.filter(pk__in=part_ids)
    parts = list(
        parts_query.select_related("indicator", "baseline_period").prefetch_related("targets")
    )
    if period_ids is None:
        # EXISTS probes the period index once per period; a DISTINCT over the join
        # reads every value (1,4 s per resolution with 24 million values).
        period_ids = Period.objects.filter(
            Exists(DataValue.objects.filter(period=OuterRef("pk"))),
            type=PeriodType.YEARLY.value,
        ).values_list("id", flat=True)
    periods = sorted(set(period_ids))
    if not parts or not periods:
        return 0
    needed = set(periods)
    for part in parts:
        if part.baseline_period_id:
            needed.add(part.baseline_period_id)
        if part.accumulation == IndicatorPart.Accumulation.TERM:
            for period_id in periods:
                needed.update(_yearly(resolution.term_start, int(period_id[:4])))
    stock_codes = set(
        DataElement.objects.filter(aggregation=DataElement.Aggregation.LAST).values_list(
            "code", flat=True
        )
    )
    units = AdministrativeUnit.objects.within(root).filter(level__lte=max(p.level for p in parts))
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    unit_levels = dict(units.values_list("pk", "level"))
    by_level: dict[int, list[IndicatorPart]] = defaultdict(list)
    for part in parts:
        by_level[part.level].append(part)
    existing_periods = set(Period.objects.filter(id__in=needed).values_list("id", flat=True))
    now = timezone.now()
    rows: list[Row] = []
    for level, level_parts in by_level.items():
        refs = [ref for part in level_parts for ref in _refs(part)]
        figures = rollup(
            level=level,
            root=root,
            codes={ref.code for ref in refs},
            period_ids=existing_periods,
            unit_ids=set(unit_levels) if unit_ids is not None else None,
            by_option={ref.code for ref in refs if ref.option is not None},
        )
        lookups = _Lookups(figures, resolution.term_start, stock_codes)
        level_units = [
            unit_id for unit_id, unit_level in unit_levels.items() if unit_level <= level
        ]
        for part in level_parts:
            targets = list(part.targets.all())
            for period_id in periods:
                target = (
                    target_for(targets, int(period_id[:4]))
                    if part.target_kind != TargetKind.NONE
                    else None
                )
                for unit_id in level_units:
                    rows.append(_result(part, unit_id, period_id, lookups, target, now))
    IndicatorResult.objects.filter(
        part__in=parts, unit_id__in=list(unit_levels), period_id__in=periods
    ).delete()
    _store(rows)
    return len(rows)


def _is_psycopg3() -> bool:
    """Django's PostgreSQL backend uses psycopg 3 whenever it is importable."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return True


def _store(rows: list[Row]) -> None:
    if connection.vendor == "postgresql" and _is_psycopg3():
        # COPY takes plain tuples: no model instance, no per-batch INSERT to plan
        # (2,1 million results nationally: see benchmarks/README.md).
        table = connection.ops.quote_name(IndicatorResult._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(name) for name in _FIELDS)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    IndicatorResult.objects.bulk_create(
        (IndicatorResult(**dict(zip(_FIELDS, row, strict=True))) for row in rows),
        batch_size=2000,
    )


def _result(
    part: IndicatorPart,
    unit_id: int,
    period_id: str,
    lookups: _Lookups,
    target: Target | None,
    now: datetime.datetime,
) -> Row:
    if part.accumulation == IndicatorPart.Accumulation.TERM:
        current = _evaluate(part, lookups.term(unit_id, period_id))
    else:
        current = _evaluate(part, lookups.period(unit_id, period_id))
    achievement, status = judge(part.target_kind, current.value, target)
    baseline = _NOTHING
    if part.baseline_period_id:
        baseline = _evaluate(part, lookups.period(unit_id, part.baseline_period_id))
    return (
        part.pk,
        unit_id,
        period_id,
        current.numerator,
        current.denominator,
        current.value,
        target.pk if target is not None else None,
        achievement,
        status,
        baseline.numerator,
        baseline.value,
        (current.value - baseline.value)
        if current.value is not None and baseline.value is not None
        else None,
        (current.numerator - baseline.numerator)
        if current.numerator is not None and baseline.numerator is not None
        else None,
        now,
    )
