from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from danvan.organizations.services import DEFAULT_STRUCTURES, organization_bodies_load


class Command(BaseCommand):
    help = (
        "Create or update the organization bodies of every loaded province from the structure "
        "file: which bodies exist at each level of each hierarchy version, since when, and "
        "which Front committee they sit under."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_STRUCTURES)
        parser.add_argument("--hierarchy", dest="version_code", help="Only this version.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = organization_bodies_load(
                path=options["file"], version_code=options["version_code"]
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        for where, result in results.items():
            self.stdout.write(
                f"{where}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
            if result.outside_structure:
                names = ", ".join(o.name for o in result.outside_structure[:5])
                self.stdout.write(
                    self.style.WARNING(
                        f"  {len(result.outside_structure)} bodies are not in the structure "
                        f"and were left as they are: {names}…"
                    )
                )
