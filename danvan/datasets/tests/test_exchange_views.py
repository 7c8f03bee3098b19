"""The import / export page: download, upload, preview, confirm."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.datasets.exchange.models import ImportJob
from danvan.datasets.tests.exchange_helpers import figures, snapshot

__all__ = ["figures"]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path


CSV = b"dataelement,period,orgunit,categoryoptioncombo,value\nmembers,2021,01101,hnd,150\n"


def test_the_page_offers_only_units_in_scope(client, world, catalogue):
    client.force_login(world.district_clerk)

    response = client.get("/figures/exchange/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Xã Một A" in body and "Zeta" not in body


def test_download_a_template_and_upload_it_back(client, world, figures):
    client.force_login(world.district_clerk)
    before = snapshot()

    download = client.get(
        "/figures/exchange/download/",
        {
            "data_set": "nq06-org",
            "period": "2021",
            "unit": world.commune_one_a.pk,
            "format": "xlsx",
        },
    )
    upload = client.post(
        "/figures/exchange/upload/",
        {"file": SimpleUploadedFile("mau.xlsx", download.content)},
        follow=True,
    )

    job = ImportJob.objects.get()
    assert download["Content-Disposition"].endswith('.xlsx"')
    assert job.status == ImportJob.Status.CHECKED
    assert job.preview["unchanged"] == 4 and job.preview["rejected"] == 0
    assert upload.status_code == 200
    assert snapshot() == before


def test_upload_preview_then_confirm(client, world, figures):
    client.force_login(world.district_clerk)

    client.post("/figures/exchange/upload/", {"file": SimpleUploadedFile("a.csv", CSV)})
    job = ImportJob.objects.get()
    page = client.get(f"/figures/exchange/jobs/{job.pk}/")
    before_confirm = snapshot()
    client.post(f"/figures/exchange/jobs/{job.pk}/apply/")

    job.refresh_from_db()
    assert "Confirm" in page.content.decode() or "Xác nhận" in page.content.decode()
    assert job.preview["changed"] == 1
    assert before_confirm != snapshot()
    assert job.status == ImportJob.Status.APPLIED
    from danvan.datasets.models import DataValue

    assert DataValue.objects.get(element__code="members").value == 150


def test_a_web_import_records_where_it_came_from_in_every_audit_row(client, world, figures):
    from danvan.datasets.models import DataValueAudit

    client.force_login(world.district_clerk)
    client.post(
        "/figures/exchange/upload/",
        {"file": SimpleUploadedFile("a.csv", CSV)},
        REMOTE_ADDR="203.0.113.7",
    )
    job = ImportJob.objects.get()

    client.post(f"/figures/exchange/jobs/{job.pk}/apply/", REMOTE_ADDR="203.0.113.9")

    audit = DataValueAudit.objects.filter(source="imported")
    assert audit.exists()
    assert set(audit.values_list("remote_address", flat=True)) == {"203.0.113.9"}


def test_a_rejected_preview_cannot_be_applied(client, world, figures):
    client.force_login(world.district_clerk)
    data = CSV + b"members,2021,01201,hnd,1\n"

    client.post("/figures/exchange/upload/", {"file": SimpleUploadedFile("a.csv", data)})
    job = ImportJob.objects.get()
    page = client.get(f"/figures/exchange/jobs/{job.pk}/")
    before = snapshot()
    client.post(f"/figures/exchange/jobs/{job.pk}/apply/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert job.preview["rejected"] == 1
    assert "01201" in page.content.decode()
    assert snapshot() == before


def test_another_user_cannot_see_or_apply_a_job(client, world, figures):
    client.force_login(world.district_clerk)
    client.post("/figures/exchange/upload/", {"file": SimpleUploadedFile("a.csv", CSV)})
    job = ImportJob.objects.get()
    client.force_login(world.other_clerk)

    page = client.get(f"/figures/exchange/jobs/{job.pk}/")
    apply = client.post(f"/figures/exchange/jobs/{job.pk}/apply/")

    assert (page.status_code, apply.status_code) == (404, 404)


def test_a_file_over_the_cap_is_refused_with_a_message(client, world, figures, settings):
    settings.DANVAN_IMPORT_MAX_BYTES = 100
    client.force_login(world.district_clerk)

    response = client.post(
        "/figures/exchange/upload/",
        {"file": SimpleUploadedFile("big.csv", CSV + b"x" * 500)},
        follow=True,
    )

    assert ImportJob.objects.count() == 0
    assert "MB" in response.content.decode()


def test_progress_of_a_finished_job_stops_polling(client, world, figures):
    client.force_login(world.district_clerk)
    client.post("/figures/exchange/upload/", {"file": SimpleUploadedFile("a.csv", CSV)})
    job = ImportJob.objects.get()

    response = client.get(f"/figures/exchange/jobs/{job.pk}/progress/")

    assert response["HX-Refresh"] == "true"
    assert b'value="100"' in response.content


def test_export_csv_and_json_downloads(client, world, figures):
    client.force_login(world.district_clerk)
    query = {
        "data_set": "nq06-org",
        "period": "2021",
        "unit": world.district_one.pk,
        "children": "1",
    }

    as_csv = client.get("/figures/exchange/download/", {**query, "format": "csv"})
    as_json = client.get("/figures/exchange/download/", {**query, "format": "json"})

    assert b"members,2021,01101,hnd" in b"".join(as_csv.streaming_content)
    assert b'"dataValues"' in b"".join(as_json.streaming_content)


def test_cli_export_and_import(world, figures, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "x.json"
    call_command(
        "export_values",
        "--dataset",
        "nq06-org",
        "--period",
        "2021",
        "--unit",
        "Huyện Một",
        "--children",
        "--format",
        "json",
        "--output",
        str(out),
    )
    stdout = io.StringIO()
    call_command("import_values", str(out), "--user", "one.clerk", "--dry-run", stdout=stdout)

    assert "unchanged 4" in stdout.getvalue()


def test_with_the_database_backend_the_worker_checks_and_applies(
    client, world, figures, task_worker
):
    from danvan.datasets.models import DataValue

    client.force_login(world.district_clerk)

    client.post("/figures/exchange/upload/", {"file": SimpleUploadedFile("a.csv", CSV)})
    job = ImportJob.objects.get()
    waiting = job.status
    task_worker()
    job.refresh_from_db()
    checked = job.status
    client.post(f"/figures/exchange/jobs/{job.pk}/apply/")
    task_worker()
    job.refresh_from_db()

    assert (waiting, checked, job.status) == ("uploaded", "checked", "applied")
    assert DataValue.objects.get(element__code="members").value == 150
