from decimal import Decimal

from danvan.datasets.models import DataElement, DataValue
from danvan.datasets.queries import period_get
from danvan.indicators.results import results_read
from danvan.indicators.sums import Change, sums_apply_changes
from danvan.organizations.models import OrganizationType


def put(unit, code, period, value, option=None):
    """A figure written as every write path writes one: the value and its sums."""
    element = DataElement.objects.get(code=code)
    organization_type = OrganizationType.objects.get(code=option) if option else None
    stored = DataValue.objects.create(
        element=element,
        unit=unit,
        period=period_get(period),
        organization_type=organization_type,
        value=Decimal(value),
    )
    sums_apply_changes(
        [
            Change(
                unit.pk,
                stored.period_id,
                element.pk,
                organization_type.pk if organization_type else None,
                None,
                stored.value,
            )
        ]
    )
    return stored


def result(resolution, code, unit, period, basis=None):
    """The result of one part at one unit for one period, read as the dashboard reads it."""
    part = resolution.indicators.get(parts__code=code).parts.get(code=code)
    (row,) = results_read(resolution, units=[unit], period_ids=[period], parts=[part], basis=basis)
    return row


def all_results(resolution, units, periods, basis=None):
    return sorted(
        (r.part.code, r.unit_id, r.period_id, r.numerator, r.denominator, r.value, r.status)
        for r in results_read(resolution, units=units, period_ids=periods, basis=basis)
    )
