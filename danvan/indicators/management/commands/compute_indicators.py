import time
from typing import Any

from django.core.management.base import BaseCommand

from danvan.indicators.services import results_recompute_all


class Command(BaseCommand):
    help = "Recompute every indicator result of every resolution (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        total = results_recompute_all(progress=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(
            self.style.SUCCESS(f"{total} results in {time.perf_counter() - started:.1f} s")
        )
