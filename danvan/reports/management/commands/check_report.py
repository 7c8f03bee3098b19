"""`check_report FILE [--format text|json]`: check a report's figures from the command line.

Exit status: 0 no errors (warnings and notes allowed), 1 errors found, 2 file unreadable.
`danvan check-report` runs the same check without setting Django up
(danvan/reports/checker/command.py).
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from danvan.reports.checker import ReadError
from danvan.reports.checker.command import write_report


class Command(BaseCommand):
    help = "Find arithmetic and consistency errors in a report (.docx, .txt, .md)."
    # The check reads one file and touches no database: skip Django's system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the report: .docx, .txt or .md")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            status = write_report(str(options["file"]), options["format"], self.stdout)
        except ReadError as error:
            raise CommandError(error.message, returncode=2) from None
        if status:
            self.stdout.flush()
            sys.exit(status)
