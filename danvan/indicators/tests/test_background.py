"""Recomputation handed to the task worker (`compute_indicators --background`)."""

from io import StringIO

from django.core.management import call_command

from danvan.indicators.models import IndicatorResult
from danvan.indicators.tests.helpers import put


def test_background_recomputation_waits_for_the_worker_then_computes(
    world, resolution, task_worker
):
    put(world.commune_one_a, "members", "2021", 100, "hnd")
    out = StringIO()

    call_command("compute_indicators", "--background", stdout=out)
    queued = IndicatorResult.objects.count()
    task_worker()

    assert "queued" in out.getvalue()
    assert queued == 0
    assert IndicatorResult.objects.filter(unit=world.commune_one_a, period_id="2021").exists()
