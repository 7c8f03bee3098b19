from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from danvan.operations.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database and the data folder."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("backup", type=Path, help="A folder written by backup_data.")
        parser.add_argument(
            "--database-url",
            help="Restore into this (empty) database instead of the configured one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(options["backup"], database_url=options["database_url"])
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{n} {name}" for name, n in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Restored {options['backup']} ({counts})"))
