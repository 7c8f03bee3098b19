from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from danvan.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded and generated files into a new folder."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The new folder (default: DATA_DIR/backups/<date-time>).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = options["output"] or Path(settings.DATA_DIR) / "backups" / stamp
        try:
            manifest = backup_create(target)
        except (BackupError, FileExistsError) as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{n} {name}" for name, n in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Backup in {target} ({counts})"))
