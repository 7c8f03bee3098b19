"""Pages for entering, checking, submitting and approving figures.

Every page resolves its unit and organization through the access module; a form out of
the user's scope is not found.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts import access, security
from danvan.accounts.models import User
from danvan.datasets import review, services, worklist
from danvan.datasets.forms import CommentForm
from danvan.datasets.models import (
    DataElement,
    DataSet,
    DataValue,
    DataValueAudit,
    Period,
    Submission,
)
from danvan.datasets.queries import (
    EntryForm,
    completeness_for,
    forms_of_unit,
    period_get,
    previous_values,
)
from danvan.datasets.validation import (
    Problem,
    Violation,
    form_check,
    submission_problems,
    violations_in,
)
from danvan.lib.periods import InvalidPeriodError
from danvan.organizations.models import OrganizationType


def _remote_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _period(ident: str) -> Period:
    try:
        return period_get(ident)
    except InvalidPeriodError as error:
        raise Http404(str(error)) from error


def _form(
    request: HttpRequest,
    data_set: str,
    period: str,
    unit_pk: int | None = None,
    organization_pk: int | None = None,
) -> EntryForm:
    chosen = get_object_or_404(DataSet, code=data_set)
    if organization_pk is not None:
        organization = access.organization_for_user(request.user, organization_pk)
        return EntryForm(chosen, organization.unit, organization, _period(period))
    unit = access.unit_for_user(request.user, unit_pk)
    return EntryForm(chosen, unit, None, _period(period))


def form_url(form: EntryForm, name: str = "datasets:form", **extra: Any) -> str:
    if form.organization is not None:
        kwargs: dict[str, Any] = {"organization_pk": form.organization.pk}
        name += "-org"
    else:
        kwargs = {"unit_pk": form.unit.pk}
    return reverse(
        name, kwargs={"data_set": form.data_set.code, "period": form.period.id, **kwargs, **extra}
    )


def _selection(request: HttpRequest) -> tuple[DataSet | None, Period | None, list[DataSet]]:
    data_sets = list(DataSet.objects.order_by("code"))
    chosen = next((d for d in data_sets if d.code == request.GET.get("data_set")), None)
    if chosen is None and data_sets:
        chosen = data_sets[0]
    period = None
    if chosen is not None:
        ident = request.GET.get("period")
        if not ident:
            # The period being collected, so the page opens where the work is.
            return (
                chosen,
                worklist.collecting_period(
                    access.request_user(request), chosen, timezone.localdate()
                ),
                data_sets,
            )
        try:
            period = period_get(ident)
        except InvalidPeriodError:
            messages.error(
                request,
                _("“%(period)s” is not a period: use 2021, 2021S1, 2021Q3 or 202107.")
                % {"period": ident},
            )
            period = None
    return chosen, period, data_sets


def _scope_unit(request: HttpRequest) -> Any:
    unit_pk = request.GET.get("unit")
    if unit_pk:
        return access.unit_for_user(request.user, unit_pk)
    root = access.root_units_for(request.user).first()
    if root is None:
        raise Http404("No unit in scope")
    return root


def _picked(request: HttpRequest) -> tuple[dict[str, Any], DataSet | None, Period | None, Any]:
    """The data set, period and unit chosen on a page, and the context that shows them."""
    data_set, period, data_sets = _selection(request)
    unit = _scope_unit(request)
    context: dict[str, Any] = {
        "data_sets": data_sets,
        "data_set": data_set,
        "period": period,
        "periods": (
            worklist.period_choices(data_set.period_type, timezone.localdate())
            if data_set is not None
            else []
        ),
        "unit": unit,
    }
    return context, data_set, period, unit


@login_required
def entry_home(request: HttpRequest) -> HttpResponse:
    """Pick a data set, a period and a unit; see its forms and their state."""
    context, data_set, period, unit = _picked(request)
    if data_set is not None and period is not None:
        organizations = access.organizations_visible_to(request.user)
        forms = forms_of_unit(data_set, unit, period, organizations)
        submissions = {
            (s.organization_id): s
            for s in Submission.objects.filter(data_set=data_set, period=period, unit=unit)
        }
        with_values = set(
            DataValue.objects.filter(
                unit=unit, period=period, element__placements__section__data_set=data_set
            )
            .values_list("organization_type_id", flat=True)
            .distinct()
        )
        rows = []
        for form in forms:
            submission = submissions.get(form.organization.pk if form.organization else None)
            state = worklist.FormState.of(
                submission, (form.option.pk if form.option else None) in with_values
            )
            rows.append((form, submission, form_url(form), state, worklist.FormState.label(state)))
        context["forms"] = rows
        context["children"] = (
            access.units_visible_to(request.user).filter(parent=unit).order_by("code")
        )
        context["ancestors"] = [
            a
            for a in unit.__class__.objects.ancestors_of(unit)
            if access.can_view_unit(request.user, a)
        ]
    return render(request, "datasets/entry_home.html", context)


def _cells(form: EntryForm, user: User) -> list[dict[str, Any]]:
    values = {v.element_id: v for v in form.values()}
    previous = previous_values(form)
    rows = []
    current_section = None
    for item in form.placements():
        if item.section_id != current_section:
            current_section = item.section_id
            rows.append({"section": item.section})
        rows.append(
            _cell(form, item.element, values.get(item.element_id), previous.get(item.element_id))
        )
    return rows


def _cell(
    form: EntryForm, element: DataElement, value: DataValue | None, previous: Any, **extra: Any
) -> dict[str, Any]:
    return {
        "element": element,
        "value": value,
        "previous": previous,
        "revision": value.revision if value else 0,
        "save_url": form_url(form, "datasets:cell", element=element.code),
        "history_url": form_url(form, "datasets:history", element=element.code),
        **extra,
    }


def _explained(form: EntryForm, violations: list[Violation]) -> list[tuple[str, str]]:
    names = {item.element.code: item.element.name for item in form.placements()}
    return [(v.severity, v.explained(names)) for v in violations]


def _submit_check(problems: list[Problem], **extra: Any) -> dict[str, Any]:
    return {
        "problems": problems,
        "blocked": any(not p.needs_comment for p in problems),
        **extra,
    }


def _read_only_reason(
    user: User, submission: Submission | None, error: PermissionDenied | ValidationError
) -> str:
    """Why the form is shown read-only, in neutral words: a state or a role, not a fault."""
    if submission is not None and submission.status == Submission.Status.SUBMITTED:
        return _(
            "This form has been sent to the level above and waits for its decision; "
            "the figures stay as sent until then."
        )
    if submission is not None and submission.status == Submission.Status.APPROVED:
        return _("This form has been approved: its figures are final and locked.")
    if isinstance(error, PermissionDenied):
        return _(
            "You are viewing this form. Figures are entered by the unit's clerks; "
            "your role (%(role)s) reads and reviews them."
        ) % {"role": user.get_role_display()}
    return " ".join(error.messages)


@login_required
def entry_form(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return _entry_form_page(request, _form(request, **kwargs))


def _entry_form_page(
    request: HttpRequest,
    form: EntryForm,
    problems: list[Problem] | None = None,
    comment: str = "",
    status: int = 200,
) -> HttpResponse:
    user = access.request_user(request)
    if form.unit.level not in form.data_set.levels:
        raise Http404("This form is not reported at this level")
    submission = form.submission()
    try:
        services.form_check_writable(actor=user, form=form)
        writable, reason = True, ""
    except (PermissionDenied, ValidationError) as error:
        writable = False
        reason = _read_only_reason(user, submission, error)
    refused = problems is not None
    if problems is None:
        problems = submission_problems(form) if writable else []
    state = worklist.FormState.of(submission, form.values().exists())
    context = {
        "form": form,
        "submission": submission,
        "state": state,
        "state_label": worklist.FormState.label(state),
        "rows": _cells(form, user),
        "writable": writable,
        "reason": reason,
        "violations": _explained(form, form_check(form)),
        **_submit_check(problems, refused=refused),
        "comment": comment,
        "submit_url": form_url(form, "datasets:submit"),
        "can_decide": submission is not None and access.can_decide_submission(user, submission),
        "events": submission.events.select_related("user") if submission else [],
        "changes": review.changes_since_return(form, submission),
        "deadline": form.data_set.deadline(form.period.spec),
        "window": form.data_set.window(form.period.spec),
        "comment_form": CommentForm(),
    }
    return render(request, "datasets/entry_form.html", context, status=status)


@login_required
@require_POST
def entry_cell(request: HttpRequest, element: str, **kwargs: Any) -> HttpResponse:
    """Save one cell (htmx); answer with the re-rendered row, errors inline."""
    form = _form(request, **kwargs)
    chosen = get_object_or_404(DataElement, code=element)
    raw = request.POST.get("value", "")
    # The note travels with the value only from a cell that shows its note field.
    note = request.POST.get("note")
    try:
        expected = int(request.POST.get("revision", ""))
    except ValueError:
        expected = None
    error = ""
    result = None
    try:
        result = services.data_value_save(
            actor=access.request_user(request),
            form=form,
            element=chosen,
            raw=raw,
            comment=note.strip() if note is not None else None,
            expected_revision=expected,
            remote_address=_remote_address(request),
        )
        value = result.value
    except PermissionDenied as denied:
        security.permission_denied(request, denied)
        error, value = str(denied) or _("You may not change this figure."), None
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
        value = DataValue.objects.filter(
            element=chosen, unit=form.unit, period=form.period, organization_type=form.option
        ).first()
    previous = previous_values(form).get(chosen.pk)
    cell = _cell(
        form,
        chosen,
        value,
        previous,
        error=error,
        raw=raw if error else None,
        note=note if error else None,
        violations=_explained(form, result.violations) if result else [],
        outlier=result.outlier if result else None,
        saved=bool(result and result.changed),
    )
    context = {
        "cell": cell,
        "writable": True,
        "form": form,
        # The submit button and its list follow every save (an out-of-band swap).
        **_submit_check(submission_problems(form), oob=True),
    }
    return render(request, "datasets/_cell_saved.html", context)


@login_required
def entry_history(request: HttpRequest, element: str, **kwargs: Any) -> HttpResponse:
    form = _form(request, **kwargs)
    chosen = get_object_or_404(DataElement, code=element)
    rows = DataValueAudit.objects.filter(
        element=chosen, unit=form.unit, period=form.period, organization_type=form.option
    ).select_related("user")[:50]
    return render(request, "datasets/_history.html", {"rows": rows, "element": chosen})


@login_required
@require_POST
def entry_submit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    form = _form(request, **kwargs)
    comment = request.POST.get("comment", "")
    try:
        services.submission_submit(
            actor=access.request_user(request),
            form=form,
            comment=comment,
            remote_address=_remote_address(request),
        )
        messages.success(request, _("The form was submitted to the level above."))
    except services.SubmissionRefused as refused:
        return _entry_form_page(request, form, refused.problems, comment, status=422)
    except PermissionDenied as denied:
        security.permission_denied(request, denied)
        messages.error(request, str(denied))
    except ValidationError as invalid:
        for message in invalid.messages:
            messages.error(request, message)
    return redirect(form_url(form))


_DECISIONS = {
    "approve": services.submission_approve,
    "return": services.submission_return,
    "reopen": services.submission_reopen,
}


@login_required
@require_POST
def submission_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.select_related("unit", "organization", "data_set", "period"), pk=pk
    )
    if not access.can_view_submission(request.user, submission):
        raise Http404("No such submission")
    decide = _DECISIONS.get(action)
    if decide is None:
        raise Http404("No such action")
    try:
        decide(
            actor=access.request_user(request),
            submission=submission,
            comment=request.POST.get("comment", ""),
            remote_address=_remote_address(request),
        )
        messages.success(
            request,
            {
                "approve": _("Approved: the figures are locked."),
                "return": _("Returned to the unit with your comment."),
                "reopen": _("Reopened: the unit can correct the figures."),
            }[action],
        )
    except PermissionDenied as denied:
        security.permission_denied(request, denied)
        messages.error(request, str(denied))
    except ValidationError as invalid:
        for message in invalid.messages:
            messages.error(request, message)
    form = EntryForm(
        submission.data_set, submission.unit, submission.organization, submission.period
    )
    explicit = _local_next(request)
    if explicit:
        return redirect(explicit)
    submission.refresh_from_db()
    if action in ("approve", "return") and submission.status != Submission.Status.SUBMITTED:
        # Decided: on to the next form waiting for this reviewer.
        following = review.next_to_decide(access.request_user(request), submission)
        if following is not None:
            messages.info(
                request,
                _("Next form waiting for you: %(form)s.") % {"form": _submission_name(following)},
            )
            return redirect(form_url(_form_of(following)))
        messages.info(request, _("No other form waits for your decision."))
    return redirect(form_url(form))


def _form_of(submission: Submission) -> EntryForm:
    return EntryForm(
        submission.data_set, submission.unit, submission.organization, submission.period
    )


def _submission_name(submission: Submission) -> str:
    who = submission.organization.name if submission.organization else submission.unit.name
    return f"{who} · {submission.period}"


@login_required
@require_POST
def submissions_approve(request: HttpRequest) -> HttpResponse:
    """Approve several checked forms (`submissions_approve`, one transaction): each is
    checked and audited on its own; one refused form does not stop the others, and each
    refusal is named."""
    user = access.request_user(request)
    chosen = Submission.objects.select_related("unit", "organization", "data_set", "period").filter(
        pk__in=[pk for pk in request.POST.getlist("submission") if pk.isdigit()]
    )
    visible = []
    for submission in chosen:
        if not access.can_view_submission(user, submission):
            security.security_event("refused_bulk_approve", request=request, pk=submission.pk)
            messages.error(request, _("A chosen form is not in your scope and was skipped."))
            continue
        visible.append(submission)
    approved = 0
    for submission, refused in services.submissions_approve(
        actor=user, submissions=visible, remote_address=_remote_address(request)
    ):
        if refused is None:
            approved += 1
        elif isinstance(refused, PermissionDenied):
            security.permission_denied(request, refused)
            messages.error(request, f"{_submission_name(submission)}: {refused}")
        else:
            messages.error(request, f"{_submission_name(submission)}: {' '.join(refused.messages)}")
    if approved:
        messages.success(
            request, _("Approved %(count)s forms: their figures are locked.") % {"count": approved}
        )
    elif not chosen:
        messages.error(request, _("Tick the forms to approve first."))
    return redirect("datasets:inbox")


def _local_next(request: HttpRequest) -> str | None:
    """`next` if it stays on this site over the request's scheme; nothing otherwise."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    if target:
        security.security_event("open_redirect", request=request, target=target[:200])
    return None


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """What waits for this user: forms to decide on, forms returned to fix."""
    user = access.request_user(request)
    to_decide = worklist.submissions_to_decide(user)
    to_fix = worklist.submissions_to_fix(user)
    links = {
        s.pk: form_url(EntryForm(s.data_set, s.unit, s.organization, s.period))
        for s in [*to_decide, *to_fix]
    }
    return render(
        request, "datasets/inbox.html", {"to_decide": to_decide, "to_fix": to_fix, "links": links}
    )


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    context, data_set, period, unit = _picked(request)
    if data_set is not None and period is not None:
        context["report"] = completeness_for(
            data_set,
            period,
            unit,
            timezone.localdate(),
            access.organizations_visible_to(request.user),
        )
    return render(request, "datasets/completeness.html", context)


@login_required
def validation_analysis(request: HttpRequest) -> HttpResponse:
    context, data_set, period, unit = _picked(request)
    if data_set is not None and period is not None:
        units = {u.pk: u for u in access.units_visible_to(request.user).within(unit)}
        found = violations_in(data_set, period.id, list(units))
        organizations = access.organizations_visible_to(request.user)
        if access.request_user(request).organization_type_id is not None:
            allowed = set(organizations.values_list("type__code", flat=True).distinct())
            found = [f for f in found if f.option_code is None or f.option_code in allowed]
        names = dict(
            DataElement.objects.filter(placements__section__data_set=data_set).values_list(
                "code", "name"
            )
        )
        options = dict(OrganizationType.objects.values_list("code", "name"))
        context["found"] = [
            (
                units[f.unit_id],
                options.get(f.option_code, f.option_code) if f.option_code else None,
                f.violation,
                f.violation.explained(names),
            )
            for f in found
        ]
    return render(request, "datasets/validation.html", context)
