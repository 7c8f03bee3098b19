"""The figures API (DHIS2-style where DHIS2 has a name for it): metadata within scope,
dataValueSets in and out, submissions and their transitions, completeness.

Every unit and organization is resolved through the access module; units are named by GSO
code in the hierarchy version of the caller's home unit (or `vn-legacy`).
"""

from __future__ import annotations

import datetime
import tempfile
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from danvan.accounts import access
from danvan.datasets import services
from danvan.datasets.exchange import jobs
from danvan.datasets.exchange.options import OptionError, options_parse
from danvan.datasets.exchange.parsers import FileError, JsonSource, source_open
from danvan.datasets.exchange.pipeline import ImportSummary, values_import, version_for
from danvan.datasets.exchange.writers import (
    ExportQuery,
    csv_chunks,
    export_query_values,
    json_chunks,
)
from danvan.datasets.models import DataElement, DataSet, Period, Submission
from danvan.datasets.queries import EntryForm, completeness_for, period_get
from danvan.geography.models import AdministrativeUnit
from danvan.lib.periods import InvalidPeriodError
from danvan.organizations.models import Organization, OrganizationType

router = Router(tags=["figures"])


class OutOfScope(PermissionDenied):
    """The unit exists but lies outside the caller's scope."""


class ApiError(Schema):
    code: str
    message: str


ERRORS: dict[int, Any] = {400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 422: ApiError}


def _unit(request: HttpRequest, code: str) -> AdministrativeUnit:
    user = access.request_user(request)
    version = version_for(user)
    unit = (
        AdministrativeUnit.objects.select_related("version", "parent")
        .filter(version=version, code=code.strip())
        .first()
    )
    if unit is None:
        raise Http404(f"No unit with GSO code {code[:40]!r} in this hierarchy.")
    if not access.can_view_unit(user, unit):
        raise OutOfScope("This unit is outside your scope.")
    return unit


def _data_set(code: str) -> DataSet:
    found = DataSet.objects.filter(code=code).first()
    if found is None:
        raise Http404(f"No data set {code[:64]!r}.")
    return found


def _period(ident: str) -> Period:
    try:
        return period_get(ident)
    except InvalidPeriodError as error:
        raise ValidationError(str(error)) from error


# --- metadata --------------------------------------------------------------------------------


class UnitOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None
    version: str


@router.get("/units", response={200: list[UnitOut], **ERRORS})
def unit_list(
    request: HttpRequest,
    parent: str | None = None,
    level: int | None = None,
    q: str | None = None,
    limit: int = 1000,
) -> list[UnitOut]:
    """Units within your scope (by GSO code), optionally the children of `parent`."""
    user = access.request_user(request)
    units = access.units_visible_to(user).filter(version=version_for(user))
    if parent:
        units = units.filter(parent=_unit(request, parent))
    if level is not None:
        units = units.filter(level=level)
    if q:
        units = units.search(q)
    units = units.select_related("parent", "version").order_by("path")[: max(0, min(limit, 5000))]
    return [
        UnitOut(
            code=u.code,
            name=u.name,
            level=u.level,
            kind=u.kind,
            parent=u.parent.code if u.parent else None,
            version=u.version.code,
        )
        for u in units
    ]


class OrganizationOut(Schema):
    id: int
    name: str
    type: str
    kind: str
    unit: str


@router.get("/organizations", response={200: list[OrganizationOut], **ERRORS})
def organization_list(request: HttpRequest, unit: str | None = None) -> list[OrganizationOut]:
    """Organizations within your scope, optionally at one unit."""
    found = access.organizations_visible_to(access.request_user(request)).select_related(
        "type", "unit"
    )
    if unit:
        found = found.filter(unit=_unit(request, unit))
    return [
        OrganizationOut(id=o.pk, name=o.name, type=o.type.code, kind=o.kind, unit=o.unit.code)
        for o in found.order_by("unit__path", "type__sort_order")[:5000]
    ]


