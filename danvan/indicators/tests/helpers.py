from decimal import Decimal

from danvan.datasets.models import DataElement, DataValue
from danvan.datasets.queries import period_get
from danvan.organizations.models import OrganizationType


def put(unit, code, period, value, option=None):
    DataValue.objects.create(
        element=DataElement.objects.get(code=code),
        unit=unit,
        period=period_get(period),
        organization_type=OrganizationType.objects.get(code=option) if option else None,
        value=Decimal(value),
    )
