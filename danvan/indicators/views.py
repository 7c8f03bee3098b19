"""The board's dashboard: indicator results for a unit and a year, ranked children and
drill-down to the figures behind every number. Scope comes from the access module."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from danvan.accounts import access
from danvan.datasets.models import Period
from danvan.datasets.queries import period_get
from danvan.geography.models import AdministrativeUnit
from danvan.geography.territory import Territory, TerritoryError, territory_of, territory_units
from danvan.indicators.charts import progress_spec
from danvan.indicators.models import IndicatorPart, Resolution
from danvan.indicators.queries import (
    SourceRow,
    children_ranked,
    dashboard_blocks,
    latest_period_with_results,
    part_sources,
)
from danvan.indicators.results import latest_complete_period, results_read
from danvan.lib.periods import InvalidPeriodError


def _unit(request: HttpRequest, resolution: Resolution) -> AdministrativeUnit:
    """The unit asked for, or the user's starting point inside the resolution's territory."""
    unit: AdministrativeUnit | None
    if request.GET.get("unit"):
        unit = access.unit_for_user(request.user, request.GET["unit"])
    elif access.can_view_unit(request.user, resolution.scope_unit):
        unit = resolution.scope_unit
    else:
        unit = access.root_units_for(request.user).first()
    if unit is None:
        raise Http404("No unit in scope")
    if not _in_territory(resolution, unit):
        raise Http404("This unit is outside the resolution's territory")
    return unit


def _in_territory(resolution: Resolution, unit: AdministrativeUnit) -> bool:
    scope = resolution.scope_unit
    if unit.version_id == scope.version_id:
        return unit.path.startswith(scope.path)
    return unit.pk in territory_units(scope)


def _territory(resolution: Resolution, unit: AdministrativeUnit) -> Territory | None:
    """The resolution's territory as `unit` presents it, when `unit` is of a newer
    hierarchy (the new Cần Thơ for 06-NQ/TU of Hậu Giang); None in its own."""
    if unit.version_id == resolution.scope_unit.version_id:
        return None
    try:
        return territory_of(resolution.scope_unit, unit)
    except TerritoryError as error:
        raise Http404(str(error)) from error


def _period(request: HttpRequest, resolution: Resolution) -> Period | None:
    ident = request.GET.get("period")
    if ident:
        try:
            return period_get(ident)
        except InvalidPeriodError as error:
            raise Http404(str(error)) from error
    return latest_period_with_results(resolution)


@login_required
def semantics(request: HttpRequest) -> HttpResponse:
    return render(request, "indicators/semantics.html")


@login_required
def resolution_list(request: HttpRequest) -> HttpResponse:
    resolutions = access.resolutions_visible_to(request.user).select_related("scope_unit")
    return render(request, "indicators/resolution_list.html", {"resolutions": resolutions})


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    resolution = access.resolution_for_user(request.user, slug)
    unit = _unit(request, resolution)
    basis = request.GET.get("basis") or resolution.basis
    if basis not in Resolution.Basis.values:
        raise Http404("No such basis")
    complete: bool | None = None
    territory = _territory(resolution, unit)
    if request.GET.get("period"):
        period = _period(request, resolution)
    else:
        # Open on the latest period whose coverage is complete, and say which it is.
        period_id, complete = latest_complete_period(resolution, unit, basis, territory)
        period = Period.objects.filter(pk=period_id).first() if period_id else None
    context: dict[str, Any] = {
        "resolution": resolution,
        "unit": unit,
        "period": period,
        "basis": basis,
        "bases": Resolution.Basis.choices,
        "complete": complete,
    }
    if period is not None:
        context["territory"] = territory
        blocks = dashboard_blocks(resolution, unit, period, basis=basis, territory=territory)
        charts = {}
        for block in blocks:
            for card in block.cards:
                target = card.result.target if card.result else None
                spec = progress_spec(
                    title=card.part.name,
                    points=card.series,
                    target=(target.upper or target.value) if target else None,
                    unit_of_measure=card.part.unit_of_measure or card.part.count_noun,
                    width="container",
                )
                # Rendered with json_script: names typed in the admin cannot close the tag.
                charts[f"spec-{card.part.pk}"] = spec
        parts = [card.part for block in blocks for card in block.cards]
        chosen = next((p for p in parts if p.code == request.GET.get("part")), None)
        if chosen is None:
            chosen = next((p for p in parts if p.level > unit.level), None)
        ranked = []
        if chosen is not None and chosen.level > unit.level:
            ranked = children_ranked(
                chosen,
                unit,
                period,
                access.units_visible_to(request.user),
                basis=basis,
                territory=territory,
            )
        context.update(
            blocks=blocks,
            charts=charts,
            chosen=chosen,
            ranked=ranked,
            periods=Period.objects.filter(type="yearly", values__isnull=False)
            .distinct()
            .order_by("start_date"),
            ancestors=[
                a
                for a in AdministrativeUnit.objects.ancestors_of(unit)
                if access.can_view_unit(request.user, a) and _in_territory(resolution, a)
            ],
        )
    return render(request, "indicators/dashboard.html", context)


@login_required
def drill_down(request: HttpRequest, slug: str, part: str) -> HttpResponse:
    resolution = access.resolution_for_user(request.user, slug)
    unit = _unit(request, resolution)
    period = _period(request, resolution)
    chosen = (
        IndicatorPart.objects.filter(indicator__resolution=resolution, code=part)
        .select_related("indicator")
        .first()
    )
    if chosen is None or period is None:
        raise Http404("No such indicator part")
    territory = _territory(resolution, unit)
    basis = request.GET.get("basis") or resolution.basis
    if basis not in Resolution.Basis.values:
        raise Http404("No such basis")
    # The number these figures make, on the basis that counts, with what it rests on.
    result = next(
        iter(
            results_read(
                resolution,
                units=[unit],
                period_ids=[period.id],
                parts=[chosen],
                basis=basis,
                territory=territory,
            )
        ),
        None,
    )
    rows = part_sources(chosen, unit, period, resolution, territory=territory)
    visible = set(
        access.units_visible_to(request.user)
        .filter(level=chosen.level)
        .values_list("pk", flat=True)
    )

    def in_scope(row: SourceRow) -> bool:
        if row.carried_to is not None:
            return row.carried_to.pk in visible
        if territory is not None and row.value.unit.version_id == territory.scope.version_id:
            # An old unit's own figure: listed only when `unit`, in the user's scope,
            # holds the whole territory it belongs to.
            return territory.whole and row.value.unit.path.startswith(territory.scope.path)
        return row.value.unit.pk in visible

    rows = [r for r in rows if in_scope(r)]
    user = request.user
    organization_type_id = getattr(user, "organization_type_id", None)
    if organization_type_id is not None:
        rows = [r for r in rows if r.value.organization_type_id == organization_type_id]
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/drill_down.html",
        {
            "resolution": resolution,
            "unit": unit,
            "period": period,
            "part": chosen,
            "page": page,
            "count": len(rows),
            "result": result,
            "basis": basis,
            "basis_label": Resolution.Basis(basis).label,
        },
    )
