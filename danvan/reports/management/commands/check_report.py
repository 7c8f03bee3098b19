"""`check_report FILE [--format text|json]`: check a report's figures from the command line.

Exit status: 0 no errors (warnings and notes allowed), 1 errors found, 2 file unreadable.
"""

from __future__ import annotations

import json
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from danvan.reports.checker import Finding, ReadError, Severity, check_document, read_file
from danvan.reports.checker.findings import SEVERITY_LABELS


class Command(BaseCommand):
    help = "Find arithmetic and consistency errors in a report (.docx, .txt, .md)."
    # The check reads one file and touches no database: skip Django's system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the report: .docx, .txt or .md")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        started = time.perf_counter()
        try:
            document = read_file(path)
        except ReadError as error:
            raise CommandError(error.message, returncode=2) from None
        findings = check_document(document)
        elapsed = time.perf_counter() - started
        counts = {severity: 0 for severity in Severity}
        for item in findings:
            counts[item.severity] += 1
        if options["format"] == "json":
            payload = {
                "file": str(path),
                "seconds": round(elapsed, 3),
                "summary": {str(severity): count for severity, count in counts.items()},
                "findings": [item.as_dict() for item in findings],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self._write_text(str(path), findings, counts, elapsed)
        if counts[Severity.ERROR]:
            self.stdout.flush()
            sys.exit(1)

    def _write_text(
        self, path: str, findings: list[Finding], counts: dict[Severity, int], elapsed: float
    ) -> None:
        self.stdout.write(
            f"{path}: {counts[Severity.ERROR]} lỗi, {counts[Severity.WARNING]} cảnh báo, "
            f"{counts[Severity.NOTE]} lưu ý ({elapsed:.2f} giây)"
        )
        for item in findings:
            label = SEVERITY_LABELS[item.severity].upper()
            self.stdout.write("")
            self.stdout.write(f"[{label}] {item.location.describe()} · {item.title}")
            self.stdout.write(f"  Trích:      “{item.quote}”")
            self.stdout.write(f"  Ghi:        {item.stated}")
            self.stdout.write(f"  Tính được:  {item.computed}")
            if item.suggestion:
                self.stdout.write(f"  Đề nghị:    {item.suggestion}")
            self.stdout.write(f"  Giải thích: {item.explanation}")
