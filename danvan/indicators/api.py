"""Indicator results as JSON: GET /api/indicators/results."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema

from danvan.accounts import access
from danvan.datasets.queries import period_get
from danvan.geography.territory import territory_of, territory_units
from danvan.indicators.models import Resolution
from danvan.indicators.results import results_read
from danvan.lib.periods import InvalidPeriodError

router = Router(tags=["indicators"])


class TargetOut(Schema):
    year: int
    value: Decimal
    upper: Decimal | None
    every_year: bool


class CoverageOut(Schema):
    """The reporting units (at the part's level) and forms the figure rests on."""

    level: int
    units_expected: int
    units_entered: int
    units_submitted: int
    units_approved: int
    forms_expected: int
    forms_submitted: int
    forms_approved: int


class ResultOut(Schema):
    indicator: int
    part: str
    part_name: str
    level: int
    level_label: str
    unit_code: str
    unit_name: str
    period: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    unit_of_measure: str
    baseline_period: str | None
    baseline_value: Decimal | None
    change_value: Decimal | None
    change_count: Decimal | None
    target_kind: str
    target: TargetOut | None
    achievement: Decimal | None
    status: str
    basis: str
    coverage: CoverageOut | None


class ErrorOut(Schema):
    code: str
    message: str


@router.get(
    "/results",
    response={200: list[ResultOut], 400: ErrorOut, 404: ErrorOut},
    summary="Indicator results of a resolution for a unit and a period",
)
def results(
    request: HttpRequest,
    resolution: str,
    period: str,
    unit: str | None = None,
    children: bool = False,
    basis: str | None = None,
) -> tuple[int, object]:
    """`resolution` is its number (06-NQ/TU) or slug (06-NQ-TU); `unit` a GSO code of the
    resolution's hierarchy (default: the resolution's territory); `children=true` adds the
    units directly below; `basis` (approved, submitted, entered) overrides what counts
    (default: the resolution's own rule)."""
    chosen = access.resolution_for_user(request.user, resolution)
    try:
        period_row = period_get(period)
    except InvalidPeriodError as error:
        return 400, {"code": "invalid_period", "message": str(error)}
    # The resolution's own units first, then the newer units that took over its territory.
    visible = (
        access.units_visible_to(request.user)
        .filter(pk__in=territory_units(chosen.scope_unit))
        .select_related("version")
        .order_by("-version__valid_from", "level", "path")
    )
    own = visible.filter(version_id=chosen.scope_unit.version_id)
    if unit is None:
        target_unit = (
            own.filter(pk=chosen.scope_unit_id).first()
            or own.order_by("level").first()
            or visible.first()
        )
    else:
        # A code both versions use (92, the old and the new Cần Thơ) names the old unit
        # for a period it existed in, the newer one after it ceased.
        target_unit = (
            own.filter(code=unit)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period_row.start_date))
            .first()
            or visible.exclude(version_id=chosen.scope_unit.version_id).filter(code=unit).first()
            or own.filter(code=unit).first()
        )
    if target_unit is None:
        return 404, {"code": "unit_not_found", "message": f"No unit {unit!r} in your scope."}
    territory = (
        territory_of(chosen.scope_unit, target_unit)
        if target_unit.version_id != chosen.scope_unit.version_id
        else None
    )
    if basis is not None and basis not in Resolution.Basis.values:
        return 400, {
            "code": "invalid_basis",
            "message": f"basis must be one of {', '.join(Resolution.Basis.values)}",
        }
    units = [target_unit]
    below = list(visible.filter(parent=target_unit).order_by("path")) if children else []
    if territory is not None:
        # The territory at `unit`, then (children) each unit below that took it over.
        taken = {u.pk for u in territory.takers}
        below = [u for u in below if u.pk in taken]
        rows = results_read(
            chosen, units=units, period_ids=[period_row.pk], basis=basis, territory=territory
        ) + results_read(chosen, units=below, period_ids=[period_row.pk], basis=basis)
    else:
        rows = results_read(chosen, units=units + below, period_ids=[period_row.pk], basis=basis)
    units += below
    order = {u.pk: i for i, u in enumerate(units)}
    rows.sort(key=lambda r: (order[r.unit_id], r.part.indicator.number, r.part.sort_order))
    return 200, [
        ResultOut(
            indicator=r.part.indicator.number,
            part=r.part.code,
            part_name=r.part.name,
            level=r.part.level,
            level_label=r.part.level_label,
            unit_code=units[order[r.unit_id]].code,
            unit_name=units[order[r.unit_id]].name,
            period=r.period_id,
            numerator=r.numerator,
            denominator=r.denominator,
            value=r.value,
            unit_of_measure=r.part.unit_of_measure,
            baseline_period=r.part.baseline_period_id,
            baseline_value=r.baseline_value,
            change_value=r.change_value,
            change_count=r.change_count,
            target_kind=r.part.target_kind,
            target=TargetOut(
                year=r.target.year,
                value=r.target.value,
                upper=r.target.upper,
                every_year=r.target.every_year,
            )
            if r.target
            else None,
            achievement=r.achievement,
            status=r.status,
            basis=r.basis,
            coverage=CoverageOut(**vars(r.coverage)) if r.coverage else None,
        )
        for r in rows
    ]
