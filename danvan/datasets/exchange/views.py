"""The import / export page: download a template or an export, upload a file, see what it
would change, confirm."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange import jobs
from danvan.datasets.exchange.mappings import (
    ColumnChoice,
    skip_labels_parse,
    workbook_mapping_delete,
    workbook_mapping_save,
    workbook_mapping_share,
)
from danvan.datasets.exchange.models import ImportJob
from danvan.datasets.exchange.parsers import FileError
from danvan.datasets.exchange.pipeline import ImportSummary
from danvan.datasets.exchange.workbooks import (
    DEFAULT_SKIP_LABELS,
    column_letters,
    normalized,
    sample_read,
    workbook_grids,
)
from danvan.datasets.exchange.writers import (
    Selection,
    csv_chunks,
    export_filename,
    export_values,
    json_chunks,
    workbook_write,
)
from danvan.datasets.models import DataElement, DataSet
from danvan.datasets.queries import period_get
from danvan.geography.models import AdministrativeUnit
from danvan.lib.periods import InvalidPeriodError, PeriodType, period_containing
from danvan.organizations.models import OrganizationType

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
        "mappings": list(access.workbook_mappings_visible_to(user).select_related("unit")),
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
    mapping = None
    if request.POST.get("mapping"):
        mapping = access.workbook_mapping_for_user(user, request.POST["mapping"])
    try:
        job = jobs.import_job_create(
            actor=user,
            name=upload.name or "upload",
            stream=upload,
            size=upload.size,
            remote_address=request.META.get("REMOTE_ADDR") or None,
            mapping=mapping,
            period=request.POST.get("period", "") if mapping else "",
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


# --- offices' own workbooks: mappings -----------------------------------------------------

_SESSION_SAMPLES = "workbook_samples"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _sample_path(token: str) -> Path:
    folder = jobs.upload_dir() / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{token}.xlsx"


def _sample_token(request: HttpRequest, token: str) -> str:
    """A sample uploaded in this session, else not found."""
    if not _TOKEN.match(token) or token not in request.session.get(_SESSION_SAMPLES, []):
        raise Http404("No such sample")
    if not _sample_path(token).exists():
        raise Http404("No such sample")
    return token


@login_required
def workbook_mappings(request: HttpRequest) -> HttpResponse:
    user = access.request_user(request)
    mappings = list(access.workbook_mappings_visible_to(user).select_related("unit"))
    context = {
        "mappings": [(m, access.can_change_workbook_mapping(user, m)) for m in mappings],
        "can_make": user.is_superuser
        or (user.home_unit is not None and access.can_change_unit(user, user.home_unit)),
    }
    return render(request, "datasets/exchange/mappings.html", context)


@login_required
@require_POST
def workbook_sample_upload(request: HttpRequest) -> HttpResponse:
    """A sample workbook to make (or remake) a mapping from: kept for this session."""
    user = access.request_user(request)
    mapping_pk = request.POST.get("mapping") or ""
    if mapping_pk:
        access.workbook_mapping_for_user(user, mapping_pk, write=True)
    upload = request.FILES.get("file")
    if upload is None or not (upload.name or "").lower().endswith(".xlsx"):
        messages.error(request, _("Choose an Excel workbook (.xlsx)."))
        return redirect("datasets:workbook-mappings")
    if upload.size is not None and upload.size > jobs.max_upload_bytes():
        messages.error(request, jobs.too_large_message())
        return redirect("datasets:workbook-mappings")
    token = uuid.uuid4().hex
    with _sample_path(token).open("wb") as out:
        for block in upload.chunks():
            out.write(block)
    try:
        with _sample_path(token).open("rb") as stream:
            sample_read(stream, max_rows=1)
    except FileError as error:
        _sample_path(token).unlink(missing_ok=True)
        messages.error(request, error.message)
        return redirect("datasets:workbook-mappings")
    request.session[_SESSION_SAMPLES] = [*request.session.get(_SESSION_SAMPLES, [])[-9:], token]
    target = reverse("datasets:workbook-mapping-new") + f"?sample={token}"
    if mapping_pk:
        target += f"&mapping={mapping_pk}"
    return redirect(target)


def _suggest(header: str, elements: list[Any], options: list[Any]) -> tuple[str, str]:
    """A figure and organization for a column from its header, only when the header says
    so word for word (the clerk checks every one)."""
    parts = [normalized(p) for p in header.split(" / ")]
    element = next(
        (
            e.code
            for e in elements
            for p in parts
            if p and p in (normalized(e.name), normalized(e.short_name))
        ),
        "",
    )
    option = next(
        (
            t.code
            for t in options
            for p in parts
            if p in (normalized(t.name), normalized(t.short_name))
        ),
        "",
    )
    return element, option


@login_required
def workbook_mapping_new(request: HttpRequest) -> HttpResponse:
    """Make a mapping (or remake one) from a sample: the sheet shown as Excel shows it,
    with the header row, the first data row, the unit column and each column's figure."""
    user = access.request_user(request)
    params = request.POST if request.method == "POST" else request.GET
    token = _sample_token(request, params.get("sample", ""))
    mapping = None
    if params.get("mapping"):
        mapping = access.workbook_mapping_for_user(user, params["mapping"], write=True)
    elif not user.is_superuser and (
        user.home_unit is None or not access.can_change_unit(user, user.home_unit)
    ):
        raise PermissionDenied(_("You may not make mappings."))
    with _sample_path(token).open("rb") as stream:
        try:
            sheets = sample_read(stream)
            stream.seek(0)
            grids = {g.name: g for g in workbook_grids(stream)}
        except FileError as error:
            messages.error(request, error.message)
            return redirect("datasets:workbook-mappings")
    wanted = params.get("sheet") or (mapping.sheet if mapping else "")
    sheet = next((s for s in sheets if s.name == wanted), sheets[0] if sheets else None)
    if sheet is None:
        messages.error(request, _("The workbook has no sheet."))
        return redirect("datasets:workbook-mappings")
    elements = list(DataElement.objects.order_by("code"))
    options = list(OrganizationType.objects.order_by("sort_order", "code"))
    errors: list[str] = []
    if request.method == "POST":
        choices = [
            ColumnChoice(letter, element, params.get(f"option-{letter}", ""))
            for index in range(sheet.width)
            if (letter := column_letters(index))
            and (element := params.get(f"element-{letter}", ""))
        ]
        try:
            saved = workbook_mapping_save(
                actor=user,
                unit=user.home_unit or access.root_units_for(user).first(),  # type: ignore[arg-type]
                name=params.get("name", ""),
                sample=grids[sheet.name],
                header_row=_int(params.get("header_row")),
                first_data_row=_int(params.get("first_data_row")),
                unit_column=params.get("unit_column", ""),
                columns=choices,
                skip_labels=skip_labels_parse(params.get("skip_labels", "")),
                unit_levels=[_int(v) for v in params.getlist("unit_levels")],
                mapping=mapping,
                remote_address=request.META.get("REMOTE_ADDR") or None,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            # The sample served its purpose: its figures are not kept.
            _sample_path(token).unlink(missing_ok=True)
            request.session[_SESSION_SAMPLES] = [
                t for t in request.session.get(_SESSION_SAMPLES, []) if t != token
            ]
            messages.success(request, _("The mapping was saved."))
            return redirect("datasets:workbook-mapping", pk=saved.pk)
    header_row = _int(params.get("header_row")) or (
        mapping.header_row if mapping else sheet.header_row
    )
    first_data_row = _int(params.get("first_data_row")) or (
        mapping.first_data_row if mapping else sheet.first_data_row
    )
    grid = grids[sheet.name]
    stored = {
        c["column"]: (c["element"], c["option"]) for c in (mapping.columns if mapping else [])
    }
    columns = []
    for index in range(sheet.width):
        letter = column_letters(index)
        header = grid.header(index, max(header_row, 1), max(first_data_row, header_row + 1))
        if request.method == "POST":
            chosen = (params.get(f"element-{letter}", ""), params.get(f"option-{letter}", ""))
        elif mapping is not None:
            chosen = stored.get(letter, ("", ""))
        else:
            chosen = _suggest(header, elements, options)
        columns.append(
            {"letter": letter, "header": header, "element": chosen[0], "option": chosen[1]}
        )
    context = {
        "token": token,
        "mapping": mapping,
        "sheets": sheets,
        "sheet": sheet,
        "letters": [column_letters(i) for i in range(sheet.width)],
        "columns": columns,
        "elements": elements,
        "options": options,
        "errors": errors,
        "name": params.get("name", mapping.name if mapping else ""),
        "header_row": header_row,
        "first_data_row": first_data_row,
        "unit_column": params.get(
            "unit_column", mapping.unit_column if mapping else sheet.unit_column
        ),
        "levels": AdministrativeUnit.Level.choices,
        "unit_levels": (
            [_int(v) for v in params.getlist("unit_levels")]
            if request.method == "POST"
            else list(mapping.unit_levels if mapping else [])
        ),
        "skip_labels": params.get(
            "skip_labels",
            "\n".join(mapping.skip_labels if mapping else DEFAULT_SKIP_LABELS),
        ),
    }
    return render(request, "datasets/exchange/mapping_edit.html", context)


def _int(raw: Any) -> int:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return 0


@login_required
def workbook_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.request_user(request)
    mapping = access.workbook_mapping_for_user(user, pk)
    can_change = access.can_change_workbook_mapping(user, mapping)
    shared = list(mapping.shared_with.order_by("path"))
    context = {
        "mapping": mapping,
        "can_change": can_change,
        # Units shared with that lie outside this user's scope are counted, not named.
        "shared": [u for u in shared if access.can_view_unit(user, u)],
        "shared_elsewhere": sum(1 for u in shared if not access.can_view_unit(user, u)),
        "units": _units(user) if can_change else [],
        "events": mapping.events.select_related("user")[:20] if can_change else [],
    }
    return render(request, "datasets/exchange/mapping.html", context)


@login_required
@require_POST
def workbook_mapping_share_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.request_user(request)
    mapping = access.workbook_mapping_for_user(user, pk, write=True)
    units = [access.unit_for_user(user, unit_pk) for unit_pk in request.POST.getlist("units")]
    workbook_mapping_share(
        actor=user,
        mapping=mapping,
        units=units,
        remote_address=request.META.get("REMOTE_ADDR") or None,
    )
    messages.success(request, _("Sharing was saved."))
    return redirect("datasets:workbook-mapping", pk=mapping.pk)


@login_required
@require_POST
def workbook_mapping_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.request_user(request)
    mapping = access.workbook_mapping_for_user(user, pk, write=True)
    workbook_mapping_delete(
        actor=user, mapping=mapping, remote_address=request.META.get("REMOTE_ADDR") or None
    )
    messages.success(request, _("The mapping was deleted."))
    return redirect("datasets:workbook-mappings")
