"""Reads for figures: the entry form, values of a form, lookups for expressions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from danvan.geography.queries import units_holding_place_on
from danvan.lib.expressions import Ref
from danvan.lib.periods import period_parse
from danvan.organizations.models import Organization, OrganizationType
from danvan.organizations.queries import valid_on_q


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

    def __init__(self, rows: Sequence[tuple[str, str | None, Decimal]], option: str | None) -> None:
        self._index({(code, option_code): value for code, option_code, value in rows}, option)

    @classmethod
    def of_figures(
        cls, figures: dict[tuple[str, str | None], Decimal], option: str | None = None
    ) -> ValueLookup:
        """From figures already keyed by (code, option), as the indicator engine holds them."""
        lookup = cls.__new__(cls)
        lookup._index(figures, option)
        return lookup

    def _index(self, figures: dict[tuple[str, str | None], Decimal], option: str | None) -> None:
        self.option = option
        self.by_option = figures
        self.totals: dict[str, Decimal] = defaultdict(Decimal)
        for (code, _option), value in figures.items():
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


def previous_values(form: EntryForm) -> dict[int, Decimal]:
    """Last period's values of the same form, by element id, shown for reference."""
    try:
        previous = Period.objects.get(id=form.period.spec.previous().id)
    except Period.DoesNotExist:
        return {}
    rows = DataValue.objects.filter(
        unit=form.unit, period=previous, organization_type=form.option
    ).values_list("element_id", "value")
    return dict(rows)


def form_reference_day(data_set: DataSet, period: Period) -> datetime.date:
    """The day whose hierarchy a form follows: the last day of its reporting window.

    A 2025 yearly form (window 15/12/2024–14/12/2025) belongs to the units and bodies in
    force after 1/7/2025; one of the first half of 2025 to those before.
    """
    return data_set.window(period.spec)[1]


def validity_problem(
    data_set: DataSet,
    period: Period,
    unit: AdministrativeUnit,
    organization: Organization | None = None,
) -> str | None:
    """Why no figure can be entered for this unit (or organization) in this period, if so:
    it did not exist on the form's reference day. The message names the unit, its version,
    the day and the units that held its place then."""
    from django.utils.translation import gettext as _

    day = form_reference_day(data_set, period)
    label = str(period)
    label = label[:1].lower() + label[1:]  # 'Năm 2025' inside a sentence
    if not unit.is_valid_on(day):
        instead = ", ".join(u.name for u in units_holding_place_on(unit, day))
        message = _(
            "%(unit)s (%(version)s) did not exist on %(date)s, the end of the reporting "
            "window of %(period)s: no figures can be entered for it."
        ) % {
            "unit": unit.name,
            "version": unit.version.name,
            "date": day.strftime("%d/%m/%Y"),
            "period": label,
        }
        if instead:
            message += " " + _("Its place was held by: %(units)s.") % {"units": instead}
        return message
    if organization is not None and not organization.is_valid_on(day):
        return _(
            "%(organization)s (%(version)s) did not exist on %(date)s, the end of the "
            "reporting window of %(period)s: no figures can be entered for it."
        ) % {
            "organization": organization.name,
            "version": unit.version.name,
            "date": day.strftime("%d/%m/%Y"),
            "period": label,
        }
    return None


def forms_of_unit(
    data_set: DataSet,
    unit: AdministrativeUnit,
    period: Period,
    organizations: QuerySet[Organization],
) -> list[EntryForm]:
    """The forms a unit fills for a data set: one per organization, or one for the unit.

    None for a unit, and none of a body, that did not exist on the form's reference day.
    """
    day = form_reference_day(data_set, period)
    if unit.level not in data_set.levels or not unit.is_valid_on(day):
        return []
    if not data_set.reported_by_organizations:
        return [EntryForm(data_set, unit, None, period)]
    allowed = set(data_set.organization_types.values_list("pk", flat=True))
    found = (
        organizations.filter(unit=unit, kind=Organization.Kind.TERRITORIAL)
        .filter(valid_on_q(day))
        .select_related("type")
    )
    return [
        EntryForm(data_set, unit, organization, period)
        for organization in found.order_by("type__sort_order")
        if not allowed or organization.type_id in allowed
    ]


@dataclass
class CompletenessRow:
    unit: AdministrativeUnit
    own_forms_only: bool
    expected: int = 0
    submitted: int = 0
    approved: int = 0
    on_time: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.expected:
            return None
        return Decimal(self.submitted * 100) / Decimal(self.expected)


