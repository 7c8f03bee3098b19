"""The import / export page: download a template or an export, upload a file, see what it
would change, confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange import jobs
from danvan.datasets.exchange.models import ImportJob
from danvan.datasets.exchange.pipeline import ImportSummary
from danvan.datasets.exchange.writers import (
    Selection,
    csv_chunks,
    export_filename,
    export_values,
    json_chunks,
    workbook_write,
)
from danvan.datasets.models import DataSet
from danvan.datasets.queries import period_get
from danvan.lib.periods import InvalidPeriodError, PeriodType, period_containing

FORMATS = [
    ("xlsx", "Excel (.xlsx)"),
    ("csv", "CSV (DHIS2)"),
    ("json", "JSON (DHIS2 dataValueSets)"),
]


def _units(user: User) -> list[Any]:
    return list(
        access.units_visible_to(user)
        .filter(level__lte=3)
        .order_by("path")
        .only("pk", "name", "level", "path", "code")[:2000]
    )


@login_required
def exchange_home(request: HttpRequest) -> HttpResponse:
    user = access.request_user(request)
    data_sets = list(DataSet.objects.order_by("code"))
    chosen = next((d for d in data_sets if d.code == request.GET.get("data_set")), None) or (
        data_sets[0] if data_sets else None
    )
    default_period = ""
    if chosen is not None:
        today = timezone.localdate()
        default_period = period_containing(PeriodType(chosen.period_type), today).previous().id
    context = {
        "data_sets": data_sets,
        "data_set": chosen,
        "period": request.GET.get("period") or default_period,
        "units": _units(user),
        "formats": FORMATS,
        "jobs": ImportJob.objects.filter(user=user)[:10],
        "max_mb": jobs.max_upload_bytes() // (1024 * 1024),
    }
    return render(request, "datasets/exchange/home.html", context)


@login_required
def exchange_download(request: HttpRequest) -> HttpResponseBase:
    """A template (.xlsx) or an export (CSV, JSON) of the figures in scope."""
    user = access.request_user(request)
    data_set = get_object_or_404(DataSet, code=request.GET.get("data_set", ""))
    try:
        period = period_get(request.GET.get("period", ""))
    except InvalidPeriodError as error:
        raise Http404(str(error)) from error
    root = access.unit_for_user(user, request.GET.get("unit") or user.home_unit_id)
    selection = Selection(data_set, period, root, request.GET.get("children") == "1")
    fmt = request.GET.get("format", "xlsx")
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            csv_chunks(export_values(user, selection)), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        response = StreamingHttpResponse(
            json_chunks(export_values(user, selection), selection),
            content_type="application/json",
        )
    else:
        fmt = "xlsx"
        layout = "form" if request.GET.get("layout") == "form" else "units"
        response = HttpResponse(
            workbook_write(user, selection, layout),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(selection, fmt)}"'
    return response


@login_required
@require_POST
def exchange_upload(request: HttpRequest) -> HttpResponse:
    from danvan.datasets.tasks import import_job_check_task

    user = access.request_user(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # Refuse before Django reads the body to disk.
    if length > jobs.max_upload_bytes() + 64 * 1024:
        messages.error(request, jobs.too_large_message())
        return redirect("datasets:exchange")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("datasets:exchange")
    try:
        job = jobs.import_job_create(
            actor=user,
            name=upload.name or "upload",
            stream=upload,
            size=upload.size,
            remote_address=request.META.get("REMOTE_ADDR") or None,
        )
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect("datasets:exchange")
    import_job_check_task.enqueue(job.pk)
    return redirect("datasets:exchange-job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    # A job is its owner's alone: anyone else gets "not found".
    return get_object_or_404(ImportJob, pk=pk, user=access.request_user(request))


@login_required
def exchange_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    summary = ImportSummary.from_dict(job.summary) if job.summary else None
    context = {
        "job": job,
        "summary": summary,
        "progress": jobs.import_job_progress(job),
        "can_apply": job.status == ImportJob.Status.CHECKED and summary is not None and summary.ok,
    }
    return render(request, "datasets/exchange/job.html", context)


@login_required
def exchange_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = render(
        request,
        "datasets/exchange/_progress.html",
        {"job": job, "progress": jobs.import_job_progress(job)},
    )
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def exchange_job_apply(request: HttpRequest, pk: int) -> HttpResponse:
    from danvan.datasets.tasks import import_job_apply_task

    job = _job(request, pk)
    preview = ImportSummary.from_dict(job.preview) if job.preview else None
    if job.status != ImportJob.Status.CHECKED or preview is None or not preview.ok:
        messages.error(request, _("Only a checked file without rejected rows can be applied."))
        return redirect("datasets:exchange-job", pk=job.pk)
    job.remote_address = request.META.get("REMOTE_ADDR") or None
    job.save(update_fields=["remote_address", "updated_at"])
    import_job_apply_task.enqueue(job.pk)
    job.refresh_from_db()
    if job.status == ImportJob.Status.APPLIED:
        messages.success(request, _("The figures were imported."))
    elif job.status == ImportJob.Status.FAILED:
        messages.error(request, job.message)
    return redirect("datasets:exchange-job", pk=job.pk)
