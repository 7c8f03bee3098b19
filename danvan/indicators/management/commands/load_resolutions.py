from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from danvan.indicators.definitions import DefinitionError, resolution_load, resolutions_load_all


class Command(BaseCommand):
    help = "Load resolutions, indicators, parts and targets from YAML (default: resolutions/)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = (
                [resolution_load(path) for path in options["files"]]
                if options["files"]
                else resolutions_load_all()
            )
        except DefinitionError as error:
            raise CommandError("; ".join(error.messages)) from error
        for resolution in loaded:
            parts = sum(i.parts.count() for i in resolution.indicators.all())
            self.stdout.write(
                f"{resolution}: {resolution.indicators.count()} indicators, {parts} parts"
            )
