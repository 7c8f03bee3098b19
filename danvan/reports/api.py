"""POST /api/reports/check: the report checker for other programs."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from danvan.accounts import access
from danvan.reports.checker import MAX_BYTES, Finding, ReadError, check_document, read_bytes

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
