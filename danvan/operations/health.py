"""The health endpoint for the proxy and the monitor: database, disk and task worker.

It answers anyone, so it says only which check failed; the reason goes to the server's log
(django-health-check logs each failure).
"""

from __future__ import annotations

import dataclasses
import datetime
import shutil
import uuid
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


def _data_dir() -> Path:
    return Path(settings.DATA_DIR)


@dataclasses.dataclass
class Disk(HealthCheck):
    """The data folder (SQLite, uploads, report files) is writable and has room left."""

    min_free_bytes: int = dataclasses.field(
        default_factory=lambda: settings.DANVAN_HEALTH_MIN_FREE_MB * 1024 * 1024, repr=False
    )

    def run(self) -> None:
        folder = _data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if shutil.disk_usage(folder).free < self.min_free_bytes:
            raise ServiceUnavailable("Little free disk space left")
        probe = folder / f".health-{uuid.uuid4().hex}"
        try:
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as error:
            raise ServiceUnavailable("The data folder is not writable") from error


@dataclasses.dataclass
class TaskWorker(HealthCheck):
    """No task has waited for a worker longer than DANVAN_WORKER_MAX_WAIT_SECONDS.

    django-tasks-db's worker leaves no heartbeat, so a stopped worker shows as tasks that
    nobody picks up; with the immediate (embedded) backend there is no worker to watch.
    """

    async def run(self) -> None:
        # Thread-sensitive: the ORM call runs where the request's connection lives.
        await sync_to_async(self._check, thread_sensitive=True)()

    def _check(self) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if not backend.startswith("django_tasks_db."):
            return
        from django_tasks_db.models import DBTaskResult

        oldest = (
            DBTaskResult.objects.ready()
            .filter(backend_name="default")
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
        limit = datetime.timedelta(seconds=settings.DANVAN_WORKER_MAX_WAIT_SECONDS)
        if oldest is not None and timezone.now() - oldest > limit:
            raise ServiceUnavailable("Tasks are waiting for a worker")


CHECKS: dict[str, type[HealthCheck]] = {
    "database": Database,
    "disk": Disk,
    "worker": TaskWorker,
}


class HealthView(HealthCheckView):
    """`{"status": "ok", "checks": {"database": "ok", ...}}`, 200 or 503."""

    checks = tuple(CHECKS.values())
    http_method_names = ["get", "head"]

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        results = [await check().get_result() for check in CHECKS.values()]
        states = {
            name: "ok" if result.error is None else "failing"
            for name, result in zip(CHECKS, results, strict=True)
        }
        healthy = all(state == "ok" for state in states.values())
        return JsonResponse(
            {"status": "ok" if healthy else "failing", "checks": states},
            status=200 if healthy else 503,
        )
