"""Report files made in the background: the page asks, the task worker builds and renders
the report (PDF through LibreOffice can take a minute), the page polls and then downloads.

Nothing here holds a transaction open, so progress goes straight to the job's row.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.models import Period
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import Resolution
from danvan.reports.docx_writer import TemplateError, docx_render
from danvan.reports.exporter import ReportError, parts_for, report_build
from danvan.reports.files import FORMATS, PdfUnavailableError, pdf_convert
from danvan.reports.gate import FormsNotApprovedError, approval_gate
from danvan.reports.models import FinalReport, ReportJob
from danvan.reports.snapshots import final_report_build, final_report_record
from danvan.reports.wording import WordingError
from danvan.reports.xlsx_writer import xlsx_render

logger = logging.getLogger(__name__)


def report_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check_access(user: User, resolution: Resolution, unit: AdministrativeUnit) -> None:
    """Raises Http404 when the resolution or the unit is out of the user's scope."""
    access.resolution_for_user(user, resolution.slug)
    access.unit_for_user(user, unit.pk)


def report_job_create(
    *,
    actor: User,
    resolution: Resolution,
    unit: AdministrativeUnit,
    period: Period,
    baseline: Period | None,
    fmt: str,
    report_date: datetime.date | None = None,
    target_rule: str = "",
    final: bool = False,
) -> ReportJob:
    """A job waiting for the worker; the caller enqueues it. A final report is refused
    (ReportError naming the forms, no job made) while a form under `unit` for `period` is
    not approved; the worker checks again when it makes it."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    _check_access(actor, resolution, unit)
    if final and not access.can_issue_final_report(actor, unit):
        raise PermissionDenied("Only the board (an administrator) issues a final report.")
    if final:
        gate = approval_gate(unit, period, parts_for(resolution, unit))
        if not gate.is_closed:
            raise FormsNotApprovedError(gate.refusal())
    return ReportJob.objects.create(
        final=final,
        user=actor,
        resolution=resolution,
        unit=unit,
        period=period,
        baseline=baseline,
        format=fmt,
        report_date=report_date,
        target_rule=target_rule,
    )


def _step(job: ReportJob, status: ReportJob.Status, progress: int) -> None:
    job.status, job.progress = status, progress
    job.save(update_fields=["status", "progress", "updated_at"])


def report_job_run(*, job: ReportJob) -> ReportJob:
    """Build and render the report; the owner's scope is checked again, as it may have
    changed since the job was asked for."""
    if not job.is_running:
        return job
    _step(job, ReportJob.Status.RUNNING, 5)
    try:
        _check_access(job.user, job.resolution, job.unit)
        if job.final and not access.can_issue_final_report(job.user, job.unit):
            raise PermissionDenied
        build = final_report_build if job.final else report_build
        built = build(
            resolution=job.resolution,
            unit=job.unit,
            period=job.period,
            baseline=job.baseline,
            date=job.report_date,
            target_rule=job.target_rule or None,
            charts=job.format != "xlsx",
        )
        report, snapshot = built if isinstance(built, tuple) else (built, "")
        _step(job, ReportJob.Status.RUNNING, 50)
        if job.format == "xlsx":
            content = xlsx_render(report)
        else:
            content = docx_render(report)
            if job.format == "pdf":
                _step(job, ReportJob.Status.RUNNING, 70)
                content = pdf_convert(content)
    except (ReportError, TemplateError, WordingError, PdfUnavailableError) as error:
        return _fail(job, str(error))
    except (Http404, PermissionDenied):
        return _fail(job, _("This report is outside your scope."))
    except BaseException:
        # The worker records the traceback; the owner must not wait for ever.
        _fail(job, _("The report could not be made. Try again or tell an administrator."))
        raise
    path = report_dir() / f"{uuid.uuid4().hex}.{job.format}"
    path.write_bytes(content)
    with transaction.atomic():
        if job.final:
            job.final_report = final_report_record(
                actor=job.user, report=report, snapshot=snapshot, via=FinalReport.Via.PAGE
            )
        job.stored_path = str(path)
        kind = "chinh-thuc" if job.final else "du-thao"
        job.filename = f"{report.filename_stem}-{kind}.{job.format}"
        job.status, job.progress, job.message = ReportJob.Status.DONE, 100, ""
        job.save()
    return job


def _fail(job: ReportJob, message: str) -> ReportJob:
    job.status, job.message = ReportJob.Status.FAILED, message
    job.save(update_fields=["status", "message", "updated_at"])
    return job


def report_job_for_user(user: User, pk: int) -> ReportJob:
    """A job is its owner's alone, and only while its unit is still in the owner's scope:
    anyone else gets "not found"."""
    try:
        job = ReportJob.objects.select_related("unit", "resolution").get(pk=pk, user=user)
    except ReportJob.DoesNotExist as error:
        raise Http404("No such report") from error
    if not access.can_view_unit(user, job.unit):
        raise Http404("No such report")
    return job