class DataElementOut(Schema):
    code: str
    name: str
    name_en: str
    value_type: str
    aggregation: str
    by_organization: bool
    organization_types: list[str]


@router.get("/dataElements", response={200: list[DataElementOut], **ERRORS})
def data_element_list(request: HttpRequest) -> list[DataElementOut]:
    access.request_user(request)
    return [
        DataElementOut(
            code=e.code,
            name=e.name,
            name_en=e.name_en,
            value_type=e.value_type,
            aggregation=e.aggregation,
            by_organization=e.disaggregated_by_organization,
            organization_types=[t.code for t in e.organization_types.all()],
        )
        for e in DataElement.objects.prefetch_related("organization_types")
    ]


class DataSetOut(Schema):
    code: str
    name: str
    period_type: str
    levels: list[int]
    by_organization: bool
    organization_types: list[str]
    elements: list[str]


@router.get("/dataSets", response={200: list[DataSetOut], **ERRORS})
def data_set_list(request: HttpRequest) -> list[DataSetOut]:
    access.request_user(request)
    out = []
    for d in DataSet.objects.prefetch_related("organization_types", "sections__items__element"):
        elements = [
            item.element.code
            for section in d.sections.all()
            for item in sorted(section.items.all(), key=lambda i: i.sort_order)
        ]
        out.append(
            DataSetOut(
                code=d.code,
                name=d.name,
                period_type=d.period_type,
                levels=[int(level) for level in d.levels],
                by_organization=d.reported_by_organizations,
                organization_types=[t.code for t in d.organization_types.all()],
                elements=elements,
            )
        )
    return out


class PeriodOut(Schema):
    id: str
    type: str
    start_date: datetime.date
    end_date: datetime.date
    name: str


@router.get("/periods", response={200: list[PeriodOut], **ERRORS})
def period_list(request: HttpRequest, type: str | None = None) -> list[PeriodOut]:
    """Periods that hold figures or forms (of one type: yearly, six_monthly, quarterly,
    monthly)."""
    access.request_user(request)
    periods = Period.objects.all()
    if type:
        periods = periods.filter(type=type)
    return [
        PeriodOut(id=p.id, type=p.type, start_date=p.start_date, end_date=p.end_date, name=str(p))
        for p in periods[:1000]
    ]


# --- data values -----------------------------------------------------------------------------


class DataValueOut(Schema):
    dataElement: str
    categoryOptionCombo: str
    period: str
    orgUnit: str
    value: str
    comment: str
    storedBy: str
    lastUpdated: str


class DataValueSetOut(Schema):
    dataSet: str
    period: str
    orgUnit: str
    completeDate: str
    dataValues: list[DataValueOut]


class DataValueSetQuery(Schema):
    """DHIS2's export parameters; `dataSet`, `period` and `orgUnit` may be repeated."""

    dataSet: list[str]
    orgUnit: list[str]
    period: list[str] = []
    startDate: datetime.date | None = None
    endDate: datetime.date | None = None
    children: bool = False
    lastUpdated: str | None = None


EXPORT_PARAMETERS = frozenset(DataValueSetQuery.model_fields)


