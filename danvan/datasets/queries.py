"""Reads for figures: the entry form, values of a form, lookups for expressions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from danvan.datasets.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Period,
    Submission,
)
from danvan.geography.models import AdministrativeUnit
from danvan.lib.expressions import Ref
from danvan.lib.periods import period_parse
from danvan.organizations.models import Organization, OrganizationType


@dataclass(frozen=True)
class EntryForm:
    """One form to fill: a data set for a unit (and organization) and a period."""

    data_set: DataSet
    unit: AdministrativeUnit
    organization: Organization | None
    period: Period

    @property
    def option(self) -> OrganizationType | None:
        return self.organization.type if self.organization is not None else None

    def placements(self) -> list[DataSetElement]:
        """The elements this form asks for, in order, for the unit's level and organization."""
        items = (
            DataSetElement.objects.filter(section__data_set=self.data_set)
            .select_related("section", "element")
            .prefetch_related("element__organization_types")
            .order_by("section__sort_order", "sort_order")
        )
        chosen = []
        for item in items:
            if item.levels and self.unit.level not in item.levels:
                continue
            element = item.element
            if self.organization is not None:
                if not element.disaggregated_by_organization:
                    continue
                allowed = {t.pk for t in element.organization_types.all()}
                if allowed and self.organization.type_id not in allowed:
                    continue
            elif element.disaggregated_by_organization:
                continue
            chosen.append(item)
        return chosen

    def values(self) -> QuerySet[DataValue]:
        return DataValue.objects.filter(
            unit=self.unit,
            period=self.period,
            organization_type=self.option,
            element__placements__section__data_set=self.data_set,
        )

    def submission(self) -> Submission | None:
        return Submission.objects.filter(
            data_set=self.data_set,
            unit=self.unit,
            organization=self.organization,
            period=self.period,
        ).first()


def period_get(ident: str) -> Period:
    """The period with this id, created on first use (periods are derived, not configured)."""
    spec = period_parse(ident)
    period, _ = Period.objects.get_or_create(
        id=spec.id,
        defaults={"type": spec.type.value, "start_date": spec.start, "end_date": spec.end},
    )
    return period


class ValueLookup:
    """Figures of one unit and period for expressions.

    In an organization's form, `#{code}` means that organization's figure; elsewhere it
    sums every option. `#{code.option}` always takes the one option.
    """

    def __init__(
        self, rows: Sequence[tuple[str, str | None, Decimal]], option: str | None
    ) -> None:
        self.option = option
        self.by_option: dict[tuple[str, str | None], Decimal] = {}
        self.totals: dict[str, Decimal] = defaultdict(Decimal)
        for code, option_code, value in rows:
            self.by_option[(code, option_code)] = value
            self.totals[code] += value

    @classmethod
    def for_unit(cls, unit: AdministrativeUnit, period: Period, option: str | None) -> ValueLookup:
        rows = list(
            DataValue.objects.filter(unit=unit, period=period).values_list(
                "element__code", "organization_type__code", "value"
            )
        )
        return cls(rows, option)

    def __call__(self, ref: Ref) -> Decimal | None:
        if ref.option is not None:
            return self.by_option.get((ref.code, ref.option))
        if self.option is not None:
            return self.by_option.get((ref.code, self.option))
        return self.totals.get(ref.code)


def element_history(
    element: DataElement, unit: AdministrativeUnit, option: OrganizationType | None, before: Period
) -> list[tuple[str, Decimal]]:
    """Earlier values of the same figure, oldest first (periods of the same type)."""
    rows = (
        DataValue.objects.filter(
            element=element,
            unit=unit,
            organization_type=option,
            period__type=before.type,
            period__start_date__lt=before.start_date,
        )
        .order_by("period__start_date")
        .values_list("period_id", "value")
    )
    return list(rows)