@dataclass
class MissingForm:
    unit: AdministrativeUnit
    organization: Organization | None
    status: str
    submitted_at: datetime.datetime | None


@dataclass
class Completeness:
    rows: list[CompletenessRow]
    total: CompletenessRow
    late: list[MissingForm]
    deadline: datetime.date
    reference_day: datetime.date | None = None
    # When `root` did not exist on the reference day: the units that held its place then.
    holding_place: list[AdministrativeUnit] = field(default_factory=list)
    # Every expected form not approved (status "" when never started), for the report's gate.
    not_approved: list[MissingForm] = field(default_factory=list)


def completeness_for(
    data_set: DataSet,
    period: Period,
    root: AdministrativeUnit,
    today: datetime.date,
    organizations: QuerySet[Organization],
) -> Completeness:
    """Expected, submitted, approved and on-time forms under `root`, by child unit.

    Only units and bodies that existed on the form's reference day are expected (for 2025
    and later: the units of the hierarchy after 1/7/2025). Reads a constant number of
    queries whatever the size of the subtree.
    """
    deadline = data_set.deadline(period.spec)
    day = form_reference_day(data_set, period)
    units = {
        u.pk: u
        for u in AdministrativeUnit.objects.within(root)
        .filter(level__in=data_set.levels)
        .valid_on(day)
    }
    expected: list[tuple[int, int | None]] = []
    org_objects: dict[int, Organization] = {}
    if data_set.reported_by_organizations:
        allowed = set(data_set.organization_types.values_list("pk", flat=True))
        found = (
            organizations.filter(unit_id__in=units, kind=Organization.Kind.TERRITORIAL)
            .filter(valid_on_q(day))
            .select_related("type")
        )
        for organization in found:
            if not allowed or organization.type_id in allowed:
                expected.append((organization.unit_id, organization.pk))
                org_objects[organization.pk] = organization
    else:
        expected = [(pk, None) for pk in units]
    submissions = {
        (s.unit_id, s.organization_id): s
        for s in Submission.objects.filter(data_set=data_set, period=period, unit_id__in=units)
    }
    children = list(AdministrativeUnit.objects.filter(parent=root).order_by("code"))
    own = CompletenessRow(root, own_forms_only=True)
    rows = {child.path: CompletenessRow(child, own_forms_only=False) for child in children}
    total = CompletenessRow(root, own_forms_only=False)
    late: list[MissingForm] = []
    not_approved: list[MissingForm] = []
    for unit_pk, organization_pk in expected:
        unit = units[unit_pk]
        row = own if unit.pk == root.pk else rows.get(_child_path(root, unit))
        submission = submissions.get((unit_pk, organization_pk))
        sent = submission is not None and submission.status in (
            Submission.Status.SUBMITTED,
            Submission.Status.APPROVED,
        )
        sent_on_time = bool(
            sent
            and submission
            and submission.submitted_at
            and submission.submitted_at.date() <= deadline
        )
        approved = submission is not None and submission.status == Submission.Status.APPROVED
        for target in (row, total):
            if target is None:
                continue
            target.expected += 1
            target.submitted += int(sent)
            target.approved += int(approved)
            target.on_time += int(sent_on_time)
        if not approved:
            not_approved.append(
                MissingForm(
                    unit,
                    org_objects.get(organization_pk) if organization_pk else None,
                    submission.status if submission else "",
                    submission.submitted_at if submission else None,
                )
            )
        if (not sent and today > deadline) or (sent and not sent_on_time):
            late.append(
                MissingForm(
                    unit,
                    org_objects.get(organization_pk) if organization_pk else None,
                    submission.status if submission else Submission.Status.DRAFT,
                    submission.submitted_at if submission else None,
                )
            )
    ordered = ([own] if own.expected else []) + [r for r in rows.values() if r.expected]
    late.sort(key=lambda m: (m.unit.path, m.organization.type.sort_order if m.organization else 0))
    holding_place = [] if root.is_valid_on(day) else units_holding_place_on(root, day)
    not_approved.sort(
        key=lambda m: (m.unit.path, m.organization.type.sort_order if m.organization else 0)
    )
    return Completeness(ordered, total, late, deadline, day, holding_place, not_approved)


def _child_path(root: AdministrativeUnit, unit: AdministrativeUnit) -> str:
    """The path of the child of `root` whose subtree holds `unit`."""
    rest = unit.path[len(root.path) :]
    return root.path + rest.split("/", 1)[0] + "/"
