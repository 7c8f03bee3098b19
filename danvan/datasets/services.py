"""Writes for figures: saving a value (with audit), and the approval workflow.

Every write checks scope through the access module, the form's state and the reporting
window, then writes the change and its audit row in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.models import (
    DataElement,
    DataValue,
    DataValueAudit,
    Submission,
    SubmissionEvent,
)
from danvan.datasets.queries import EntryForm, validity_problem
from danvan.datasets.validation import (
    Outlier,
    Problem,
    Violation,
    form_check,
    outlier_check,
    submission_problems,
)
from danvan.indicators.sums import (
    PLACES,
    Change,
    Form,
    sums_apply_changes,
    sums_apply_transition,
)
from danvan.lib.numbers import NumberFormatError, format_vn_number, parse_vn_number

MAX_VALUE = Decimal("1e15")


class SubmissionRefused(ValidationError):
    """The form cannot be submitted yet; `problems` name the cells to fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([problem.message for problem in problems])


class ConflictError(ValidationError):
    """Someone else changed the cell since it was loaded."""

    def __init__(self, current: DataValue | None) -> None:
        self.current = current
        shown = format_vn_number(current.value) if current is not None else _("empty")
        super().__init__(
            _("Someone else changed this cell meanwhile (now: %(value)s). Check it and save again.")
            % {"value": shown}
        )


@dataclass
class SaveResult:
    value: DataValue | None
    changed: bool
    violations: list[Violation] = field(default_factory=list)
    outlier: Outlier | None = None


def form_check_writable(
    *, actor: User, form: EntryForm, today: datetime.date | None = None
) -> None:
    """Raise unless `actor` may write this form now."""
    if not access.can_change_unit(actor, form.unit):
        raise PermissionDenied(_("You may not enter figures for this unit."))
    if not access.can_change_form(actor, form.unit, form.organization):
        raise PermissionDenied(_("You may not enter figures for this organization."))
    if form.unit.level not in form.data_set.levels:
        raise ValidationError(_("This form is not reported at this level."))
    if form.organization is None and form.data_set.reported_by_organizations:
        raise ValidationError(_("This form is reported by each organization."))
    if form.organization is not None and form.organization.unit_id != form.unit.pk:
        raise ValidationError(_("The organization does not belong to this unit."))
    today = today or timezone.localdate()
    opens, _closes = form.data_set.window(form.period.spec)
    if today < opens:
        raise ValidationError(
            _("The period %(period)s opens for entry on %(date)s.")
            % {"period": form.period, "date": opens.strftime("%d/%m/%Y")}
        )
    problem = validity_problem(form.data_set, form.period, form.unit, form.organization)
    if problem:
        raise ValidationError(problem)
    submission = form.submission()
    if submission is not None and submission.is_locked:
        raise ValidationError(
            _("This form has been %(status)s and can no longer be changed.")
            % {"status": submission.get_status_display().lower()}
        )


def value_parse(element: DataElement, raw: str) -> Decimal:
    try:
        value = parse_vn_number(raw)
    except NumberFormatError as error:
        raise ValidationError(
            _("“%(text)s” is not a number. Write 1.234 or 1.234,5.") % {"text": raw.strip()}
        ) from error
    if value < 0:
        raise ValidationError(_("A negative figure is not allowed here."))
    if element.is_whole and value != value.to_integral_value():
        raise ValidationError(_("This figure is a whole number: no decimals."))
    if abs(value) >= MAX_VALUE:
        raise ValidationError(_("This number is too large."))
    if value != value.quantize(PLACES):
        # Stored with four decimals, as the sums keep them (`PLACES`): PostgreSQL would
        # round a fifth away, SQLite keep it, and the sums differ between them. Refused,
        # not rounded silently.
        raise ValidationError(_("At most four decimal places."))
    return value


