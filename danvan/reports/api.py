"""/api/reports/: the report checker, and the review report (annex rows, files)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from danvan.accounts import access
from danvan.datasets.models import Period
from danvan.datasets.queries import EntryForm
from danvan.reports.checker import MAX_BYTES, Finding, ReadError, check_document, read_bytes
from danvan.reports.docx_writer import TemplateError
from danvan.reports.exporter import Report, ReportError, parts_for, report_build
from danvan.reports.files import CONTENT_TYPES, FORMATS, PdfUnavailableError, report_render
from danvan.reports.gate import FormsNotApprovedError, approval_gate
from danvan.reports.models import FinalReport
from danvan.reports.snapshots import final_report_build, final_report_record
from danvan.reports.wording import WordingError

router = Router(tags=["reports"])


class ErrorOut(Schema):
    code: str
    message: str


class LocationOut(Schema):
    key: str
    text: str
    section: str
    paragraph: int | None
    table: int | None
    row: int | None
    col: int | None
    footnote: int | None


class FindingOut(Schema):
    rule: str
    title: str
    severity: str
    location: LocationOut
    quote: str
    stated: str
    computed: str
    suggestion: str
    explanation: str
    related: list[str]


class SummaryOut(Schema):
    error: int
    warning: int
    note: int


class CheckOut(Schema):
    summary: SummaryOut
    findings: list[FindingOut]


def _finding_out(item: Finding) -> FindingOut:
    where = item.location
    return FindingOut(
        rule=item.rule,
        title=item.title,
        severity=str(item.severity),
        location=LocationOut(
            key=where.key,
            text=where.describe(),
            section=where.section,
            paragraph=where.paragraph,
            table=where.table,
            row=where.row,
            col=where.col,
            footnote=where.footnote,
        ),
        quote=item.quote,
        stated=item.stated,
        computed=item.computed,
        suggestion=item.suggestion,
        explanation=item.explanation,
        related=[location.describe() for location in item.related],
    )


# An optional upload, so that a missing file gets our 400 instead of ninja's 422.
OPTIONAL_FILE = File(None)


def _error(status: int, code: str, message: str) -> Status[ErrorOut]:
    return Status(status, ErrorOut(code=code, message=message))


@router.post("/check", response={200: CheckOut, 400: ErrorOut, 403: ErrorOut})
def check(
    request: HttpRequest, file: UploadedFile | None = OPTIONAL_FILE
) -> Status[CheckOut] | Status[ErrorOut]:
    """Check an uploaded report (.docx, .txt, .md) and return what is wrong with its figures."""
    if not access.can_check_reports(request.user):
        return _error(403, "forbidden", "Bạn không có quyền kiểm tra báo cáo.")
    if file is None:
        return _error(400, "missing_file", "Hãy gửi tệp báo cáo trong trường “file”.")
    if file.size is not None and file.size > MAX_BYTES:
        return _error(400, "too_large", "Tệp lớn hơn 5 MB.")
    try:
        document = read_bytes(file.read(), file.name or "")
    except ReadError as error:
        return _error(400, error.code, error.message)
    findings = check_document(document)
    summary = SummaryOut(
        error=sum(1 for item in findings if item.severity == "error"),
        warning=sum(1 for item in findings if item.severity == "warning"),
        note=sum(1 for item in findings if item.severity == "note"),
    )
    return Status(
        200, CheckOut(summary=summary, findings=[_finding_out(item) for item in findings])
    )


# --- the review report ----------------------------------------------------------------------


class AnnexRowOut(Schema):
    number: str
    name: str
    before: list[str]
    result: list[str]
    comparison: list[str]
    parts: list[str]
    midterm: list[str]
    coverage: list[str]


class AnnexOut(Schema):
    resolution: str
    unit_code: str
    unit_name: str
    period: str
    title: list[str]
    columns: list[str]
    rows: list[AnnexRowOut]
    missing: list[str]
    coverage_note: str


def _chosen(
    request: HttpRequest, resolution: str, unit: int, period: str, baseline: str | None
) -> dict[str, Any]:
    """Through the access module: a resolution or unit out of scope is not found."""
    chosen = access.resolution_for_user(request.user, resolution)
    place = access.unit_for_user(request.user, unit)
    found = Period.objects.filter(id=period).first()
    if found is None:
        raise ReportError(f"Kỳ {period} chưa có số liệu nào.")
    base = Period.objects.filter(id=baseline).first() if baseline else None
    if baseline and base is None:
        raise ReportError(f"Kỳ so sánh {baseline} chưa có số liệu nào.")
    return {"resolution": chosen, "unit": place, "period": found, "baseline": base}


def _report(
    request: HttpRequest,
    resolution: str,
    unit: int,
    period: str,
    baseline: str | None,
    charts: bool,
) -> Report:
    return report_build(**_chosen(request, resolution, unit, period, baseline), charts=charts)


@router.get("/annex", response={200: AnnexOut, 400: ErrorOut, 404: ErrorOut})
def annex(
    request: HttpRequest, resolution: str, unit: int, period: str, baseline: str | None = None
) -> Status[AnnexOut] | Status[ErrorOut]:
    """The annex of the review report ("SỐ LIỆU KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"), as rows."""
    try:
        report = _report(request, resolution, unit, period, baseline, charts=False)
    except ReportError as error:
        return _error(400, "no_report", str(error))
    return Status(
        200,
        AnnexOut(
            resolution=report.resolution.number,
            unit_code=report.unit.code,
            unit_name=report.unit.name,
            period=report.period.id,
            title=report.annex_title,
            columns=report.annex_columns,
            rows=[AnnexRowOut(**vars(row)) for row in report.annex],
            missing=report.missing,
            coverage_note=report.coverage_note,
        ),
    )


class GateFormOut(Schema):
    data_set: str
    organization_type: str | None
    name: str
    status: str
    status_label: str
    url: str | None


class GateUnitOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    forms: list[GateFormOut]


class GateOut(Schema):
    period: str
    forms_expected: int
    forms_approved: int
    final_allowed: bool
    units: list[GateUnitOut]


@router.get("/gate", response={200: GateOut, 400: ErrorOut, 404: ErrorOut})
def gate(
    request: HttpRequest, resolution: str, unit: int, period: str
) -> Status[GateOut] | Status[ErrorOut]:
    """The report's approval gate: the forms under the unit for the period that are not
    approved (status "" = not started), by unit; a final report needs none."""
    from danvan.datasets.views import form_url

    try:
        chosen = _chosen(request, resolution, unit, period, None)
    except ReportError as error:
        return _error(400, "no_report", str(error))
    found = approval_gate(
        chosen["unit"], chosen["period"], parts_for(chosen["resolution"], chosen["unit"])
    )
    units = []
    for group in found.by_unit():
        forms = []
        for form in group.forms:
            url = None
            if access.can_view_form(request.user, form.unit, form.organization):
                url = form_url(EntryForm(form.data_set, form.unit, form.organization, found.period))
            forms.append(
                GateFormOut(
                    data_set=form.data_set.code,
                    organization_type=form.organization.type.code if form.organization else None,
                    name=form.name,
                    status=form.status,
                    status_label=form.status_label,
                    url=url,
                )
            )
        units.append(
            GateUnitOut(
                unit_id=group.unit.pk,
                unit_code=group.unit.code,
                unit_name=group.unit.name,
                forms=forms,
            )
        )
    return Status(
        200,
        GateOut(
            period=found.period.id,
            forms_expected=found.forms_expected,
            forms_approved=found.forms_approved,
            final_allowed=found.is_closed,
            units=units,
        ),
    )


@router.get(
    "/file",
    response={400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The report file",
                "content": {ctype: {} for ctype in CONTENT_TYPES.values()},
            }
        }
    },
)
def report_file(
    request: HttpRequest,
    resolution: str,
    unit: int,
    period: str,
    format: str = "docx",
    baseline: str | None = None,
    final: bool = False,
) -> HttpResponse | Status[ErrorOut]:
    """The review report as DOCX, XLSX or PDF: a draft ("DỰ THẢO"), or with `final=true`
    the final report — refused (400, `forms_not_approved`, naming them) while a form under
    the unit for the period is not approved; once made, its snapshot is stored and its
    hash is in the `X-Report-SHA256` header."""
    if format not in FORMATS:
        return _error(400, "bad_format", f"Định dạng phải là một trong: {', '.join(FORMATS)}.")
    snapshot = ""
    try:
        if final:
            chosen = _chosen(request, resolution, unit, period, baseline)
            if not access.can_issue_final_report(request.user, chosen["unit"]):
                return _error(
                    403,
                    "forbidden",
                    "Chỉ quản trị viên của Ban mới phát hành được báo cáo chính thức.",
                )
            report, snapshot = final_report_build(**chosen, charts=format != "xlsx")
        else:
            report = _report(request, resolution, unit, period, baseline, charts=format != "xlsx")
        rendered = report_render(report, format)
    except FormsNotApprovedError as error:
        return _error(400, "forms_not_approved", str(error))
    except (ReportError, TemplateError, WordingError) as error:
        return _error(400, "no_report", str(error))
    except PdfUnavailableError as error:
        return _error(503, "pdf_unavailable", str(error))
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    if final:
        final_report_record(
            actor=access.request_user(request),
            report=report,
            snapshot=snapshot,
            via=FinalReport.Via.API,
            remote_address=request.META.get("REMOTE_ADDR"),
        )
        response["X-Report-SHA256"] = report.snapshot_hash
    return response