def _last_updated(raw: str) -> datetime.datetime:
    """DHIS2 takes a date or a date and time (ISO 8601); a time without zone is local."""
    try:
        moment = datetime.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise ValidationError(
            f"lastUpdated {raw[:40]!r} is not a date (2026-01-31) or a date and time "
            "(2026-01-31T08:00:00)."
        ) from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _export_query(request: HttpRequest, filters: DataValueSetQuery) -> ExportQuery:
    """The query, every parameter honoured or refused by name, every unit scope-checked."""
    unknown = sorted(set(request.GET) - EXPORT_PARAMETERS)
    if unknown:
        raise ValidationError(
            f"Unknown or unsupported parameter(s): {', '.join(n[:40] for n in unknown[:10])}. "
            f"Supported: {', '.join(sorted(EXPORT_PARAMETERS))}.",
            code="unsupported_parameter",
        )
    periods = tuple(dict.fromkeys(_period(p) for p in filters.period))
    dates = (filters.startDate, filters.endDate)
    if periods and any(dates):
        raise ValidationError("Give period, or startDate and endDate, not both.")
    if any(dates) and not all(dates):
        raise ValidationError("startDate and endDate go together: give both.")
    if filters.startDate and filters.endDate and filters.startDate > filters.endDate:
        raise ValidationError("startDate is after endDate.")
    last_updated = _last_updated(filters.lastUpdated) if filters.lastUpdated else None
    if not periods and not any(dates) and last_updated is None:
        raise ValidationError("Give period, startDate and endDate, or lastUpdated.")
    if not filters.dataSet or not filters.orgUnit:
        raise ValidationError("Give at least one dataSet and one orgUnit.")
    return ExportQuery(
        data_sets=tuple({d.pk: d for d in map(_data_set, filters.dataSet)}.values()),
        roots=tuple({u.pk: u for u in (_unit(request, c) for c in filters.orgUnit)}.values()),
        periods=periods,
        start_date=filters.startDate,
        end_date=filters.endDate,
        children=filters.children,
        last_updated=last_updated,
    )


@router.get("/dataValueSets", response={200: DataValueSetOut, **ERRORS})
def data_value_set_get(
    request: HttpRequest, filters: Query[DataValueSetQuery]
) -> StreamingHttpResponse:
    """Figures as a DHIS2 dataValueSets document, with DHIS2's export parameters:
    `dataSet`, `period` and `orgUnit` repeatable, `startDate`/`endDate` instead of
    periods, `children=true` for the units below, `lastUpdated` for values changed since.
    Any other parameter is refused by name."""
    user = access.request_user(request)
    query = _export_query(request, filters)
    body = json_chunks(export_query_values(user, query), query)
    return StreamingHttpResponse(body, content_type="application/json")


class ConflictOut(Schema):
    """A rejected value: DHIS2's conflict fields (`object`, `value` = the message,
    `errorCode`, `property`, `indexes`) beside danvan's own."""

    object: str
    value: str
    errorCode: str
    property: str
    indexes: list[int]
    line: int
    code: str
    reason: str
    dataElement: str
    orgUnit: str
    period: str
    categoryOptionCombo: str
    rowValue: str


class FindingOut(Schema):
    severity: str
    orgUnit: str
    categoryOptionCombo: str
    period: str
    rule: str
    message: str
    detail: str


class ImportCountOut(Schema):
    """DHIS2's importCount (imported, updated, ignored, deleted) and danvan's unchanged
    and rejected."""

    imported: int
    updated: int
    ignored: int
    deleted: int
    unchanged: int
    rejected: int


class FormOut(Schema):
    dataSet: str
    orgUnit: str
    orgUnitName: str
    categoryOptionCombo: str
    period: str
    values: int


class ImportSummaryOut(Schema):
    responseType: str
    status: str
    description: str
    dryRun: bool
    applied: bool
    importOptions: dict[str, str]
    importCount: ImportCountOut
    conflicts: list[ConflictOut]
    findings: list[FindingOut]
    forms: list[FormOut]


# Which field of a value a rejection is about, for DHIS2's `property` and `object`.
_PROPERTY = {
    "unknown_element": "dataElement",
    "ambiguous_element": "dataElement",
    "invalid_period": "period",
    "unknown_unit": "orgUnit",
    "ambiguous_unit": "orgUnit",
    "out_of_scope": "orgUnit",
    "unknown_option": "categoryOptionCombo",
    "ambiguous_option": "categoryOptionCombo",
    "option_not_allowed": "categoryOptionCombo",
    "no_organization": "categoryOptionCombo",
    "attribute_option_combo": "attributeOptionCombo",
    "invalid_value": "value",
    "legacy_encoding": "comment",
}


