"""Import figures from a CSV, dataValueSets JSON or danvan .xlsx file, as a user."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange.options import OptionError, options_parse
from danvan.datasets.exchange.parsers import FileError, Source, source_open
from danvan.datasets.exchange.pipeline import ImportSummary, values_import
from danvan.datasets.exchange.workbooks import MappedWorkbookSource, WorkbookLayout


class Command(BaseCommand):
    help = (
        "Import figures (DHIS2 CSV, JSON, XML, ADX, a danvan Excel template, or an office's "
        "workbook through --mapping) with the rights of --user. "
        "All or nothing: one rejected row and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username whose scope applies")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--format", choices=["csv", "json", "xml", "adx", "xlsx"], default="")
        parser.add_argument("--data-set", default="", help="only accept figures of this data set")
        parser.add_argument(
            "--option",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a DHIS2 import option (importStrategy=DELETE, idScheme=UID, …); repeatable",
        )
        parser.add_argument(
            "--mapping",
            default="",
            help="read an office's own workbook through this workbook mapping (id)",
        )
        parser.add_argument(
            "--period", default="", help="with --mapping: the period (default: the title's)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = (
            User.objects.select_related("home_unit__version")
            .filter(username=options["user"], is_active=True)
            .first()
        )
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        size = path.stat().st_size
        started = time.monotonic()
        layout = None
        if options["mapping"]:
            try:
                mapping = access.workbook_mapping_for_user(user, options["mapping"])
            except Http404 as error:
                raise CommandError(
                    f"No workbook mapping {options['mapping']!r} for this user."
                ) from error
            layout = WorkbookLayout.of(mapping)
        with path.open("rb") as stream:
            source: Source
            try:
                if layout is not None:
                    source = MappedWorkbookSource(
                        stream, size, layout=layout, actor=user, period=options["period"]
                    )
                else:
                    source = source_open(stream, name=path.name, size=size, fmt=options["format"])
            except FileError as error:
                raise CommandError(error.message) from error

            def progress(rows: int) -> None:
                elapsed = max(time.monotonic() - started, 1e-6)
                sys.stderr.write(
                    f"\r{source.fraction * 100:5.1f}%  {rows:,} rows  {rows / elapsed:,.0f} rows/s"
                )
                sys.stderr.flush()

            try:
                import_options = options_parse(
                    dict(item.partition("=")[::2] for item in options["option"])
                )
            except OptionError as error:
                raise CommandError(error.message) from error
            summary = values_import(
                actor=user,
                rows=source,
                dry_run=options["dry_run"],
                data_set_code=options["data_set"] or None,
                progress=progress,
                options=import_options,
            )
        sys.stderr.write("\n")
        self._report(summary)
        if not summary.ok:
            raise CommandError("Nothing was written.")

    def _report(self, summary: ImportSummary) -> None:
        out = self.stdout
        if summary.file_error:
            out.write(self.style.ERROR(f"File rejected: {summary.file_error}"))
            return
        out.write(
            f"rows {summary.rows}: new {summary.new}, changed {summary.changed}, "
            f"unchanged {summary.unchanged}, deleted {summary.deleted}, blank {summary.skipped}, "
            f"rejected {summary.rejected}"
            f" ({summary.seconds:.1f} s)"
        )
        if summary.converted:
            out.write(f"{summary.converted} texts converted from TCVN3, VNI or VIQR to Unicode")
        for rejection in summary.rejections[:50]:
            where = f"{rejection.sheet}!{rejection.line}" if rejection.sheet else rejection.line
            out.write(self.style.ERROR(f"  row {where}: {rejection.code}: {rejection.reason}"))
        if summary.rejected > 50:
            out.write(f"  … and {summary.rejected - 50} more rejected rows")
        for skipped in summary.skipped_rows[:50]:
            where = f"{skipped.sheet}!{skipped.line}" if skipped.sheet else skipped.line
            out.write(f"  row {where} not read: {skipped.reason} {skipped.label}".rstrip())
        for finding in summary.findings[:20]:
            out.write(
                self.style.WARNING(
                    f"  rule {finding.rule} ({finding.severity}) at {finding.unit} "
                    f"{finding.option}: {finding.message} ({finding.detail})"
                )
            )
        if summary.stale:
            out.write(self.style.ERROR("The figures changed since the check."))
        if summary.applied:
            out.write(self.style.SUCCESS("Applied."))
        elif summary.dry_run and summary.ok:
            out.write(
                self.style.SUCCESS("Dry run: nothing written; the file would import cleanly.")
            )
