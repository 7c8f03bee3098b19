"""Keeping indicator results current: full and incremental recomputation."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from danvan.geography.models import AdministrativeUnit
from danvan.indicators.engine import results_compute
from danvan.indicators.models import IndicatorResult, PendingRefresh, Resolution
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
    """After a figure of `unit` changed in `period_id` (a save, an approval).

    With a worker-backed task queue the recomputation is handed to the worker (it rebuilds
    the province roll-up, hundreds of milliseconds at province scale, too slow for a cell
    save); with the immediate backend (demo, tests) it runs here, in the transaction.
    """
    if period_type != PeriodType.YEARLY.value:
        return 0
    if not _worker_backed():
        return results_refresh_many(unit_ids={unit.pk}, period_ids={period_id})
    from danvan.indicators.tasks import results_refresh_pending_task

    PendingRefresh.objects.create(unit=unit, period_id=period_id)
    # Enqueued in the same transaction: a rolled-back save leaves neither row nor task. A
    # short delay lets a burst of saves gather into one recomputation instead of keeping
    # the worker recomputing the province for every cell.
    delay = datetime.timedelta(seconds=settings.DANVAN_REFRESH_DELAY_SECONDS)
    results_refresh_pending_task.using(run_after=timezone.now() + delay).enqueue()
    return 0


def _worker_backed() -> bool:
    backend = str(settings.TASKS["default"]["BACKEND"])
    return not backend.endswith("ImmediateBackend")


def results_refresh_pending() -> int:
    """Claim every pending refresh (rows other workers hold are left to them) and
    recompute them together; the claim commits first, so a save committed after it gets
    a later run."""
    with transaction.atomic():
        claimed = list(
            PendingRefresh.objects.select_for_update(skip_locked=True).values_list(
                "pk", "unit_id", "period_id"
            )
        )
        PendingRefresh.objects.filter(pk__in=[pk for pk, _, _ in claimed]).delete()
    if not claimed:
        return 0
    with transaction.atomic():
        return results_refresh_many(
            unit_ids={unit_id for _, unit_id, _ in claimed},
            period_ids={period_id for _, _, period_id in claimed},
        )


def results_refresh_many(*, unit_ids: set[int], period_ids: set[str]) -> int:
    """Recompute the touched units and their ancestors, once per resolution, for the
    touched yearly periods and every later one already computed (term totals). A period
    computed for the first time is computed for every unit, so that an incremental
    recompute always equals a full one."""
    yearly = {p for p in period_ids if p.isdigit()}
    if not unit_ids or not yearly:
        return 0
    touched = list(AdministrativeUnit.objects.filter(pk__in=unit_ids))
    first = min(int(p) for p in yearly)
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
        computed = set(
            IndicatorResult.objects.filter(
                part__indicator__resolution=resolution, period__start_date__year__gte=first
            )
            .values_list("period_id", flat=True)
            .distinct()
        )
        if yearly - computed:
            total += results_compute(resolution, period_ids=yearly - computed)
        if computed:
            total += results_compute(resolution, unit_ids=ancestors, period_ids=computed)
    return total
