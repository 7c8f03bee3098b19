"""The computation engine: every part × unit × period of a resolution.

Figures are rolled up the hierarchy in SQL, set-based: one GROUP BY per level, joining
each value's unit to all its ancestors through the materialised path
(`unit.path LIKE ancestor.path || '%'`). Rates are then computed from the summed
numerators and denominators — never averaged. Results are materialised in
IndicatorResult and replaced for exactly the (part, unit, period) keys recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import connection, transaction

from danvan.datasets.models import DataElement, Period
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import IndicatorPart, IndicatorResult, Resolution, Target
from danvan.lib.expressions import Expression, Ref, expression_parse
from danvan.lib.periods import PeriodType

Key = tuple[str, str | None]  # (element code, organization type code or None)
Status = IndicatorResult.Status
TargetKind = IndicatorPart.TargetKind

_ROLLUP_SQL = """
SELECT a.id, dv.period_id, e.code, ot.code, {function}(dv.value)
FROM datasets_datavalue dv
JOIN geography_administrativeunit u ON u.id = dv.unit_id
JOIN geography_administrativeunit a
  ON a.version_id = u.version_id AND u.path LIKE a.path || '%%' {own_only}
JOIN datasets_dataelement e ON e.id = dv.element_id
LEFT JOIN organizations_organizationtype ot ON ot.id = dv.organization_type_id
WHERE u.level = %s AND a.level <= %s AND a.version_id = %s AND a.path LIKE %s
  AND e.code IN ({codes}) AND dv.period_id IN ({periods}) {unit_filter}
GROUP BY a.id, dv.period_id, e.code, ot.code
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
) -> dict[tuple[int, str], dict[Key, Decimal]]:
    """Sum (or average) the figures of units at `level` into every unit above them under
    `root`: {(unit id, period id): {(code, option): value}}."""
    found: dict[tuple[int, str], dict[Key, Decimal]] = defaultdict(dict)
    if not codes or not period_ids:
        return found
    aggregation = dict(
        DataElement.objects.filter(code__in=codes).values_list("code", "aggregation")
    )
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
        params: list[int | str] = [level, level, root.version_id, f"{root.path}%"]
        params += group_codes
        params += sorted(period_ids)
        unit_filter = ""
        if unit_ids is not None:
            unit_filter = f"AND a.id IN ({', '.join(['%s'] * len(unit_ids))})"
            params += sorted(unit_ids)
        sql = _ROLLUP_SQL.format(
            function=function,
            own_only=own_only,
            codes=", ".join(["%s"] * len(group_codes)),
            periods=", ".join(["%s"] * len(period_ids)),
            unit_filter=unit_filter,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for unit_id, period_id, code, option, value in cursor.fetchall():
                found[(unit_id, period_id)][(code, option)] = Decimal(value)
    return found


class _Lookup:
    def __init__(self, figures: dict[Key, Decimal]) -> None:
        self.figures = figures
        self.totals: dict[str, Decimal] = defaultdict(Decimal)
        for (code, _option), value in figures.items():
            self.totals[code] += value

    def __call__(self, ref: Ref) -> Decimal | None:
        if ref.option is not None:
            return self.figures.get((ref.code, ref.option))
        return self.totals.get(ref.code)


def target_for(targets: list[Target], year: int) -> Target | None:
    """The latest target not after `year`; before the first one, the first one ahead."""
    if not targets:
        return None
    ordered = sorted(targets, key=lambda t: t.year)
    past = [t for t in ordered if t.year <= year]
    return past[-1] if past else ordered[0]


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
        return Computed(None, None, None)
    lookup = _Lookup(figures)
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


@transaction.atomic
def results_compute(
    resolution: Resolution,
    *,
    unit_ids: set[int] | None = None,
    period_ids: Iterable[str] | None = None,
) -> int:
    """Recompute and store results for the resolution's units (or only `unit_ids`) and
    periods (default: every yearly period holding figures). Idempotent."""
    root = resolution.scope_unit
    parts = list(
        IndicatorPart.objects.filter(indicator__resolution=resolution)
        .select_related("indicator", "baseline_period")
        .prefetch_related("targets")
    )
    if period_ids is None:
        period_ids = (
            Period.objects.filter(type=PeriodType.YEARLY.value, values__isnull=False)
            .distinct()
            .values_list("id", flat=True)
        )
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
    rows: list[IndicatorResult] = []
    for level, level_parts in by_level.items():
        codes = {ref.code for part in level_parts for ref in _refs(part)}
        figures = rollup(
            level=level,
            root=root,
            codes=codes,
            period_ids=existing_periods,
            unit_ids=set(unit_levels) if unit_ids is not None else None,
        )
        for part in level_parts:
            targets = list(part.targets.all())
            for unit_id, unit_level in unit_levels.items():
                if unit_level > part.level:
                    continue
                for period_id in periods:
                    rows.append(
                        _result(part, unit_id, period_id, figures, targets, resolution, stock_codes)
                    )
    IndicatorResult.objects.filter(
        part__in=parts, unit_id__in=list(unit_levels), period_id__in=periods
    ).delete()
    IndicatorResult.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _figures_for(
    part: IndicatorPart,
    unit_id: int,
    period_id: str,
    figures: dict[tuple[int, str], dict[Key, Decimal]],
    resolution: Resolution,
    stock_codes: set[str],
) -> dict[Key, Decimal] | None:
    if part.accumulation == IndicatorPart.Accumulation.TERM:
        return (
            _accumulate(
                figures, unit_id, _yearly(resolution.term_start, int(period_id[:4])), stock_codes
            )
            or None
        )
    return figures.get((unit_id, period_id))


def _result(
    part: IndicatorPart,
    unit_id: int,
    period_id: str,
    figures: dict[tuple[int, str], dict[Key, Decimal]],
    targets: list[Target],
    resolution: Resolution,
    stock_codes: set[str],
) -> IndicatorResult:
    now = compute(part, _figures_for(part, unit_id, period_id, figures, resolution, stock_codes))
    target = (
        target_for(targets, int(period_id[:4])) if part.target_kind != TargetKind.NONE else None
    )
    achievement, status = judge(part.target_kind, now.value, target)
    baseline = Computed(None, None, None)
    if part.baseline_period_id:
        baseline = compute(part, figures.get((unit_id, part.baseline_period_id)))
    return IndicatorResult(
        part=part,
        unit_id=unit_id,
        period_id=period_id,
        numerator=now.numerator,
        denominator=now.denominator,
        value=now.value,
        target=target,
        achievement=achievement,
        status=status,
        baseline_numerator=baseline.numerator,
        baseline_value=baseline.value,
        change_value=(now.value - baseline.value)
        if now.value is not None and baseline.value is not None
        else None,
        change_count=(now.numerator - baseline.numerator)
        if now.numerator is not None and baseline.numerator is not None
        else None,
    )
