"""/health/: minimal status for the proxy and the monitor, no internals."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from danvan.datasets.tasks import import_job_check_task

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def data_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_healthy_service_answers_ok_without_signing_in(client, db, data_dir):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "disk": "ok", "worker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_full_disk_fails_the_check_and_says_no_more(client, db, data_dir, settings):
    settings.DANVAN_HEALTH_MIN_FREE_MB = 10**12

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "disk": "failing", "worker": "ok"},
    }
    assert str(data_dir) not in response.content.decode()


def test_a_task_nobody_picked_up_fails_the_worker_check(client, db, data_dir, settings):
    settings.TASKS = DATABASE_TASKS
    result = import_job_check_task.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=10)
    )

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "failing"


def test_a_task_just_queued_does_not_fail_the_worker_check(client, db, data_dir, settings):
    settings.TASKS = DATABASE_TASKS
    import_job_check_task.enqueue(0)

    response = client.get("/health/")

    assert response.json()["checks"]["worker"] == "ok"


def test_the_health_check_is_not_redirected_to_https(client, db, data_dir, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/").status_code == 200
    assert client.get("/login/").status_code == 301
