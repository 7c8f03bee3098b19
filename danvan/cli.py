"""The `danvan` console command: Django management commands with dashed names.

`danvan check-report FILE` runs the `check_report` management command, and so on.
"""

import os
import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in {"check-report", "check_report"}:
        # The report checker is framework-free: no Django set-up for a one-file check.
        from danvan.reports.checker.command import main as check_report

        sys.exit(check_report(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")
    os.environ.setdefault("DANVAN_ONE_OFF_COMMAND", "1")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)