@transaction.atomic
def data_value_save(
    *,
    actor: User,
    form: EntryForm,
    element: DataElement,
    raw: str,
    comment: str | None = None,
    expected_revision: int | None = None,
    source: str = DataValue.Source.ENTERED,
    remote_address: str | None = None,
    today: datetime.date | None = None,
) -> SaveResult:
    """Save (or clear, with an empty `raw`) one cell of a form.

    `expected_revision` is the revision the user saw (0 for an empty cell); a different
    current revision means a concurrent change and nothing is written.
    """
    form_check_writable(actor=actor, form=form, today=today)
    # A submit or a decision in flight holds the form's row: wait for it, then look again
    # (a plain read on PostgreSQL does not wait for a row lock).
    held = Submission.objects.select_for_update().filter(
        data_set=form.data_set, unit=form.unit, organization=form.organization, period=form.period
    )
    if any(submission.is_locked for submission in held):
        raise ValidationError(_("This form has been submitted or approved: it cannot be changed."))
    if element.pk not in {item.element_id for item in form.placements()}:
        raise ValidationError(_("This figure is not part of this form."))
    new_value = value_parse(element, raw) if raw.strip() else None
    key = {
        "element": element,
        "unit": form.unit,
        "period": form.period,
        "organization_type": form.option,
    }
    current = DataValue.objects.select_for_update().filter(**key).first()
    old_value = current.value if current is not None else None
    new_comment = comment if comment is not None else (current.comment if current else "")
    if old_value == new_value and (current is None or current.comment == new_comment):
        # Saving what is already stored is harmless even from a stale page.
        return SaveResult(current, changed=False)
    if expected_revision is not None and (current.revision if current else 0) != expected_revision:
        raise ConflictError(current)
    if new_value is None:
        assert current is not None
        current.delete()
        saved: DataValue | None = None
        action = DataValueAudit.Action.DELETE
    elif current is None:
        try:
            with transaction.atomic():
                saved = DataValue.objects.create(
                    **key, value=new_value, comment=new_comment, source=source, stored_by=actor
                )
        except IntegrityError as error:  # another save created it between our read and write
            raise ConflictError(DataValue.objects.filter(**key).first()) from error
        action = DataValueAudit.Action.CREATE
    else:
        current.value = new_value
        current.comment = new_comment
        current.source = source
        current.stored_by = actor
        current.revision += 1
        current.save()
        saved = current
        action = DataValueAudit.Action.UPDATE
    DataValueAudit.objects.create(
        **key,
        action=action,
        old_value=old_value,
        new_value=new_value,
        comment=new_comment,
        source=source,
        user=actor,
        remote_address=remote_address,
    )
    sums_apply_changes(
        [
            Change(
                form.unit.pk,
                form.period.pk,
                element.pk,
                form.option.pk if form.option else None,
                old_value,
                new_value,
            )
        ]
    )
    result = SaveResult(saved, changed=True)
    result.violations = [v for v in form_check(form) if element.code in v.element_codes]
    if new_value is not None:
        result.outlier = outlier_check(form, element, new_value)
    return result


def _transition(
    submissions: Sequence[Submission],
    *,
    actor: User,
    to: str,
    action: str,
    comment: str,
    remote_address: str | None,
    stamps: dict[str, object],
) -> None:
    """Move locked forms, all in one state, to `to`: their audit rows, their states (with
    `stamps`, the fields the transition sets) and their values' sums each in one
    statement for all forms. (A bulk approval was six statements per form, each a round
    trip: benchmarks/README.md, submission.)"""
    if not submissions:
        return
    (old_status,) = {submission.status for submission in submissions}
    SubmissionEvent.objects.bulk_create(
        SubmissionEvent(
            submission=submission,
            from_status=old_status,
            to_status=to,
            action=action,
            comment=comment,
            user=actor,
            remote_address=remote_address,
        )
        for submission in submissions
    )
    fields: dict[str, object] = {**stamps, "status": to, "updated_at": timezone.now()}
    if comment:
        fields["last_comment"] = comment
    Submission.objects.filter(pk__in=[submission.pk for submission in submissions]).update(**fields)
    for submission in submissions:
        for name, value in fields.items():
            setattr(submission, name, value)
    # The forms' figures move between the bases of the sums in the same transaction.
    sums_apply_transition(
        forms=[
            Form(
                submission.unit_id,
                submission.period_id,
                submission.data_set_id,
                submission.organization.type_id if submission.organization else None,
            )
            for submission in submissions
        ],
        old_status=old_status,
        new_status=to,
    )


def submission_get_or_create(form: EntryForm) -> Submission:
    submission, _ = Submission.objects.get_or_create(
        data_set=form.data_set, unit=form.unit, organization=form.organization, period=form.period
    )
    return submission


def _locked(pks: Iterable[int]) -> dict[int, Submission]:
    # With their bodies (whose type the sums need), in the same statement; only the forms
    # are locked, in the order of their keys (two bulk decisions wait, never deadlock).
    found = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk__in=sorted(set(pks)))
        .order_by("pk")
    )
    return {submission.pk: submission for submission in found}


@transaction.atomic
def submission_submit(
    *,
    actor: User,
    form: EntryForm,
    comment: str = "",
    remote_address: str | None = None,
    today: datetime.date | None = None,
) -> Submission:
    """Send the form to the level above. Errors block; warnings need an explanation."""
    form_check_writable(actor=actor, form=form, today=today)
    pk = submission_get_or_create(form).pk
    submission = _locked([pk])[pk]
    if submission.status not in (Submission.Status.DRAFT, Submission.Status.RETURNED):
        raise ValidationError(_("Only a draft or a returned form can be submitted."))
    if not form.values().exists():
        raise ValidationError(_("The form is empty: enter the figures before submitting."))
    problems = submission_problems(form, comment)
    if problems:
        raise SubmissionRefused(problems)
    _transition(
        [submission],
        actor=actor,
        to=Submission.Status.SUBMITTED,
        action="submit",
        comment=comment.strip(),
        remote_address=remote_address,
        stamps={"submitted_at": timezone.now(), "submitted_by": actor},
    )
    return submission


