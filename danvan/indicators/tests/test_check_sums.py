from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from danvan.indicators.models import ElementSum
from danvan.indicators.sums import sums_differences
from danvan.indicators.tests.helpers import put


def test_a_sum_out_of_step_is_printed_and_repaired(world, resolution):
    put(world.commune_one_a, "members", "2021", 100, "hnd")
    ElementSum.objects.filter(unit=world.province).update(entered_total=7)
    out = StringIO()

    with pytest.raises(CommandError, match="1 sums differ"):
        call_command("check_sums", stdout=out)
    assert f"unit {world.province.pk} level 3 period 2021" in out.getvalue()

    call_command("check_sums", "--repair", stdout=StringIO())

    assert sums_differences() == []
    assert ElementSum.objects.get(unit=world.province).entered_total == 100


def test_background_rebuild_waits_for_the_worker(world, resolution, task_worker):
    put(world.commune_one_a, "members", "2021", 100, "hnd")
    ElementSum.objects.all().delete()
    out = StringIO()

    call_command("compute_indicators", "--background", stdout=out)
    queued = ElementSum.objects.count()
    task_worker()

    assert "queued" in out.getvalue()
    assert queued == 0
    assert ElementSum.objects.filter(unit=world.province).exists()
