"""Background work for indicators (Django's task API through django-tasks)."""

from __future__ import annotations

from django_tasks import task

from danvan.indicators.services import results_recompute_all


@task()
def results_recompute_all_task() -> int:
    """The full rebuild of the sums, for the worker (`compute_indicators --background`)."""
    return results_recompute_all()
