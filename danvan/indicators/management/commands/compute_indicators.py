import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from danvan.indicators.services import results_recompute_all


class Command(BaseCommand):
    help = "Rebuild the sums behind every indicator result from the values (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--background",
            action="store_true",
            help="Hand the recomputation to the task worker and return at once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            from danvan.indicators.tasks import results_recompute_all_task

            result = results_recompute_all_task.enqueue()
            self.stdout.write(f"Recomputation queued for the worker (task {result.id}).")
            return
        started = time.perf_counter()
        total = results_recompute_all(progress=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(
            self.style.SUCCESS(f"{total} sums in {time.perf_counter() - started:.1f} s")
        )
