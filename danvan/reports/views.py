from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.models import Period
from danvan.datasets.queries import EntryForm
from danvan.datasets.views import form_url
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import Resolution
from danvan.indicators.results import latest_complete_period
from danvan.reports import jobs
from danvan.reports.checker import ReadError, Severity, check_document, read_bytes, read_text
from danvan.reports.checker.findings import SEVERITY_LABELS
from danvan.reports.exporter import (
    Report,
    ReportError,
    parts_for,
    report_build,
    report_date_default,
)
from danvan.reports.files import CONTENT_TYPES, FORMATS
from danvan.reports.forms import ReportCheckForm
from danvan.reports.gate import Gate, approval_gate
from danvan.reports.models import ReportJob
from danvan.reports.queries import report_periods, report_units
from danvan.reports.rendering import anchor, render_document


@login_required
def check_report(request: HttpRequest) -> HttpResponse:
    if not access.can_check_reports(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = ReportCheckForm(request.POST, request.FILES)
    else:
        form = ReportCheckForm()
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                name = upload.name or ""
                document = read_bytes(upload.read(), name)
            else:
                name = ""
                document = read_text(form.cleaned_data["text"])
        except ReadError as error:
            form.add_error(None, error.message)
        else:
            findings = check_document(document)
            counts = {severity: 0 for severity in Severity}
            for item in findings:
                counts[item.severity] += 1
            context.update(
                checked=True,
                name=name,
                document=render_document(document, findings),
                findings=[
                    {
                        "item": item,
                        "anchor": anchor(index),
                        "label": SEVERITY_LABELS[item.severity],
                        "where": item.location.describe(),
                        "related": [location.describe() for location in item.related],
                    }
                    for index, item in enumerate(findings)
                ],
                errors=counts[Severity.ERROR],
                warnings=counts[Severity.WARNING],
                notes=counts[Severity.NOTE],
            )
    refused = request.method == "POST" and bool(form.errors)
    return render(request, "reports/check.html", context, status=400 if refused else 200)


# --- the review report ----------------------------------------------------------------------


@dataclass
class ReportChoice:
    """What the user asked for, resolved through the access module."""

    resolution: Resolution | None
    units: list[AdministrativeUnit]
    unit: AdministrativeUnit | None
    periods: list[Period]
    period: Period | None
    baseline: Period | None
    date: datetime.date | None = None  # None: the default (report_date_default)
    target_rule: str = ""  # "": the resolution's own rule
    problem: str = ""
    # None: the user picked the period; otherwise whether the period opened on (the
    # latest whose coverage the resolution deems complete) is complete.
    complete: bool | None = None

    @property
    def date_shown(self) -> datetime.date | None:
        if self.date is not None:
            return self.date
        return report_date_default(self.period) if self.period is not None else None


def _choice(request: HttpRequest) -> ReportChoice:
    """Raises Http404 for a resolution or unit outside the user's scope, as elsewhere."""
    resolutions = access.resolutions_visible_to(request.user).select_related("scope_unit")
    slug = request.GET.get("resolution")
    resolution = access.resolution_for_user(request.user, slug) if slug else resolutions.first()
    if resolution is None:
        return ReportChoice(None, [], None, [], None, None)
    units = list(report_units(resolution, access.units_visible_to(request.user)))
    unit: AdministrativeUnit | None
    if request.GET.get("unit"):
        unit = access.unit_for_user(request.user, request.GET["unit"])
        if unit not in units:
            raise Http404("This unit is outside the resolution's territory")
    else:
        unit = units[0] if units else None
    periods = list(report_periods(resolution))
    by_id = {p.id: p for p in periods}
    period = by_id.get(request.GET.get("period", ""))
    complete: bool | None = None
    if period is None and unit is not None:
        # As the dashboard: the latest period whose coverage is complete, and say so.
        period_id, complete = latest_complete_period(resolution, unit)
        period = by_id.get(period_id or "")
    if period is None:
        period, complete = (periods[-1] if periods else None), None
    baseline = by_id.get(request.GET.get("baseline", ""))
    choice = ReportChoice(resolution, units, unit, periods, period, baseline)
    choice.complete = complete
    text = request.GET.get("date", "").strip()
    if text:
        try:
            choice.date = datetime.date.fromisoformat(text)
        except ValueError:
            choice.problem = _("“%(date)s” is not a date (YYYY-MM-DD).") % {"date": text}
    rule = request.GET.get("target_rule", "")
    if rule and rule not in Resolution.TargetRule.values:
        choice.problem = _("There is no target rule “%(rule)s”.") % {"rule": rule}
    elif rule != resolution.target_rule:
        choice.target_rule = rule
    return choice


def _build(choice: ReportChoice, *, charts: bool) -> Report:
    if choice.problem:
        raise ReportError(choice.problem)
    if choice.resolution is None or choice.unit is None or choice.period is None:
        raise ReportError(_("There are no computed figures to report on yet."))
    return report_build(
        resolution=choice.resolution,
        unit=choice.unit,
        period=choice.period,
        baseline=choice.baseline,
        date=choice.date,
        target_rule=choice.target_rule or None,
        charts=charts,
    )


@dataclass
class GateRow:
    """A unit with forms not approved, each linked to its form when the user may see it."""

    unit: AdministrativeUnit
    forms: list[tuple[str, str, str]]  # (name, status, link or "")


def _gate_rows(user: User, gate: Gate) -> list[GateRow]:
    rows = []
    for group in gate.by_unit():
        forms = []
        for form in group.forms:
            link = ""
            if access.can_view_form(user, form.unit, form.organization):
                entry = EntryForm(form.data_set, form.unit, form.organization, gate.period)
                link = form_url(entry)
            forms.append((form.name, form.status_label, link))
        rows.append(GateRow(group.unit, forms))
    return rows


def _gate(choice: ReportChoice) -> Gate | None:
    if choice.resolution is None or choice.unit is None or choice.period is None:
        return None
    return approval_gate(choice.unit, choice.period, parts_for(choice.resolution, choice.unit))


@login_required
def report_page(request: HttpRequest, refusal: str = "", status: int = 200) -> HttpResponse:
    choice = _choice(request)
    context: dict[str, Any] = {
        "choice": choice,
        "resolutions": access.resolutions_visible_to(request.user),
        "formats": FORMATS,
        "target_rules": Resolution.TargetRule.choices,
        "refusal": refusal,
    }
    try:
        context["report"] = _build(choice, charts=False)
    except ReportError as error:
        context["error"] = str(error)
    gate = _gate(choice)
    if gate is not None:
        context["gate"] = gate
        context["may_issue"] = choice.unit is not None and access.can_issue_final_report(
            request.user, choice.unit
        )
        context["gate_rows"] = _gate_rows(access.request_user(request), gate)
    if choice.resolution is not None and choice.unit is not None and choice.period is not None:
        context["query"] = urlencode(
            {
                "resolution": choice.resolution.slug,
                "unit": choice.unit.pk,
                "period": choice.period.id,
                **({"baseline": choice.baseline.id} if choice.baseline else {}),
                **({"date": choice.date.isoformat()} if choice.date else {}),
                **({"target_rule": choice.target_rule} if choice.target_rule else {}),
            }
        )
    return render(request, "reports/make.html", context, status=status)


@login_required
@require_POST
def report_job_start(request: HttpRequest, format: str) -> HttpResponse:
    """Ask the worker for a report file (the choice is in the query string, as on the page)."""
    from danvan.reports.tasks import report_job_run_task

    if format not in FORMATS:
        raise Http404("No such format")
    choice = _choice(request)
    if choice.problem:
        return HttpResponse(choice.problem, status=400, content_type="text/plain; charset=utf-8")
    if choice.resolution is None or choice.unit is None or choice.period is None:
        return HttpResponse(
            _("There are no computed figures to report on yet."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        job = jobs.report_job_create(
            actor=access.request_user(request),
            resolution=choice.resolution,
            unit=choice.unit,
            period=choice.period,
            baseline=choice.baseline,
            fmt=format,
            report_date=choice.date,
            target_rule=choice.target_rule,
            final=request.POST.get("kind") == "final",
        )
    except ReportError as error:
        # A final report while forms are open: the page again, saying which; nothing made.
        return report_page(request, refusal=str(error), status=400)
    report_job_run_task.enqueue(job.pk)
    return redirect("reports:job", pk=job.pk)


@login_required
def report_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.report_job_for_user(access.request_user(request), pk)
    return render(request, "reports/job.html", {"job": job})


@login_required
def report_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = jobs.report_job_for_user(access.request_user(request), pk)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "progress": job.progress,
            "message": job.message,
            "download": (
                reverse("reports:job-file", args=[job.pk])
                if job.status == ReportJob.Status.DONE
                else None
            ),
        }
    )


@login_required
def report_job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = jobs.report_job_for_user(access.request_user(request), pk)
    if job.status != ReportJob.Status.DONE:
        raise Http404("The report is not ready")
    try:
        stream = job.path.open("rb")
    except OSError as error:
        raise Http404("The report file is no longer available") from error
    return FileResponse(
        stream, as_attachment=True, filename=job.filename, content_type=CONTENT_TYPES[job.format]
    )
