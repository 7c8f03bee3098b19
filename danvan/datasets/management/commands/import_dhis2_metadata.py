"""Store the DHIS2 UID mapping from a DHIS2 metadata export (JSON), as a user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from danvan.accounts.models import User
from danvan.datasets.exchange.metadata import MetadataError, dhis2_metadata_import


class Command(BaseCommand):
    help = (
        "Map DHIS2 UIDs (data elements, organisation units, category option combos, data "
        "sets) to danvan's from a DHIS2 metadata export, by code. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="username whose rights apply")
        parser.add_argument(
            "--attribute", default="", help="UID of a DHIS2 attribute holding danvan's code"
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        with path.open("rb") as stream:
            try:
                summary = dhis2_metadata_import(
                    actor=user,
                    stream=stream,
                    attribute_code=options["attribute"] or None,
                    dry_run=options["dry_run"],
                )
            except (MetadataError, PermissionDenied) as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"mapped {summary.mapped}, updated {summary.updated}")
        for entry in summary.unmatched[:50]:
            self.stdout.write(self.style.WARNING(f"  not matched: {entry}"))
        if len(summary.unmatched) > 50:
            self.stdout.write(f"  … and {len(summary.unmatched) - 50} more not matched")
        if summary.skipped_collections:
            self.stdout.write(
                "  collections danvan does not map: " + ", ".join(summary.skipped_collections)
            )
        self.stdout.write(self.style.SUCCESS("Applied." if summary.applied else "Dry run."))
