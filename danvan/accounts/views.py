import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets import worklist
from danvan.datasets.models import Submission
from danvan.datasets.queries import EntryForm
from danvan.datasets.views import form_url
from danvan.geography.queries import units_with_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The work of this person, most urgent first: forms returned to fix (with the
    approver's note), forms to enter with their deadline, forms waiting for a decision,
    late units below, reports to make."""
    user = access.request_user(request)
    today = timezone.localdate()
    roots = units_with_counts(access.root_units_for(user).select_related("version"))
    to_fix = worklist.submissions_to_fix(user, limit=50)
    to_decide = worklist.submissions_to_decide(user, limit=50)

    def linked(submissions: list[Submission]) -> list[tuple[Submission, str, datetime.date]]:
        return [
            (
                s,
                form_url(EntryForm(s.data_set, s.unit, s.organization, s.period)),
                s.data_set.deadline(s.period.spec),
            )
            for s in submissions
        ]

    returned = linked([s for s in to_fix if s.status == worklist.Status.RETURNED])
    drafts = linked([s for s in to_fix if s.status == worklist.Status.DRAFT])
    already = {(s.data_set_id, s.unit_id, s.organization_id, s.period_id) for s in to_fix}
    to_enter = [
        (item, form_url(item.form))
        for item in worklist.forms_to_enter(user, today)
        if (
            item.form.data_set.pk,
            item.form.unit.pk,
            item.form.organization.pk if item.form.organization else None,
            item.form.period.pk,
        )
        not in already
    ]
    shows_late = user.is_superuser or user.role != User.Role.DATA_CLERK
    context = {
        "roots": roots,
        "returned": returned,
        "drafts": drafts,
        "to_enter": to_enter,
        "enter_count": len(drafts) + len(to_enter),
        "to_decide": linked(to_decide),
        "late": worklist.late_below(user, today) if shows_late else [],
        "makes_reports": user.is_superuser
        or user.role in (User.Role.BOARD_ANALYST, User.Role.ADMINISTRATOR),
        "resolutions": access.resolutions_visible_to(user).order_by("number"),
    }
    return render(request, "accounts/home.html", context)