def _summary_out(summary: ImportSummary) -> ImportSummaryOut:
    if summary.rejected:
        status = "ERROR"
    elif summary.rule_errors or summary.rule_warnings or summary.outliers:
        status = "WARNING"
    else:
        status = "SUCCESS"

    def conflict(r: Any) -> ConflictOut:
        prop = _PROPERTY.get(r.code, "")
        obj = {
            "dataElement": r.element,
            "period": r.period,
            "orgUnit": r.unit,
            "categoryOptionCombo": r.option,
            "value": r.value,
        }.get(prop, r.element)
        return ConflictOut(
            object=obj,
            value=r.reason,
            errorCode=r.code,
            property=prop,
            indexes=[r.line],
            line=r.line,
            code=r.code,
            reason=r.reason,
            dataElement=r.element,
            orgUnit=r.unit,
            period=r.period,
            categoryOptionCombo=r.option,
            rowValue=r.value,
        )

    return ImportSummaryOut(
        responseType="ImportSummary",
        status=status,
        description=summary.described,
        dryRun=summary.dry_run,
        applied=summary.applied,
        importOptions=summary.options,
        importCount=ImportCountOut(
            imported=summary.new,
            updated=summary.changed,
            ignored=summary.ignored,
            deleted=summary.deleted,
            unchanged=summary.unchanged,
            rejected=summary.rejected,
        ),
        conflicts=[conflict(r) for r in summary.rejections],
        findings=[
            FindingOut(
                severity=f.severity,
                orgUnit=f.unit,
                categoryOptionCombo=f.option,
                period=f.period,
                rule=f.rule,
                message=f.message,
                detail=f.detail,
            )
            for f in summary.findings
        ],
        forms=[
            FormOut(
                dataSet=f.data_set,
                orgUnit=f.unit,
                orgUnitName=f.unit_name,
                categoryOptionCombo=f.option or "default",
                period=f.period,
                values=f.rows,
            )
            for f in summary.forms
        ],
    )


_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["dataValues"],
                    "properties": {
                        "dataSet": {"type": "string"},
                        "period": {"type": "string"},
                        "orgUnit": {"type": "string"},
                        "completeDate": {"type": "string"},
                        "dataValues": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "dataElement": {"type": "string"},
                                    "categoryOptionCombo": {"type": "string"},
                                    "period": {"type": "string"},
                                    "orgUnit": {"type": "string"},
                                    "value": {"type": "string"},
                                    "comment": {"type": "string"},
                                    "attributeOptionCombo": {"type": "string"},
                                    "deleted": {"type": "boolean"},
                                },
                            },
                        },
                    },
                }
            },
            "text/csv": {"schema": {"type": "string"}},
            "application/xml": {"schema": {"type": "string"}},
            "application/adx+xml": {"schema": {"type": "string"}},
        },
    }
}


# Query parameters this endpoint reads itself; every other one goes to `options_parse`,
# which honours DHIS2's import options or refuses them by name.
_POST_PARAMETERS = frozenset({"dryRun", "dataSet"})


