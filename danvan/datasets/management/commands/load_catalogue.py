from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from danvan.datasets.catalogue import CatalogueError, catalogue_load, catalogue_load_all


class Command(BaseCommand):
    help = "Load data elements, data sets and validation rules from YAML (default: catalogue/)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["files"]:
                for path in options["files"]:
                    result = catalogue_load(path)
                    self.stdout.write(
                        f"{path}: {result.elements} elements, {result.data_sets} data sets, "
                        f"{result.rules} rules"
                    )
            else:
                for line in catalogue_load_all().messages:
                    self.stdout.write(line)
        except CatalogueError as error:
            raise CommandError("; ".join(error.messages)) from error
