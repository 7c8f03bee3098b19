"""An import that cannot be applied offers a way back to upload a corrected file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.datasets.exchange.models import ImportJob
from danvan.datasets.tests.exchange_helpers import figures

__all__ = ["figures"]

UPLOAD_AGAIN = 'href="/figures/exchange/#upload"'


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path


def _job_page(client, name, data):  # type: ignore[no-untyped-def]
    client.post("/figures/exchange/upload/", {"file": SimpleUploadedFile(name, data)})
    return client.get(f"/figures/exchange/jobs/{ImportJob.objects.get().pk}/").content.decode()


def test_a_preview_with_rejected_rows_links_back_to_the_upload(client, world, figures):
    client.force_login(world.district_clerk)

    page = _job_page(
        client,
        "a.csv",
        b"dataelement,period,orgunit,categoryoptioncombo,value\nmembers,2021,01201,hnd,1\n",
    )

    assert UPLOAD_AGAIN in page


def test_a_file_that_is_not_figures_links_back_to_the_upload(client, world, figures):
    client.force_login(world.district_clerk)

    page = _job_page(client, "notes.txt", "Ghi chú cuộc họp".encode())

    assert UPLOAD_AGAIN in page


def test_a_good_preview_offers_to_write_not_to_upload_again(client, world, figures):
    client.force_login(world.district_clerk)

    page = _job_page(
        client,
        "a.csv",
        b"dataelement,period,orgunit,categoryoptioncombo,value\nmembers,2021,01101,hnd,150\n",
    )

    assert UPLOAD_AGAIN not in page
