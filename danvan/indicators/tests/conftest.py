import pytest

from danvan.datasets.queries import period_get
from danvan.indicators.models import Indicator, IndicatorPart, Resolution, Target


@pytest.fixture
def resolution(world, catalogue):
    resolution = Resolution.objects.create(
        number="01-NQ/TU",
        issued_on="2016-07-21",
        issuing_body="BCH",
        title="thử",
        term_start=2016,
        term_end=2020,
        scope_unit=world.province,
        # The arithmetic tests read every figure entered; the bases have their own tests.
        basis=Resolution.Basis.ENTERED,
    )
    indicator = Indicator.objects.create(resolution=resolution, number=1, name="Chỉ tiêu")
    rate = IndicatorPart.objects.create(
        indicator=indicator,
        code="studied",
        name="Học tập",
        level=3,
        numerator="#{members_studied}",
        denominator="#{members}",
        factor=100,
        unit_of_measure="%",
        baseline_period=period_get("2016"),
    )
    Target.objects.create(part=rate, year=2016, value=98, every_year=True)
    transfers = IndicatorPart.objects.create(
        indicator=indicator,
        code="transfers",
        name="Điều động",
        level=2,
        numerator="#{transfers_in}",
        accumulation="term",
        target_kind="range",
    )
    Target.objects.create(part=transfers, year=2020, value=35, upper=40)
    return resolution
