"""Import jobs: an uploaded file kept on disk, checked in the background, applied when its
owner confirms exactly what the check showed.

While a job runs, its import holds one database transaction (all-or-nothing), in which
progress written to the job's row would stay invisible (and on SQLite would wait for the
writer lock). Progress therefore goes to a small file next to the upload, which the page
polls through `import_job_progress`; the row gets the final state.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange.models import ImportJob, WorkbookMapping
from danvan.datasets.exchange.parsers import FileError, Source, source_open
from danvan.datasets.exchange.pipeline import ImportSummary, values_import
from danvan.datasets.exchange.workbooks import MappedWorkbookSource, WorkbookLayout

SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".txt": "csv",
    ".xml": "",
    ".adx": "adx",
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "DANVAN_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def too_large_message() -> str:
    return _(
        "The file is larger than %(size)s MB. Split it, or ask an administrator to run "
        "the import_values command."
    ) % {"size": max_upload_bytes() // (1024 * 1024)}


def import_job_create(
    *,
    actor: User,
    name: str,
    stream: IO[bytes],
    size: int | None,
    remote_address: str | None = None,
    mapping: WorkbookMapping | None = None,
    period: str = "",
) -> ImportJob:
    """Store an upload (streamed in blocks) as a job waiting for its check; an office's
    own workbook is read through `mapping`, for `period` (or the one its title names)."""
    home = actor.home_unit
    if not actor.is_superuser and (home is None or not access.can_change_unit(actor, home)):
        raise PermissionDenied(_("You may not import figures."))
    if mapping is not None:
        mapping = access.workbook_mapping_for_user(actor, mapping.pk)
        if Path(name).suffix.lower() != ".xlsx":
            raise ValidationError(_("A workbook mapping reads .xlsx files only."))
    limit = max_upload_bytes()
    if size is not None and size > limit:
        raise ValidationError(too_large_message())
    suffix = Path(name).suffix.lower()
    path = upload_dir() / f"{uuid.uuid4().hex}{suffix if suffix in SUFFIXES else '.bin'}"
    written = 0
    with path.open("wb") as out:
        while block := stream.read(1024 * 1024):
            written += len(block)
            if written > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise ValidationError(too_large_message())
            out.write(block)
    return ImportJob.objects.create(
        user=actor,
        original_name=Path(name).name[:255] or "upload",
        stored_path=str(path),
        size=written,
        format=SUFFIXES.get(suffix, ""),
        remote_address=remote_address,
        mapping=mapping,
        period=period.strip()[:16],
    )


def _progress_path(job: ImportJob) -> Path:
    return Path(f"{job.stored_path}.progress")


def import_job_progress(job: ImportJob) -> int:
    """Percent of the file read so far (0-100)."""
    if not job.is_running:
        return (
            100
            if job.status in (ImportJob.Status.CHECKED, ImportJob.Status.APPLIED)
            else job.progress
        )
    try:
        return int(json.loads(_progress_path(job).read_text())["percent"])
    except (OSError, ValueError, KeyError):
        return job.progress


def _source(job: ImportJob, stream: IO[bytes]) -> Source:
    if job.mapping_id is None:
        return source_open(stream, name=job.original_name, size=job.size, fmt=job.format)
    # Asked again: the mapping may have been unshared since the upload.
    mapping = access.workbook_mappings_visible_to(job.user).filter(pk=job.mapping_id).first()
    if mapping is None:
        raise FileError("mapping", _("The workbook mapping is no longer available to you."))
    return MappedWorkbookSource(
        stream, job.size, layout=WorkbookLayout.of(mapping), actor=job.user, period=job.period
    )


def _run(job: ImportJob, *, apply: bool) -> ImportSummary:
    progress_file = _progress_path(job)
    last = [0.0]

    try:
        stream = job.path.open("rb")
    except OSError:
        summary = ImportSummary(dry_run=not apply)
        summary.file_error_code = "missing_file"
        summary.file_error = _("The uploaded file is no longer available: upload it again.")
        return summary
    with stream:
        try:
            source = _source(job, stream)
        except FileError as error:
            summary = ImportSummary(dry_run=not apply)
            summary.file_error, summary.file_error_code = error.message, error.code
            return summary
        job.format = source.format

        def progress(rows: int) -> None:
            now = time.monotonic()
            if now - last[0] < 0.5:
                return
            last[0] = now
            payload = json.dumps({"percent": int(source.fraction * 100), "rows": rows})
            temporary = progress_file.with_suffix(".tmp")
            temporary.write_text(payload)
            os.replace(temporary, progress_file)

        expect = None
        if apply and job.preview:
            preview = ImportSummary.from_dict(job.preview)
            expect = preview.digest
        summary = values_import(
            actor=job.user,
            rows=source,
            dry_run=not apply,
            expect=expect,
            progress=progress,
            remote_address=job.remote_address,
        )
    progress_file.unlink(missing_ok=True)
    return summary


def import_job_check(*, job: ImportJob) -> ImportJob:
    """The dry run: counts of new, changed, unchanged and rejected rows, nothing written."""
    job.status = ImportJob.Status.CHECKING
    job.save(update_fields=["status", "updated_at"])
    summary = _run(job, apply=False)
    job.preview = summary.as_dict()
    job.progress = 100
    job.status = ImportJob.Status.FAILED if summary.file_error else ImportJob.Status.CHECKED
    job.message = summary.file_error
    job.save()
    return job


def import_job_apply(*, actor: User, job: ImportJob) -> ImportJob:
    """Apply a checked job: the file is read and checked again, and written only if the
    counts are those the owner saw."""
    if job.user_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file can apply it."))
    if job.status != ImportJob.Status.CHECKED:
        raise ValidationError(_("Only a checked file can be applied."))
    preview = ImportSummary.from_dict(job.preview)
    if not preview.ok:
        raise ValidationError(_("The check found rejected rows: fix the file and upload it again."))
    job.status = ImportJob.Status.APPLYING
    job.save(update_fields=["status", "updated_at"])
    summary = _run(job, apply=True)
    job.result = summary.as_dict()
    if summary.applied:
        job.status = ImportJob.Status.APPLIED
        job.message = ""
        job.path.unlink(missing_ok=True)
    else:
        job.status = ImportJob.Status.FAILED
        job.message = summary.file_error or (
            _("The figures changed since the check: nothing was written. Check the file again.")
            if summary.stale
            else _("Some rows were rejected: nothing was written.")
        )
    job.save()
    return job
