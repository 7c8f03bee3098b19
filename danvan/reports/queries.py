"""Reads the report pages, the API and the command share."""

from __future__ import annotations

from django.db.models import QuerySet

from danvan.datasets.models import DataValue, Period
from danvan.geography.models import AdministrativeUnit
from danvan.geography.territory import territory_units
from danvan.indicators.models import IndicatorPart, Resolution
from danvan.lib.text import fold
from danvan.reports.exporter import ReportError


def report_units(
    resolution: Resolution, visible: QuerySet[AdministrativeUnit]
) -> QuerySet[AdministrativeUnit]:
    """Units a report can be made for: in the resolution's territory, in the user's scope,
    at a level some indicator part covers."""
    deepest = max(
        IndicatorPart.objects.filter(indicator__resolution=resolution).values_list(
            "level", flat=True
        ),
        default=0,
    )
    return (
        AdministrativeUnit.objects.filter(pk__in=territory_units(resolution.scope_unit))
        .filter(pk__in=visible.values("pk"), level__lte=deepest)
        .select_related("version")
        .order_by("-version__valid_from", "path")
    )


def report_periods(resolution: Resolution) -> QuerySet[Period]:
    """Yearly periods holding figures of the resolution's territory (in its own units or
    in the newer units that took it over)."""
    ids = DataValue.objects.filter(unit_id__in=territory_units(resolution.scope_unit)).values(
        "period_id"
    )
    return Period.objects.filter(id__in=ids, type="yearly").order_by("start_date")


def unit_lookup(units: QuerySet[AdministrativeUnit], text: str) -> AdministrativeUnit:
    """By GSO code ('93') or by name, with or without diacritics ('Vi Thanh', 'Hậu Giang')."""
    wanted = text.strip()
    exact = units.filter(code=wanted).first()
    if exact is not None:
        return exact
    key = fold(wanted)
    matches = [
        unit
        for unit in units
        if key
        in (
            fold(unit.name),
            fold(unit.short_name or ""),
            fold(unit.short_name or "").split(" (")[0],
        )
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ReportError(f"Không tìm thấy đơn vị “{text}” (mã hoặc tên) trong địa bàn báo cáo.")
    names = "; ".join(f"{u.code} {u.name}" for u in matches)
    raise ReportError(f"“{text}” trùng tên nhiều đơn vị: {names}. Hãy dùng mã đơn vị.")
