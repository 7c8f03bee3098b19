"""Province dashboard latency on the demo data (issue 6 goal: p95 under 300 ms).

Uses var/demo.sqlite3 (run `make demo-db` first) and Django's test client, so it measures
the view, its queries and template rendering, not the network. Prints JSON.

    DANVAN_DEBUG=1 DANVAN_SQLITE_NAME=demo.sqlite3 uv run python benchmarks/bench_dashboard.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")
os.environ.setdefault("DANVAN_DEBUG", "1")
os.environ.setdefault("DANVAN_SQLITE_NAME", "demo.sqlite3")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from danvan.accounts.models import User  # noqa: E402


def main(runs: int = 60) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="tinh.analyst"))
    url = "/indicators/06-NQ-TU/?period=2021"
    client.get(url)  # warm caches, templates, connections
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    print(
        json.dumps(
            {
                "benchmark": "province_dashboard",
                "runs": runs,
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                "max_ms": round(timings[-1], 1),
                "queries": len(queries),
                "goal_p95_ms": 300,
            }
        )
    )


if __name__ == "__main__":
    main()
