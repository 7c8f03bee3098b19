"""Reads for dashboards, drill-downs and reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from danvan.datasets.models import DataValue, Period, Submission
from danvan.geography.models import AdministrativeUnit, UnitCarry
from danvan.geography.territory import Territory
from danvan.indicators.engine import Status
from danvan.indicators.models import Indicator, IndicatorPart, Resolution
from danvan.indicators.results import (
    Result,
    not_applicable_text,
    part_codes,
    periods_with_values,
    results_read,
)


@dataclass
class Card:
    part: IndicatorPart
    result: Result | None
    series: list[tuple[str, Decimal | None]] = field(default_factory=list)
    # Across a reform of the map: the last result before the newer hierarchy came into
    # force and the latest after it (the "before / after 1/7/2025" view).
    before_reform: Result | None = None
    after_reform: Result | None = None
    # Why the part is not judged in the period ("không còn cấp huyện từ 01/7/2025").
    not_applicable: str = ""


@dataclass
class IndicatorBlock:
    indicator: Indicator
    cards: list[Card]


def dashboard_blocks(
    resolution: Resolution,
    unit: AdministrativeUnit,
    period: Period,
    basis: str | None = None,
    territory: Territory | None = None,
) -> list[IndicatorBlock]:
    """The parts that apply at `unit` with this period's result and the unit's history
    (the resolution's territory, when `unit` presents it in a newer hierarchy)."""
    indicators = list(
        resolution.indicators.prefetch_related("parts__targets", "parts__baseline_period")
    )
    parts = [p for i in indicators for p in i.parts.all() if p.level >= unit.level]
    periods = sorted({*periods_with_values(), period.pk})
    by_part: dict[int, list[Result]] = defaultdict(list)
    rows = results_read(
        resolution, units=[unit], period_ids=periods, parts=parts, basis=basis, territory=territory
    )
    for row in rows:
        if row.status not in (Status.NO_DATA, Status.NOT_APPLICABLE) or row.period_id == period.pk:
            by_part[row.part_id].append(row)
    reform = unit.version.valid_from
    ends = (
        dict(Period.objects.filter(pk__in=periods).values_list("id", "end_date"))
        if reform is not None
        else {}
    )
    blocks = []
    for indicator in indicators:
        cards = []
        for part in indicator.parts.all():
            if part.level < unit.level:
                continue
            history = by_part.get(part.pk, [])
            current = next((r for r in history if r.period_id == period.id), None)
            series = [(r.period_id, r.value) for r in history if r.status != Status.NO_DATA]
            card = Card(part, current, series)
            if current is not None and current.status == Status.NOT_APPLICABLE:
                card.not_applicable = not_applicable_text(part, period)
            if reform is not None:
                known = [r for r in history if r.value is not None]
                card.before_reform = next(
                    (r for r in reversed(known) if ends[r.period_id] < reform), None
                )
                card.after_reform = next(
                    (r for r in reversed(known) if ends[r.period_id] >= reform), None
                )
            cards.append(card)
        if cards:
            blocks.append(IndicatorBlock(indicator, cards))
    return blocks


def children_ranked(
    part: IndicatorPart,
    unit: AdministrativeUnit,
    period: Period,
    visible: QuerySet[AdministrativeUnit],
    basis: str | None = None,
    territory: Territory | None = None,
) -> list[Result]:
    children = list(visible.filter(parent=unit))
    if territory is not None and territory.is_carried:
        # The units under `unit` that took over the resolution's territory.
        taken = {u.pk for u in territory.takers}
        children = [child for child in children if child.pk in taken]
    rows = results_read(
        part.indicator.resolution,
        units=children,
        period_ids=[period.pk],
        parts=[part],
        basis=basis,
    )
    rows.sort(key=lambda r: (r.value is None, -(r.value or 0), r.unit.name if r.unit else ""))
    return rows


@dataclass
class SourceRow:
    value: DataValue
    submission_status: str | None
    # For a figure of a former unit carried into `unit`'s territory: the unit it was
    # carried to and the share (the product of the shares along the chain).
    carried_to: AdministrativeUnit | None = None
    share: Decimal | None = None
    estimated: bool = False


def part_sources(
    part: IndicatorPart,
    unit: AdministrativeUnit,
    period: Period,
    resolution: Resolution,
    territory: Territory | None = None,
) -> list[SourceRow]:
    """The data values behind a result: every figure of the part's elements at its level
    under `unit`, for the period (or every year of the term for term totals).

    For a `territory` presented in newer units, as its result reads them: before the
    reform, the old units' figures of the territory, each shown with the new unit it went
    to and the share; after it, the figures of the units that took the territory over."""
    codes = part_codes(part)
    if part.accumulation == IndicatorPart.Accumulation.TERM:
        periods = [str(y) for y in range(resolution.term_start, period.start_date.year + 1)]
    else:
        periods = [period.id]
    carried_area = territory is not None and territory.is_carried
    before = carried_area and not territory.in_presentation(period.end_date)  # type: ignore[union-attr]
    values = (
        []
        if before
        else list(
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
    )
    links = UnitCarry.objects.filter(
        target__version_id=unit.version_id,
        target__path__startswith=unit.path,
        target__level=part.level,
    ).select_related("target")
    if carried_area:
        assert territory is not None
        takers = [t.path for t in territory.takers]
        values = [
            v for v in values if v.unit_id == unit.pk or v.unit.path.startswith(tuple(takers))
        ]
        # Before the reform: the territory's old units only, where they went.
        links = (
            links.filter(
                source__version_id=territory.scope.version_id,
                source__path__startswith=territory.scope.path,
            )
            if before
            else links.none()
        )
    carried: dict[int, list[UnitCarry]] = defaultdict(list)
    for link in links:
        carried[link.source_id].append(link)
    old_values = list(
        DataValue.objects.filter(
            element__code__in=codes, period_id__in=periods, unit_id__in=list(carried)
        )
        .select_related("element", "unit", "organization_type", "stored_by")
        .order_by("unit__path", "element__code", "organization_type__sort_order", "period_id")
    )
    if before and territory is not None and territory.whole:
        # `unit` presents the whole territory: before the reform its figure is the old
        # units' own sums, also at a level the newer version has no units for (the old
        # districts) — their figures are listed where they were entered.
        values = list(
            DataValue.objects.filter(
                element__code__in=codes,
                period_id__in=periods,
                unit__level=part.level,
                unit__version_id=territory.scope.version_id,
                unit__path__startswith=territory.scope.path,
            )
            .exclude(unit_id__in=list(carried))
            .select_related("element", "unit", "organization_type", "stored_by")
            .order_by("unit__path", "element__code", "organization_type__sort_order", "period_id")
        )
    unit_ids = {v.unit_id for v in values} | {v.unit_id for v in old_values}
    statuses: dict[tuple[int, int | None, str], str] = {}
    for submission in Submission.objects.filter(
        unit_id__in=unit_ids, period_id__in=periods
    ).select_related("organization"):
        option = submission.organization.type_id if submission.organization else None
        statuses[(submission.unit_id, option, submission.period_id)] = submission.status
    rows = [
        SourceRow(v, statuses.get((v.unit_id, v.organization_type_id, v.period_id))) for v in values
    ]
    for v in old_values:
        for link in carried[v.unit_id]:
            rows.append(
                SourceRow(
                    v,
                    statuses.get((v.unit_id, v.organization_type_id, v.period_id)),
                    carried_to=link.target,
                    share=link.weight,
                    estimated=link.estimated,
                )
            )
    return rows


def latest_period_with_results(resolution: Resolution) -> Period | None:
    """The latest yearly period holding any figure of the resolution's elements."""
    codes: set[str] = set()
    for part in IndicatorPart.objects.filter(indicator__resolution=resolution):
        codes |= part_codes(part)
    period_id = (
        DataValue.objects.filter(
            element__code__in=codes,
            period__type="yearly",
            unit__version_id=resolution.scope_unit.version_id,
            unit__path__startswith=resolution.scope_unit.path,
        )
        .order_by("-period__start_date")
        .values_list("period_id", flat=True)
        .first()
    )
    return Period.objects.filter(id=period_id).first() if period_id else None
