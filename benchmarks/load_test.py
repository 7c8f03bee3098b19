"""Load test of the production stack: 50 signed-in users for 60 s on loopback.

    make serve                    # gunicorn + task worker on PostgreSQL (docs/operations.md)
    DATABASE_URL=postgres://... uv run --frozen python benchmarks/load_test.py \\
        --host http://127.0.0.1:8100 [--users 50] [--seconds 60] [--backup]

Prepares its own users in the served database (40 commune clerks, each owning one cell of
a 2022 Farmers' Union form, and 10 province users, one of whom imports a file and one of
whom downloads a report), runs locust headless against `--host` (loopback only), then
checks the database: every cell holds the last value the server acknowledged (0 lost
updates). With `--backup`, `make backup` runs while the load is on and the backup is
restored into an empty database whose counts of values, audit rows and submissions must
equal those of the snapshot the backup was taken from.

Prints one JSON document: p95 per request kind, errors, lost updates, the load average.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")

PAGE_VIEWS = ("dashboard", "entry form", "login page")
GOALS = {"page_p95_ms": 300, "cell_save_p95_ms": 150, "errors": 0, "lost_updates": 0}
PASSWORD = "load-test-Pass-2026"
PERIOD = "2022"


def _prepare(folder: Path, clerks: int, analysts: int) -> dict[str, object]:
    import django

    django.setup()
    from django.urls import reverse

    from danvan.accounts.models import User
    from danvan.accounts.services import user_create
    from danvan.datasets.models import DataElement, DataSet, DataValue, Submission
    from danvan.datasets.queries import period_get
    from danvan.geography.models import AdministrativeUnit
    from danvan.indicators.models import Resolution
    from danvan.organizations.models import Organization

    period = period_get(PERIOD)
    data_set = DataSet.objects.get(code="nq06-org")
    element = DataElement.objects.get(code="members")
    resolution = Resolution.objects.select_related("scope_unit").get(number="06-NQ/TU")
    province = resolution.scope_unit
    organizations = (
        Organization.objects.filter(
            unit__version_id=province.version_id,
            unit__path__startswith=province.path,
            unit__level=AdministrativeUnit.Level.COMMUNE,
            type__code="hnd",
        )
        .select_related("unit", "type")
        .order_by("unit__path")
    )
    locked = set(
        Submission.objects.filter(
            data_set=data_set, period=period, status__in=["submitted", "approved"]
        ).values_list("organization_id", flat=True)
    )
    chosen = [o for o in organizations if o.pk not in locked][: clerks + 10]
    if len(chosen) < clerks + 10:
        raise SystemExit(f"only {len(chosen)} open commune forms for {PERIOD}")

    def user(username: str, role: str, home: AdministrativeUnit) -> None:
        found = User.objects.filter(username=username).first()
        if found is None:
            user_create(actor=None, username=username, password=PASSWORD, role=role, home_unit=home)
        else:
            found.set_password(PASSWORD)
            found.save()

    plan_clerks = []
    for index, organization in enumerate(chosen[:clerks]):
        username = f"load.clerk{index:02d}"
        user(username, User.Role.DATA_CLERK, organization.unit)
        current = DataValue.objects.filter(
            element=element,
            unit=organization.unit,
            period=period,
            organization_type=organization.type,
        ).first()
        form_url = reverse(
            "datasets:form-org",
            kwargs={
                "data_set": data_set.code,
                "period": PERIOD,
                "organization_pk": organization.pk,
            },
        )
        plan_clerks.append(
            {
                "username": username,
                "key": [organization.unit_id, organization.type_id],
                "form_url": form_url,
                "cell_url": form_url + f"cell/{element.code}/",
                "start": int(current.value) if current else 1000,
                "revision": current.revision if current else 0,
            }
        )
    plan_analysts = []
    for index in range(analysts):
        username = f"load.province{index:02d}"
        role = User.Role.ADMINISTRATOR if index == 0 else User.Role.BOARD_ANALYST
        user(username, role, province)
        job = {0: "import", 1: "report"}.get(index)
        plan_analysts.append({"username": username, "job": job})
    # The import: a figure of 10 other communes' forms (not the cells being saved).
    import_file = folder / "import.csv"
    with import_file.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["dataelement", "period", "orgunit", "categoryoptioncombo", "value"])
        for organization in chosen[clerks:]:
            for code in ("works", "supervisions", "contributions"):
                writer.writerow([code, PERIOD, organization.unit.code, "hnd", "7"])
    dashboard = reverse("indicators:dashboard", args=[resolution.slug])
    return {
        "password": PASSWORD,
        "clerks": plan_clerks,
        "analysts": plan_analysts,
        "import_file": str(import_file),
        "dashboard_url": f"{dashboard}?period=2021",
        "report_url": reverse("reports:job-start", args=["docx"])
        + f"?resolution={resolution.slug}&unit={province.pk}&period=2021",
        "element": element.code,
        "period": PERIOD,
    }


def _lost_updates(plan: dict, acks: Path) -> list[dict[str, object]]:
    from danvan.datasets.models import DataValue

    lost = []
    for line in acks.read_text().splitlines():
        item = json.loads(line)
        if item["value"] is None:
            continue
        unit_id, type_id = item["key"]
        stored = DataValue.objects.get(
            element__code=plan["element"],
            unit_id=unit_id,
            organization_type_id=type_id,
            period_id=plan["period"],
        )
        if int(stored.value) != item["value"]:
            lost.append(
                {"key": item["key"], "acknowledged": item["value"], "stored": str(stored.value)}
            )
    return lost


def _stats(prefix: Path) -> dict[str, dict[str, float]]:
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as source:
        for row in csv.DictReader(source):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"] or 0),
                "p95_ms": float(row["95%"] or 0) if row["95%"] != "N/A" else 0.0,
                "p99_ms": float(row["99%"] or 0) if row["99%"] != "N/A" else 0.0,
            }
    return rows


def _counts(cursor) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    for table in ("datasets_datavalue", "datasets_datavalueaudit", "datasets_submission"):
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="http://127.0.0.1:8100")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--backup", action="store_true")
    args = parser.parse_args()
    if urlparse(args.host).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load test runs against loopback only")
    analysts = max(args.users // 5, 2)
    clerks = args.users - analysts
    folder = Path(tempfile.mkdtemp(prefix="danvan-load-"))
    plan = _prepare(folder, clerks, analysts)
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(plan))
    acks = folder / "acks.jsonl"
    acks.touch()
    env = {**os.environ, "DANVAN_LOAD_PLAN": str(plan_file), "DANVAN_LOAD_ACKS": str(acks)}
    prefix = folder / "locust"
    load_before = os.getloadavg()
    started = time.monotonic()
    # Users sign in during a ramp (5 a second, as a morning's logins are spread out); the
    # figures are reset when all are in, and the measured window is `--seconds` after that.
    ramp = max(1, args.users // 5)
    locust = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(Path(__file__).parent / "load" / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            "5",
            "--reset-stats",
            "--run-time",
            f"{args.seconds + ramp}s",
            "--host",
            args.host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "30",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
    )
    backup: dict[str, object] = {}
    if args.backup:
        time.sleep(ramp + args.seconds / 2)
        backup = _backup_during_load(folder)
    locust.wait()
    load_after = os.getloadavg()
    stats = _stats(prefix)
    lost = _lost_updates(plan, acks)
    pages = [stats[name] for name in PAGE_VIEWS if name in stats]
    page_p95 = max((s["p95_ms"] for s in pages), default=0.0)
    cell_p95 = stats.get("cell save", {}).get("p95_ms", 0.0)
    errors = sum(int(s["failures"]) for name, s in stats.items() if name != "Aggregated")
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "users": args.users,
        "seconds": args.seconds,
        "wall_seconds": round(time.monotonic() - started, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "page_p95_ms": page_p95,
        "cell_save_p95_ms": cell_p95,
        "errors": errors,
        "lost_updates": len(lost),
        "lost": lost[:10],
        "requests": stats,
        "backup": backup,
    }
    result["goals_met"] = {
        "page_p95_ms": page_p95 < GOALS["page_p95_ms"],
        "cell_save_p95_ms": cell_p95 < GOALS["cell_save_p95_ms"],
        "errors": errors == 0,
        "lost_updates": not lost,
        **({"backup_counts_equal": backup.get("counts_equal", False)} if args.backup else {}),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


def _backup_during_load(folder: Path) -> dict[str, object]:
    """`backup_data` while the users work, then `restore_data` into a new empty database;
    the restored counts must equal the manifest's (the snapshot the dump was taken from)."""
    import psycopg
    from django.db import connection

    target = folder / "backup"
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "backup_data", "--output", str(target)], cwd=ROOT, check=True
    )
    seconds = round(time.monotonic() - started, 1)
    manifest = json.loads((target / "manifest.json").read_text())
    settings = connection.settings_dict
    name = f"danvan_restore_{os.getpid()}"
    server = dict(host=settings["HOST"] or "127.0.0.1", user=settings["USER"] or "postgres")
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://{server['user']}@{server['host']}:{settings['PORT'] or 5432}/{name}"
        subprocess.run(
            [sys.executable, "manage.py", "restore_data", str(target), "--database-url", url],
            cwd=ROOT,
            check=True,
            env={**os.environ, "DANVAN_DATA_DIR": str(folder / "restored-data")},
        )
        with psycopg.connect(dbname=name, **server) as restored, restored.cursor() as cursor:
            counts = _counts(cursor)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    expected = manifest["counts"]
    restored_counts = {
        "values": counts["datasets_datavalue"],
        "audit": counts["datasets_datavalueaudit"],
        "submissions": counts["datasets_submission"],
    }
    return {
        "backup_seconds": seconds,
        "manifest_counts": expected,
        "restored_counts": restored_counts,
        "counts_equal": restored_counts == expected,
    }


if __name__ == "__main__":
    main()
