"""Recomputation handed to the task worker (`compute_indicators --background`)."""

from io import StringIO

from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Worker

from danvan.indicators.models import IndicatorResult
from danvan.indicators.tests.helpers import put


def test_background_recomputation_waits_for_the_worker_then_computes(world, resolution, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    put(world.commune_one_a, "members", "2021", 100, "hnd")
    out = StringIO()

    call_command("compute_indicators", "--background", stdout=out)
    queued = IndicatorResult.objects.count()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()

    assert "queued" in out.getvalue()
    assert queued == 0
    assert IndicatorResult.objects.filter(unit=world.commune_one_a, period_id="2021").exists()
