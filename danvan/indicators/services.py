"""Keeping indicator results current: full and incremental recomputation."""

from __future__ import annotations

from collections.abc import Callable

from danvan.geography.models import AdministrativeUnit
from danvan.indicators.engine import results_compute
from danvan.indicators.models import Resolution
from danvan.lib.periods import PeriodType


def results_recompute_all(progress: Callable[[str], None] | None = None) -> int:
    total = 0
    for resolution in Resolution.objects.select_related("scope_unit"):
        count = results_compute(resolution)
        total += count
        if progress:
            progress(f"{resolution}: {count} results")
    return total


def results_refresh_for(*, unit: AdministrativeUnit, period_id: str, period_type: str) -> int:
    """After a figure of `unit` changed in `period_id`: recompute the unit and its
    ancestors, for that period and (for term totals) every later one already computed."""
    if period_type != PeriodType.YEARLY.value:
        return 0
    ancestors = set(
        AdministrativeUnit.objects.filter(
            version_id=unit.version_id, code__in=[*unit.ancestor_codes, unit.code]
        ).values_list("pk", flat=True)
    )
    total = 0
    resolutions = Resolution.objects.filter(scope_unit__version_id=unit.version_id).select_related(
        "scope_unit"
    )
    for resolution in resolutions:
        if not unit.path.startswith(resolution.scope_unit.path):
            continue
        later = [
            str(year)
            for year in range(
                int(period_id[:4]), max(int(period_id[:4]), resolution.term_end + 10) + 1
            )
        ]
        from danvan.indicators.models import IndicatorResult

        computed = set(
            IndicatorResult.objects.filter(
                part__indicator__resolution=resolution, period_id__in=later
            )
            .values_list("period_id", flat=True)
            .distinct()
        )
        total += results_compute(resolution, unit_ids=ancestors, period_ids=computed | {period_id})
    return total


def results_refresh_many(*, unit_ids: set[int], period_ids: set[str]) -> int:
    """After an import: recompute every touched unit and its ancestors, once per
    resolution, for the touched yearly periods and every later one already computed."""
    from danvan.indicators.models import IndicatorResult

    if not unit_ids or not period_ids:
        return 0
    touched = list(AdministrativeUnit.objects.filter(pk__in=unit_ids).select_related("version"))
    total = 0
    for resolution in Resolution.objects.select_related("scope_unit"):
        scope = resolution.scope_unit
        inside = [
            u for u in touched if u.version_id == scope.version_id and u.path.startswith(scope.path)
        ]
        if not inside:
            continue
        codes = {code for u in inside for code in [*u.ancestor_codes, u.code]}
        ancestors = set(
            AdministrativeUnit.objects.filter(
                version_id=scope.version_id, code__in=codes
            ).values_list("pk", flat=True)
        )
        yearly = {p for p in period_ids if p.isdigit()}
        if not yearly:
            continue
        first = min(int(p) for p in yearly)
        later = set(
            IndicatorResult.objects.filter(
                part__indicator__resolution=resolution, period__start_date__year__gte=first
            )
            .values_list("period_id", flat=True)
            .distinct()
        )
        total += results_compute(resolution, unit_ids=ancestors, period_ids=later | yearly)
    return total
