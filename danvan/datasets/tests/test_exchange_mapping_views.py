"""Making a workbook mapping in the browser (without a browser) and reusing it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danvan.datasets.exchange.models import ImportJob, WorkbookMapping, WorkbookMappingEvent
from danvan.datasets.tests.exchange_helpers import snapshot
from danvan.datasets.tests.test_exchange_office_workbooks import STANDARD_ROWS, office_book

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = {
    "name": "Mẫu báo cáo huyện",
    "header_row": "4",
    "first_data_row": "6",
    "unit_column": "B",
    "skip_labels": "Tổng cộng\nCộng",
    "element-C": "members",
    "option-C": "hnd",
    "element-D": "works",
    "option-D": "hnd",
    "element-E": "households",
    "option-E": "",
}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path


def _sample(client, data: bytes, **extra) -> str:  # type: ignore[no-untyped-def]
    response = client.post(
        "/figures/exchange/workbooks/sample/",
        {"file": SimpleUploadedFile("mau.xlsx", data, content_type=XLSX), **extra},
    )
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def _make(client, data: bytes) -> WorkbookMapping:  # type: ignore[no-untyped-def]
    editor = _sample(client, data)
    token = editor.split("sample=")[1].split("&")[0]
    response = client.post("/figures/exchange/workbooks/new/", {"sample": token, **FIELDS})
    assert response.status_code == 302, response.content.decode()[-3000:]
    return WorkbookMapping.objects.get(name=FIELDS["name"])


def test_a_clerk_makes_a_mapping_from_a_sample_and_reuses_it_for_next_file(
    client, world, catalogue, settings
):
    client.force_login(world.district_clerk)
    editor = client.get(_sample(client, office_book(STANDARD_ROWS)))
    mapping = _make(client, office_book(STANDARD_ROWS))
    next_file = office_book([[1, "Xã Một A", "2.345", 7, "1.600"], ["Cộng", None, 2345, 7, 1600]])

    client.post(
        "/figures/exchange/upload/",
        {
            "file": SimpleUploadedFile("bao-cao-2021.xlsx", next_file, content_type=XLSX),
            "mapping": mapping.pk,
            "period": "2021",
        },
    )
    job = ImportJob.objects.get()
    page = client.get(f"/figures/exchange/jobs/{job.pk}/").content.decode()
    client.post(f"/figures/exchange/jobs/{job.pk}/apply/")

    body = editor.content.decode()
    assert "Hội Nông dân" in body and "Tổng cộng" in body  # the sheet as Excel shows it
    assert mapping.unit == world.district_one
    assert [c["header"] for c in mapping.columns] == [
        "Hội Nông dân / Hội viên",
        "Hội Nông dân / Công trình, phần việc",
        "Số hộ",
    ]
    assert WorkbookMappingEvent.objects.filter(mapping=mapping, action="create").count() == 1
    # The sample a mapping was saved from is deleted; the one only looked at is not (yet).
    assert len(list((settings.DATA_DIR / "imports" / "samples").iterdir())) == 1
    assert "Xã Một A" in page and "Cộng" in page  # the form's unit, the skipped row
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED, job.preview
    from danvan.datasets.models import DataValue

    assert DataValue.objects.get(element__code="members", unit=world.commune_one_a).value == 2345


def test_a_mapping_with_a_wrong_figure_for_the_column_is_refused_with_the_reason(
    client, world, catalogue
):
    client.force_login(world.district_clerk)
    editor = _sample(client, office_book(STANDARD_ROWS))
    token = editor.split("sample=")[1]

    response = client.post(
        "/figures/exchange/workbooks/new/",
        {"sample": token, **FIELDS, "option-C": ""},  # members need an organization
    )

    assert response.status_code == 200
    assert not WorkbookMapping.objects.exists()
    body = response.content.decode()
    assert "Column C:" in body or "Cột C:" in body


def test_another_district_cannot_see_use_or_change_a_mapping_until_it_is_shared(
    client, world, catalogue
):
    client.force_login(world.province_admin)
    mapping = _make(client, office_book(STANDARD_ROWS))
    client.force_login(world.other_clerk)

    hidden = client.get(f"/figures/exchange/workbooks/{mapping.pk}/")
    upload = client.post(
        "/figures/exchange/upload/",
        {
            "file": SimpleUploadedFile("a.xlsx", office_book(STANDARD_ROWS), content_type=XLSX),
            "mapping": mapping.pk,
        },
    )
    client.force_login(world.province_admin)
    client.post(
        f"/figures/exchange/workbooks/{mapping.pk}/share/", {"units": [world.district_two.pk]}
    )
    client.force_login(world.other_clerk)
    shown = client.get(f"/figures/exchange/workbooks/{mapping.pk}/")
    change = client.post(f"/figures/exchange/workbooks/{mapping.pk}/delete/")

    assert hidden.status_code == 404 and upload.status_code == 404
    assert not ImportJob.objects.exists()
    assert shown.status_code == 200 and "Mẫu báo cáo huyện" in shown.content.decode()
    assert change.status_code == 403 and WorkbookMapping.objects.filter(pk=mapping.pk).exists()
    assert WorkbookMappingEvent.objects.filter(mapping=mapping, action="share").count() == 1


def test_a_district_clerk_cannot_share_outside_the_district(client, world, catalogue):
    client.force_login(world.district_clerk)
    mapping = _make(client, office_book(STANDARD_ROWS))

    response = client.post(
        f"/figures/exchange/workbooks/{mapping.pk}/share/", {"units": [world.district_two.pk]}
    )

    assert response.status_code == 404
    assert not mapping.shared_with.exists()


def test_a_sample_of_another_session_is_not_found(client, world, catalogue):
    client.force_login(world.district_clerk)
    editor = _sample(client, office_book(STANDARD_ROWS))
    client.logout()
    client.force_login(world.province_admin)

    response = client.get(editor)

    assert response.status_code == 404


def test_deleting_a_mapping_is_audited_and_keeps_the_figures(client, world, catalogue):
    client.force_login(world.district_clerk)
    mapping = _make(client, office_book(STANDARD_ROWS))
    before = snapshot()

    client.post(f"/figures/exchange/workbooks/{mapping.pk}/delete/")

    assert not WorkbookMapping.objects.exists()
    event = WorkbookMappingEvent.objects.get(action="delete")
    assert event.mapping_name == "Mẫu báo cáo huyện" and event.user == world.district_clerk
    assert event.detail["columns"][0]["element"] == "members"
    assert snapshot() == before


def test_a_mapping_of_one_organization_is_not_offered_to_another(client, world, catalogue):
    from danvan.accounts.models import User
    from danvan.accounts.services import user_create
    from danvan.organizations.models import OrganizationType

    def clerk(name: str, code: str) -> User:
        user = user_create(
            actor=None, username=name, password="pw-for-tests-1", role=User.Role.DATA_CLERK,
            home_unit=world.district_one,
        )  # fmt: skip
        user.organization_type = OrganizationType.objects.get(code=code)
        user.save()
        return user

    farmers, women = clerk("hnd.clerk", "hnd"), clerk("hlhpn.clerk", "hlhpn")
    client.force_login(farmers)
    editor = _sample(client, office_book(STANDARD_ROWS))
    token = editor.split("sample=")[1]
    fields = {k: v for k, v in FIELDS.items() if not k.endswith("-E")}
    client.post("/figures/exchange/workbooks/new/", {"sample": token, **fields})
    mapping = WorkbookMapping.objects.get()
    client.force_login(women)

    page = client.get("/figures/exchange/workbooks/")
    detail = client.get(f"/figures/exchange/workbooks/{mapping.pk}/")

    assert mapping.organization_type.code == "hnd"
    assert "Mẫu báo cáo huyện" not in page.content.decode()
    assert detail.status_code == 404


def test_a_mapping_is_changed_from_a_new_sample_and_the_change_audited(client, world, catalogue):
    client.force_login(world.district_clerk)
    mapping = _make(client, office_book(STANDARD_ROWS))
    editor_url = _sample(client, office_book(STANDARD_ROWS), mapping=mapping.pk)
    token = editor_url.split("sample=")[1].split("&")[0]

    editor = client.get(editor_url).content.decode()
    client.post(
        "/figures/exchange/workbooks/new/",
        {"sample": token, "mapping": mapping.pk, **FIELDS, "element-D": "", "option-D": ""},
    )

    assert 'value="members" selected' in editor  # the stored choices are shown
    mapping.refresh_from_db()
    assert [c["column"] for c in mapping.columns] == ["C", "E"]
    assert list(mapping.events.values_list("action", flat=True)) == ["update", "create"]
