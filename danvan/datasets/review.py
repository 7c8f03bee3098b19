"""Reads for reviewing a form: what changed since it was last returned, and what is next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from danvan.accounts.models import User
from danvan.datasets.models import DataElement, DataValueAudit, Submission, SubmissionEvent
from danvan.datasets.queries import EntryForm
from danvan.datasets.worklist import submissions_to_decide


@dataclass
class Change:
    element: DataElement
    old: Decimal | None
    new: Decimal | None
    users: list[str]
    at: datetime.datetime


@dataclass
class Changes:
    since: SubmissionEvent
    rows: list[Change]


def changes_since_return(form: EntryForm, submission: Submission | None) -> Changes | None:
    """Each cell changed since the form was last returned (or reopened), old → new and by
    whom; None when it never was (a first submission has nothing to compare with)."""
    if submission is None:
        return None
    since = (
        submission.events.filter(action__in=["return", "reopen"])
        .select_related("user")
        .order_by("-created_at", "-pk")
        .first()
    )
    if since is None:
        return None
    placed = {item.element_id: item for item in form.placements()}
    audits = (
        DataValueAudit.objects.filter(
            unit=form.unit,
            period=form.period,
            organization_type=form.option,
            element_id__in=placed,
            created_at__gte=since.created_at,
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    by_element: dict[int, Change] = {}
    for audit in audits:
        who = str(audit.user) if audit.user else "—"
        change = by_element.get(audit.element_id)
        if change is None:
            by_element[audit.element_id] = Change(
                placed[audit.element_id].element,
                audit.old_value,
                audit.new_value,
                [who],
                audit.created_at,
            )
            continue
        change.new = audit.new_value
        change.at = audit.created_at
        if who not in change.users:
            change.users.append(who)
    order = list(placed)
    rows = sorted(
        (c for c in by_element.values() if c.old != c.new),
        key=lambda c: order.index(c.element.pk),
    )
    return Changes(since, rows)


def next_to_decide(user: User, after: Submission) -> Submission | None:
    """The next form waiting for this user's decision, in the inbox's order."""
    waiting = [s for s in submissions_to_decide(user) if s.pk != after.pk]
    return waiting[0] if waiting else None
