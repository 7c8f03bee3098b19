"""Reads for dashboards, drill-downs and reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from danvan.datasets.models import DataValue, Period, Submission
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import Indicator, IndicatorPart, IndicatorResult, Resolution
from danvan.lib.expressions import expression_parse


@dataclass
class Card:
    part: IndicatorPart
    result: IndicatorResult | None
    series: list[tuple[str, Decimal | None]] = field(default_factory=list)


@dataclass
class IndicatorBlock:
    indicator: Indicator
    cards: list[Card]


def dashboard_blocks(
    resolution: Resolution, unit: AdministrativeUnit, period: Period
) -> list[IndicatorBlock]:
    """The parts that apply at `unit` with this period's result and the unit's history."""
    indicators = list(resolution.indicators.prefetch_related("parts__targets"))
    results = (
        IndicatorResult.objects.filter(part__indicator__resolution=resolution, unit=unit)
        .select_related("target")
        .order_by("period__start_date")
    )
    by_part: dict[int, list[IndicatorResult]] = defaultdict(list)
    for row in results:
        by_part[row.part_id].append(row)
    blocks = []
    for indicator in indicators:
        cards = []
        for part in indicator.parts.all():
            if part.level < unit.level:
                continue
            history = by_part.get(part.pk, [])
            current = next((r for r in history if r.period_id == period.id), None)
            cards.append(Card(part, current, [(r.period_id, r.value) for r in history]))
        if cards:
            blocks.append(IndicatorBlock(indicator, cards))
    return blocks


def children_ranked(
    part: IndicatorPart,
    unit: AdministrativeUnit,
    period: Period,
    visible: QuerySet[AdministrativeUnit],
) -> list[IndicatorResult]:
    rows = list(
        IndicatorResult.objects.filter(
            part=part, period=period, unit__parent=unit, unit__in=visible
        ).select_related("unit", "target")
    )
    rows.sort(key=lambda r: (r.value is None, -(r.value or 0), r.unit.name))
    return rows


@dataclass
class SourceRow:
    value: DataValue
    submission_status: str | None


def part_sources(
    part: IndicatorPart, unit: AdministrativeUnit, period: Period, resolution: Resolution
) -> list[SourceRow]:
    """The data values behind a result: every figure of the part's elements at its level
    under `unit`, for the period (or every year of the term for term totals)."""
    codes = {ref.code for ref in expression_parse(part.numerator).refs}
    if part.denominator:
        codes |= {ref.code for ref in expression_parse(part.denominator).refs}
    if part.accumulation == IndicatorPart.Accumulation.TERM:
        periods = [str(y) for y in range(resolution.term_start, period.start_date.year + 1)]
    else:
        periods = [period.id]
    values = list(
        DataValue.objects.filter(
            element__code__in=codes,
            period_id__in=periods,
            unit__level=part.level,
            unit__version_id=unit.version_id,
            unit__path__startswith=unit.path,
        )
        .select_related("element", "unit", "organization_type", "stored_by")
        .order_by("unit__path", "element__code", "organization_type__sort_order", "period_id")
    )
    unit_ids = {v.unit_id for v in values}
    statuses: dict[tuple[int, int | None, str], str] = {}
    for submission in Submission.objects.filter(
        unit_id__in=unit_ids, period_id__in=periods
    ).select_related("organization"):
        option = submission.organization.type_id if submission.organization else None
        statuses[(submission.unit_id, option, submission.period_id)] = submission.status
    return [
        SourceRow(v, statuses.get((v.unit_id, v.organization_type_id, v.period_id))) for v in values
    ]


def latest_period_with_results(resolution: Resolution) -> Period | None:
    period_id = (
        IndicatorResult.objects.filter(part__indicator__resolution=resolution)
        .exclude(status=IndicatorResult.Status.NO_DATA)
        .order_by("-period__start_date")
        .values_list("period_id", flat=True)
        .first()
    )
    return Period.objects.filter(id=period_id).first() if period_id else None