@router.post(
    "/dataValueSets",
    response={200: ImportSummaryOut, 409: ImportSummaryOut, 413: ApiError, **ERRORS},
    openapi_extra=_BODY,
)
def data_value_set_post(
    request: HttpRequest,
    dryRun: bool = False,
    dataSet: str | None = None,
    importStrategy: str | None = None,
    idScheme: str | None = None,
    dataElementIdScheme: str | None = None,
    orgUnitIdScheme: str | None = None,
    categoryOptionComboIdScheme: str | None = None,
) -> Status[ImportSummaryOut] | Status[ApiError]:
    """Import DHIS2 figures: dataValueSets JSON, DHIS2 CSV (`Content-Type: text/csv`),
    dataValueSet XML (`application/xml`) or ADX (`application/adx+xml`).

    All or nothing: if any value is rejected nothing is written and the answer is 409 with
    every conflict. `dryRun=true` checks without writing. DHIS2's import options
    (`importStrategy`, `idScheme`, `dataElementIdScheme`, `orgUnitIdScheme`,
    `categoryOptionComboIdScheme`, and `skipExistingCheck`, `async`, `force` at their
    defaults) are honoured; any other is refused by name (400).
    """
    user = access.request_user(request)
    try:
        options = options_parse(
            {k: request.GET.get(k) for k in request.GET}, allowed_extra=_POST_PARAMETERS
        )
    except OptionError as error:
        return Status(400, ApiError(code="unsupported_option", message=error.message))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > jobs.max_upload_bytes():
        return Status(413, ApiError(code="too_large", message=jobs.too_large_message()))
    content_type = (request.content_type or "").lower()
    with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as stream:
        written = 0
        while block := request.read(1024 * 1024):
            written += len(block)
            if written > jobs.max_upload_bytes():
                return Status(413, ApiError(code="too_large", message=jobs.too_large_message()))
            stream.write(block)
        stream.seek(0)
        try:
            if "csv" in content_type:
                fmt = "csv"
            elif "adx" in content_type:
                fmt = "adx"
            elif "xml" in content_type:
                fmt = "xml"
            else:
                fmt = "json"
            if not written:
                raise FileError("empty", "The request has no body.")
            if fmt == "json":
                source: Any = JsonSource(stream, written)
            else:
                source = source_open(stream, size=written, fmt=fmt)
            summary = values_import(
                actor=user,
                rows=source,
                dry_run=dryRun,
                data_set_code=dataSet or None,
                remote_address=request.META.get("REMOTE_ADDR") or None,
                options=options,
            )
        except FileError as error:
            return Status(400, ApiError(code=error.code, message=error.message))
    if summary.file_error:
        return Status(400, ApiError(code=summary.file_error_code, message=summary.file_error))
    return Status(409 if summary.rejected else 200, _summary_out(summary))


# Not in the OpenAPI schema: its body is CSV, which the schema language cannot describe here.
@router.get("/dataValueSets.csv", include_in_schema=False)
def data_value_set_csv(
    request: HttpRequest, filters: Query[DataValueSetQuery]
) -> StreamingHttpResponse:
    """The same figures as DHIS2 CSV."""
    user = access.request_user(request)
    query = _export_query(request, filters)
    return StreamingHttpResponse(
        csv_chunks(export_query_values(user, query)), content_type="text/csv; charset=utf-8"
    )


# --- submissions -----------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: int
    dataSet: str
    period: str
    orgUnit: str
    categoryOptionCombo: str
    status: str
    submittedAt: datetime.datetime | None
    decidedAt: datetime.datetime | None
    lastComment: str


def _submission_out(s: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=s.pk,
        dataSet=s.data_set.code,
        period=s.period_id,
        orgUnit=s.unit.code,
        categoryOptionCombo=s.organization.type.code if s.organization else "default",
        status=s.status,
        submittedAt=s.submitted_at,
        decidedAt=s.decided_at,
        lastComment=s.last_comment,
    )


class SubmissionQuery(Schema):
    dataSet: str | None = None
    period: str | None = None
    orgUnit: str | None = None
    status: str | None = None


@router.get("/submissions", response={200: list[SubmissionOut], **ERRORS})
def submission_list(request: HttpRequest, filters: Query[SubmissionQuery]) -> list[SubmissionOut]:
    """Forms within your scope and their state (at most 1000)."""
    user = access.request_user(request)
    found = Submission.objects.filter(unit__in=access.units_visible_to(user)).select_related(
        "data_set", "unit", "organization__type"
    )
    if filters.orgUnit:
        found = found.filter(
            unit__in=AdministrativeUnit.objects.within(_unit(request, filters.orgUnit))
        )
    if filters.dataSet:
        found = found.filter(data_set__code=filters.dataSet)
    if filters.period:
        found = found.filter(period_id=filters.period)
    if filters.status:
        found = found.filter(status=filters.status)
    if not user.is_superuser:
        visible = access.organizations_visible_to(user)
        found = found.filter(organization__isnull=True) | found.filter(organization__in=visible)
    return [_submission_out(s) for s in found.order_by("period_id", "unit__path", "pk")[:1000]]


