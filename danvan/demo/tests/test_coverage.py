"""Coverage in the demo's 2021, counted the completeness page's way (issue 13, "Verified
by": exact coverage counts with Phường I's returned form)."""

import datetime

import pytest

from danvan.datasets.models import Period
from danvan.datasets.queries import completeness_for
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import IndicatorPart, Resolution
from danvan.indicators.results import _data_sets, part_codes, results_read
from danvan.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_coverage_of_2021_equals_the_forms_counted_commune_by_commune(province):
    resolution = Resolution.objects.get(number="06-NQ/TU")
    part = IndicatorPart.objects.get(
        indicator__resolution=resolution, code="households-with-member"
    )
    period = Period.objects.get(id="2021")
    data_sets = _data_sets(part_codes(part))
    communes = list(AdministrativeUnit.objects.within(province).filter(level=3).order_by("path"))
    today = datetime.date(2026, 12, 2)
    expected = approved = submitted = units_approved = 0
    late_units = set()
    for commune in communes:
        mine_expected = mine_approved = 0
        for data_set in data_sets:
            counts = completeness_for(
                data_set, period, commune, today, Organization.objects.all()
            ).total
            mine_expected += counts.expected
            mine_approved += counts.approved
            submitted += counts.submitted
        expected += mine_expected
        approved += mine_approved
        if mine_expected and mine_approved == mine_expected:
            units_approved += 1
        else:
            late_units.add(commune.name)

    (row,) = results_read(
        resolution,
        units=[province],
        period_ids=["2021"],
        parts=[part],
        basis=Resolution.Basis.APPROVED,
    )
    coverage = row.coverage

    assert coverage.units_expected == len(communes) == 75
    assert coverage.forms_expected == expected
    assert coverage.forms_approved == approved
    assert coverage.forms_submitted == submitted
    assert coverage.units_approved == units_approved
    assert "Phường I" in late_units  # its Farmers' Union form was returned
    assert coverage.text(Resolution.Basis.APPROVED) == (
        f"số liệu của {units_approved}/75 đơn vị cấp xã đã duyệt"
    )
