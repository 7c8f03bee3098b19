"""Report files made as jobs: the page asks, the worker makes, the owner alone downloads."""

from __future__ import annotations

import io

import docx
import pytest

from danvan.reports.files import PdfUnavailableError
from danvan.reports.models import ReportJob

QUERY = "?resolution=06-NQ-TU&period=2021"


def test_the_download_button_makes_a_job_whose_page_offers_the_file(client, world, report_world):
    client.force_login(world.district_clerk)

    started = client.post(f"/reports/jobs/start/docx/{QUERY}")
    job = ReportJob.objects.get()
    page = client.get(started.url)
    status = client.get(f"/reports/jobs/{job.pk}/status/").json()
    file = client.get(status["download"])

    assert started.url == f"/reports/jobs/{job.pk}/"
    assert job.user == world.district_clerk and job.unit == world.district_one
    assert f'data-status-url="/reports/jobs/{job.pk}/status/"' in page.content.decode()
    assert status["status"] == "done" and status["progress"] == 100
    assert file["Content-Disposition"].startswith("attachment;")
    document = docx.Document(io.BytesIO(file.getvalue()))
    assert any("Huyện Một" in p.text for p in document.paragraphs)


def test_starting_a_job_needs_a_post(client, world, report_world):
    client.force_login(world.district_clerk)

    response = client.get(f"/reports/jobs/start/docx/{QUERY}")

    assert response.status_code == 405
    assert not ReportJob.objects.exists()


def test_a_job_of_another_district_cannot_be_asked_for(client, world, report_world):
    client.force_login(world.district_clerk)

    response = client.post(f"/reports/jobs/start/docx/{QUERY}&unit={world.district_two.pk}")

    assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_a_job_is_not_found_for_anyone_but_its_owner(client, world, report_world):
    client.force_login(world.district_clerk)
    client.post(f"/reports/jobs/start/xlsx/{QUERY}")
    job = ReportJob.objects.get()
    client.force_login(world.province_admin)

    urls = [f"/reports/jobs/{job.pk}/", f"/reports/jobs/{job.pk}/status/"]
    responses = [client.get(url) for url in [*urls, f"/reports/jobs/{job.pk}/file/"]]

    assert [r.status_code for r in responses] == [404, 404, 404]


def test_a_job_whose_unit_left_the_owners_scope_is_not_found(client, world, report_world):
    client.force_login(world.district_clerk)
    client.post(f"/reports/jobs/start/xlsx/{QUERY}")
    job = ReportJob.objects.get()
    world.district_clerk.home_unit = world.district_two
    world.district_clerk.save()

    response = client.get(f"/reports/jobs/{job.pk}/file/")

    assert response.status_code == 404


def test_with_the_database_backend_the_worker_makes_the_file(
    client, world, report_world, task_worker
):
    client.force_login(world.district_clerk)

    client.post(f"/reports/jobs/start/xlsx/{QUERY}")
    job = ReportJob.objects.get()
    waiting = client.get(f"/reports/jobs/{job.pk}/status/").json()
    early = client.get(f"/reports/jobs/{job.pk}/file/")
    task_worker()
    ready = client.get(f"/reports/jobs/{job.pk}/status/").json()

    assert waiting == {
        "status": "queued",
        "label": "Đang chờ",
        "progress": 0,
        "message": "",
        "download": None,
    }
    assert early.status_code == 404
    assert ready["status"] == "done" and ready["download"] == f"/reports/jobs/{job.pk}/file/"
    assert client.get(ready["download"]).getvalue().startswith(b"PK")


def test_the_worker_checks_the_owners_scope_again(client, world, report_world, task_worker):
    client.force_login(world.district_clerk)
    client.post(f"/reports/jobs/start/xlsx/{QUERY}")
    world.district_clerk.home_unit = world.district_two
    world.district_clerk.save()

    task_worker()

    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.FAILED and job.stored_path == ""


def test_a_failed_job_tells_why(client, world, report_world, monkeypatch):
    def unavailable(content: bytes) -> bytes:
        raise PdfUnavailableError("Máy chủ chưa cài LibreOffice")

    monkeypatch.setattr("danvan.reports.jobs.pdf_convert", unavailable)
    client.force_login(world.district_clerk)

    started = client.post(f"/reports/jobs/start/pdf/{QUERY}")
    status = client.get(f"{started.url}status/").json()
    page = client.get(started.url).content.decode()

    assert status["status"] == "failed" and status["download"] is None
    assert status["message"] == "Máy chủ chưa cài LibreOffice"
    assert "Máy chủ chưa cài LibreOffice" in page


@pytest.mark.parametrize("fmt", ["exe", "docx%00"])
def test_an_unknown_format_is_not_found(client, world, report_world, fmt):
    client.force_login(world.district_clerk)

    response = client.post(f"/reports/jobs/start/{fmt}/{QUERY}")

    assert response.status_code == 404