class SubmitIn(Schema):
    dataSet: str
    period: str
    orgUnit: str
    categoryOptionCombo: str = "default"
    comment: str = ""


@router.post("/submissions", response={200: SubmissionOut, **ERRORS})
def submission_submit(request: HttpRequest, payload: SubmitIn) -> SubmissionOut:
    """Submit a form to the level above (same checks as the entry page)."""
    user = access.request_user(request)
    unit = _unit(request, payload.orgUnit)
    data_set = _data_set(payload.dataSet)
    organization = None
    if payload.categoryOptionCombo not in ("", "default"):
        option = OrganizationType.objects.filter(code=payload.categoryOptionCombo).first()
        if option is None:
            raise Http404("No such organization type.")
        found = Organization.objects.filter(
            unit=unit, type=option, kind=Organization.Kind.TERRITORIAL
        ).first()
        if found is None:
            raise Http404("No such organization at this unit.")
        organization = access.organization_for_user(user, found.pk)
    form = EntryForm(data_set, unit, organization, _period(payload.period))
    submission = services.submission_submit(
        actor=user,
        form=form,
        comment=payload.comment,
        remote_address=request.META.get("REMOTE_ADDR") or None,
    )
    return _submission_out(submission)


class DecisionIn(Schema):
    comment: str = ""


_DECISIONS = {
    "approve": services.submission_approve,
    "return": services.submission_return,
    "reopen": services.submission_reopen,
}


@router.post("/submissions/{submission_id}/{action}", response={200: SubmissionOut, **ERRORS})
def submission_decide(
    request: HttpRequest, submission_id: int, action: str, payload: DecisionIn
) -> SubmissionOut:
    """approve, return (comment required) or reopen (comment required) a form."""
    user = access.request_user(request)
    submission = (
        Submission.objects.select_related("data_set", "unit", "organization__type", "period")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not access.can_view_submission(user, submission):
        raise Http404("No such submission.")
    decide = _DECISIONS.get(action)
    if decide is None:
        raise Http404("No such action: use approve, return or reopen.")
    decided = decide(
        actor=user,
        submission=submission,
        comment=payload.comment,
        remote_address=request.META.get("REMOTE_ADDR") or None,
    )
    return _submission_out(decided)


# --- completeness ----------------------------------------------------------------------------


class CompletenessRowOut(Schema):
    orgUnit: str
    name: str
    ownFormsOnly: bool
    expected: int
    submitted: int
    approved: int
    onTime: int


class CompletenessOut(Schema):
    dataSet: str
    period: str
    orgUnit: str
    deadline: datetime.date
    rows: list[CompletenessRowOut]
    total: CompletenessRowOut


@router.get("/completeness", response={200: CompletenessOut, **ERRORS})
def completeness(request: HttpRequest, dataSet: str, period: str, orgUnit: str) -> CompletenessOut:
    """Expected, submitted, approved and on-time forms under a unit, by child unit."""
    user = access.request_user(request)
    unit = _unit(request, orgUnit)
    data_set = _data_set(dataSet)
    chosen = _period(period)
    report = completeness_for(
        data_set, chosen, unit, timezone.localdate(), access.organizations_visible_to(user)
    )

    def row(r: Any) -> CompletenessRowOut:
        return CompletenessRowOut(
            orgUnit=r.unit.code,
            name=r.unit.name,
            ownFormsOnly=r.own_forms_only,
            expected=r.expected,
            submitted=r.submitted,
            approved=r.approved,
            onTime=r.on_time,
        )

    return CompletenessOut(
        dataSet=data_set.code,
        period=chosen.id,
        orgUnit=unit.code,
        deadline=report.deadline,
        rows=[row(r) for r in report.rows],
        total=row(report.total),
    )


def error_response(status: int, code: str, message: str) -> HttpResponse:
    """Used by the API's exception handlers (danvan/api.py)."""
    import json

    return HttpResponse(
        json.dumps({"code": code, "message": message}, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )
