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


def test_with_a_worker_a_cell_save_leaves_the_roll_up_to_the_worker(
    world, resolution, commune_form, task_worker, settings
):
    from danvan.datasets.models import DataElement
    from danvan.datasets.services import data_value_save
    from danvan.indicators.engine import results_compute
    from danvan.indicators.models import PendingRefresh

    settings.DANVAN_REFRESH_DELAY_SECONDS = 0
    put(world.commune_one_b, "members", "2021", 100, "hnd")
    results_compute(resolution)
    members = DataElement.objects.get(code="members")
    studied = DataElement.objects.get(code="members_studied")

    data_value_save(actor=world.district_clerk, form=commune_form, element=members, raw="100")
    data_value_save(actor=world.district_clerk, form=commune_form, element=studied, raw="60")
    before = IndicatorResult.objects.get(
        part__code="studied", unit=world.district_one, period_id="2021"
    )
    task_worker()

    after = IndicatorResult.objects.get(
        part__code="studied", unit=world.district_one, period_id="2021"
    )
    assert (before.numerator, before.denominator) == (None, 100)
    assert (after.numerator, after.denominator) == (60, 200)
    assert not PendingRefresh.objects.exists()