Refusal = PermissionDenied | ValidationError


def _decide(
    submissions: Iterable[Submission],
    *,
    actor: User,
    action: str,
    expected: str,
    to: str,
    comment: str,
    remote_address: str | None,
    wrong_state: str,
    comment_needed: str | None = None,
) -> list[tuple[Submission, Refusal | None]]:
    """A decision of the level above on each form, guarded by its current state.

    Every form is checked from one locking read (scope through the access module before
    it, then the state and the comment), and only then are the decided ones written,
    together: a refused form is left as it was and returned with its refusal (the
    decided form in its place otherwise), in the order given."""
    chosen = list(submissions)
    refusals: dict[int, Refusal] = {}
    for index, submission in enumerate(chosen):
        if not access.can_decide_submission(actor, submission):
            refusals[index] = PermissionDenied(
                _("Only an approver of the level above may decide on this form.")
            )
    locked = _locked(s.pk for index, s in enumerate(chosen) if index not in refusals)
    decided: dict[int, Submission] = {}
    for index, submission in enumerate(chosen):
        if index in refusals:
            continue
        current = locked.get(submission.pk)
        if current is None:
            raise Submission.DoesNotExist(f"No submission {submission.pk}.")
        if current.status != expected or current in decided.values():
            # A form chosen twice: its first decision takes it out of `expected`.
            refusals[index] = ValidationError(wrong_state)
        elif comment_needed is not None and not comment.strip():
            refusals[index] = ValidationError(comment_needed)
        else:
            decided[index] = current
    stamps: dict[str, object] = {}
    if action != "reopen":
        stamps = {"decided_at": timezone.now(), "decided_by": actor}
    _transition(
        list(decided.values()),
        actor=actor,
        to=to,
        action=action,
        comment=comment.strip(),
        remote_address=remote_address,
        stamps=stamps,
    )
    return [
        (submission, refusals[index]) if index in refusals else (decided[index], None)
        for index, submission in enumerate(chosen)
    ]


def _decided(outcomes: list[tuple[Submission, Refusal | None]]) -> Submission:
    ((submission, refused),) = outcomes
    if refused is not None:
        raise refused
    return submission


@transaction.atomic
def submission_approve(
    *, actor: User, submission: Submission, comment: str = "", remote_address: str | None = None
) -> Submission:
    """Approve and lock the figures; the indicator results take them in at once."""
    return _decided(
        _approve([submission], actor=actor, comment=comment, remote_address=remote_address)
    )


@transaction.atomic
def submissions_approve(
    *, actor: User, submissions: Iterable[Submission], remote_address: str | None = None
) -> list[tuple[Submission, Refusal | None]]:
    """Approve several forms, each checked and audited on its own: a refused form is left
    as it was and returned with its refusal, the others are approved. One transaction and
    a handful of statements for all (one locking read, then one statement each for the
    audit rows, the states and the sums): a statement per form and step was most of
    approving a commune's six forms (benchmarks/README.md, submission)."""
    return _approve(submissions, actor=actor, comment="", remote_address=remote_address)


def _approve(
    submissions: Iterable[Submission], *, actor: User, comment: str, remote_address: str | None
) -> list[tuple[Submission, Refusal | None]]:
    return _decide(
        submissions,
        actor=actor,
        action="approve",
        expected=Submission.Status.SUBMITTED,
        to=Submission.Status.APPROVED,
        comment=comment,
        remote_address=remote_address,
        wrong_state=_("Only a submitted form can be approved."),
    )


@transaction.atomic
def submission_return(
    *, actor: User, submission: Submission, comment: str, remote_address: str | None = None
) -> Submission:
    return _decided(
        _decide(
            [submission],
            actor=actor,
            action="return",
            expected=Submission.Status.SUBMITTED,
            to=Submission.Status.RETURNED,
            comment=comment,
            remote_address=remote_address,
            wrong_state=_("Only a submitted form can be returned."),
            comment_needed=_("Say what needs fixing: a comment is required to return a form."),
        )
    )


@transaction.atomic
def submission_reopen(
    *, actor: User, submission: Submission, comment: str, remote_address: str | None = None
) -> Submission:
    """An approver unlocks approved figures so they can be corrected."""
    return _decided(
        _decide(
            [submission],
            actor=actor,
            action="reopen",
            expected=Submission.Status.APPROVED,
            to=Submission.Status.RETURNED,
            comment=comment,
            remote_address=remote_address,
            wrong_state=_("Only an approved form can be reopened."),
            comment_needed=_("Say why the form is reopened: a comment is required."),
        )
    )
