"""The column-wise national read (`results_table`) equals `results_read` row by row on
the real demo: every part of both resolutions at every unit, period and basis (issue 14,
"results read from the sums equal today's engine on the demo")."""

import numpy as np
import pytest

from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import IndicatorPart, Resolution
from danvan.indicators.table import STATUSES, results_table
from danvan.indicators.tests.table_compare import differences

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", ["06-NQ/TU", "M01-NQ/TU"])
@pytest.mark.parametrize("basis", ["approved", "submitted", "entered"])
def test_the_table_equals_results_read_row_by_row(province, number, basis):
    resolution = Resolution.objects.select_related("scope_unit").get(number=number)
    root = resolution.scope_unit
    units = [root, *AdministrativeUnit.objects.within(root).exclude(pk=root.pk).order_by("path")]
    compared, found = differences(resolution, units, basis=basis)
    assert compared > 1000
    assert found == []


def test_a_ranking_of_communes_puts_values_first_highest_first(province):
    resolution = Resolution.objects.get(number="06-NQ/TU")
    part = IndicatorPart.objects.get(
        indicator__resolution=resolution, code="households-with-member"
    )
    communes = list(AdministrativeUnit.objects.within(province).filter(level=3))
    table = results_table(resolution, units=communes, period_ids=["2021"], parts=[part])
    order = table.ranked()
    values = table.value[order]
    held = values[~np.isnan(values)]
    assert len(held) > 50
    assert list(held) == sorted(held, reverse=True)
    assert np.isnan(values[len(held) :]).all()
    rows = list(table.rows(order[:3]))
    assert rows[0]["value"] == pytest.approx(float(held[0]))
    assert rows[0]["status"] in STATUSES
    assert all(r["units_expected"] == 1 for r in rows)
