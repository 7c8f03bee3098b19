"""What waits for a user: forms to fix, to enter, to decide on, and units that are late.

Reads only, each through the access module, so the home page, the inbox and the demo's
list of logins agree on what a person has to do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.models import DataSet, DataValue, Period, Submission
from danvan.datasets.queries import (
    EntryForm,
    MissingForm,
    completeness_for,
    forms_of_unit,
    period_get,
)
from danvan.geography.models import AdministrativeUnit
from danvan.lib.periods import PeriodType, period_containing

Status = Submission.Status


class FormState:
    """The one set of words for a form's state, on every page.

    A form nobody has touched is "not started"; one with figures but never submitted is
    "being entered" (the same as a draft submission).
    """

    NOT_STARTED = "not_started"
    # The workflow's own labels (Submission.Status), so the history reads the same words.
    LABELS = {NOT_STARTED: _("Not started"), **dict(Status.choices)}

    @classmethod
    def of(cls, submission: Submission | None, has_values: bool) -> str:
        if submission is not None:
            return submission.status
        return Status.DRAFT if has_values else cls.NOT_STARTED

    @classmethod
    def label(cls, state: str) -> str:
        return str(cls.LABELS.get(state, state))


@dataclass
class FormToEnter:
    form: EntryForm
    state: str
    deadline: datetime.date

    @property
    def state_label(self) -> str:
        return FormState.label(self.state)


def _base() -> QuerySet[Submission]:
    return Submission.objects.select_related(
        "unit", "organization", "organization__type", "data_set", "period"
    ).order_by("period__start_date", "unit__path", "organization__type__sort_order")


def can_enter(user: User) -> bool:
    return user.is_superuser or user.role in (User.Role.DATA_CLERK, User.Role.ADMINISTRATOR)


def can_decide(user: User) -> bool:
    return user.is_superuser or user.role in (User.Role.APPROVER, User.Role.ADMINISTRATOR)


def submissions_to_decide(user: User, limit: int = 500) -> list[Submission]:
    """Submitted forms this user may approve or return, oldest period first."""
    if not can_decide(user):
        return []
    candidates = _base().filter(status=Status.SUBMITTED, unit__in=access.units_visible_to(user))
    if user.role == User.Role.APPROVER and not user.is_superuser:
        candidates = candidates.filter(unit__parent_id=user.home_unit_id)
    return [s for s in candidates[:limit] if access.can_decide_submission(user, s)]


def submissions_to_fix(user: User, limit: int = 500) -> list[Submission]:
    """Returned forms first (they carry the approver's note), then drafts in progress."""
    if not can_enter(user):
        return []
    waiting = list(
        _base().filter(
            status__in=[Status.RETURNED, Status.DRAFT], unit__in=access.units_visible_to(user)
        )[:limit]
    )
    allowed = set(
        access.organizations_visible_to(user)
        .filter(pk__in=[s.organization_id for s in waiting if s.organization_id])
        .values_list("pk", flat=True)
    )
    mine = [s for s in waiting if s.organization_id is None or s.organization_id in allowed]
    return sorted(mine, key=lambda s: s.status != Status.RETURNED)


def open_period(data_set: DataSet, today: datetime.date) -> Period:
    """The latest period of the data set already open for entry on `today`."""
    spec = period_containing(PeriodType(data_set.period_type), today)
    while data_set.window(spec)[0] > today:
        spec = spec.previous()
    return period_get(spec.id)


def forms_to_enter(user: User, today: datetime.date) -> list[FormToEnter]:
    """The home unit's forms of the period open now that are not yet sent up."""
    if not can_enter(user) or user.home_unit is None:
        return []
    unit = user.home_unit
    organizations = access.organizations_visible_to(user)
    found: list[FormToEnter] = []
    for data_set in DataSet.objects.order_by("code"):
        period = open_period(data_set, today)
        if not _overlaps(unit, period):
            continue  # the unit no longer exists (or not yet) in that period
        forms = forms_of_unit(data_set, unit, period, organizations)
        if not forms:
            continue
        submissions = {
            s.organization_id: s
            for s in Submission.objects.filter(data_set=data_set, unit=unit, period=period)
        }
        with_values = set(
            DataValue.objects.filter(
                unit=unit, period=period, element__placements__section__data_set=data_set
            )
            .values_list("organization_type_id", flat=True)
            .distinct()
        )
        deadline = data_set.deadline(period.spec)
        for form in forms:
            submission = submissions.get(form.organization.pk if form.organization else None)
            option = form.option.pk if form.option else None
            state = FormState.of(submission, option in with_values)
            if state in (Status.SUBMITTED, Status.APPROVED):
                continue
            found.append(FormToEnter(form, state, deadline))
    return found


def _overlaps(unit: AdministrativeUnit, period: Period) -> bool:
    return (unit.valid_from is None or unit.valid_from <= period.end_date) and (
        unit.valid_to is None or period.start_date <= unit.valid_to
    )


@dataclass
class LateForms:
    data_set: DataSet
    period: Period
    deadline: datetime.date
    expected: int
    late: list[MissingForm]


def period_choices(period_type: str, today: datetime.date) -> list[Period]:
    """The periods to pick from, newest first: every period of this type already used, and
    the ones up to today's, so every page offers the same list."""
    spec = period_containing(PeriodType(period_type), today)
    period_get(spec.id)
    period_get(spec.previous().id)
    return list(
        Period.objects.filter(type=period_type, start_date__lte=today).order_by("-start_date")
    )


def collecting_period(user: User, data_set: DataSet, today: datetime.date) -> Period:
    """The period being collected: the latest with a form sent up in the user's scope; if
    none yet, the latest whose deadline has passed."""
    sent = (
        Submission.objects.filter(
            data_set=data_set,
            unit__in=access.units_visible_to(user),
            status__in=[Status.SUBMITTED, Status.APPROVED, Status.RETURNED],
            period__start_date__lte=today,
        )
        .order_by("-period__start_date")
        .values_list("period_id", flat=True)
        .first()
    )
    if sent is not None:
        return Period.objects.get(pk=sent)
    spec = period_containing(PeriodType(data_set.period_type), today)
    while data_set.deadline(spec) >= today:
        spec = spec.previous()
    return period_get(spec.id)


def late_below(user: User, today: datetime.date, period: Period | None = None) -> list[LateForms]:
    """Forms under the user's units past their deadline and not sent up, per data set of
    `period`'s type (by default the period being collected)."""
    roots = list(access.root_units_for(user)[:1])
    if not roots or user.role == User.Role.DATA_CLERK:
        return []
    root = roots[0]
    organizations = access.organizations_visible_to(user)
    found = []
    for data_set in DataSet.objects.order_by("code"):
        if period is not None and period.type != data_set.period_type:
            continue
        chosen = period or collecting_period(user, data_set, today)
        report = completeness_for(data_set, chosen, root, today, organizations)
        below = [
            m
            for m in report.late
            if m.unit.pk != root.pk and m.status not in (Status.SUBMITTED, Status.APPROVED)
        ]
        if below:
            found.append(LateForms(data_set, chosen, report.deadline, report.total.expected, below))
    return found
