from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from danvan.indicators.sums import sums_differences, sums_rebuild


class Command(BaseCommand):
    help = (
        "Compare the maintained sums with a rebuild from the values; print every row that "
        "differs and, with --repair, rebuild them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Rebuild the sums if they differ."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            differences = sums_differences()
        for difference in differences:
            unit, level, period, element, option = difference.key
            self.stdout.write(
                f"unit {unit} level {level} period {period} element {element} option {option}: "
                f"kept {difference.kept} rebuilt {difference.rebuilt}"
            )
        if not differences:
            self.stdout.write(self.style.SUCCESS("The sums equal a rebuild from the values."))
            return
        if not options["repair"]:
            raise CommandError(f"{len(differences)} sums differ: run with --repair to rebuild.")
        self.stdout.write(
            self.style.WARNING(f"{len(differences)} sums differ: rebuilt {sums_rebuild()} rows.")
        )
