import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danvan.reports.checker import MAX_BYTES
from danvan.reports.tests.factories import docx_report, to_cp1258

WRONG = "Cấp xã có 215/240 đồng chí đạt chuẩn, chiếm tỷ lệ 91,58%."


@pytest.fixture
def signed_in(client, world):
    # Any signed-in user may check a report, a commune viewer included.
    client.force_login(world.commune_viewer)
    return client


def post_file(client, name, data):
    return client.post(reverse("reports:check"), {"file": SimpleUploadedFile(name, data)})


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("reports:check"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
def test_user_the_access_module_refuses_gets_403(signed_in, monkeypatch):
    monkeypatch.setattr("danvan.accounts.access.can_check_reports", lambda user: False)

    response = signed_in.get(reverse("reports:check"))

    assert response.status_code == 403


@pytest.mark.django_db
def test_page_shows_the_upload_form(signed_in):
    response = signed_in.get(reverse("reports:check"))

    assert response.status_code == 200
    assert "Kiểm tra số liệu báo cáo" in response.content.decode()


@pytest.mark.django_db
def test_pasted_text_is_checked_and_the_quote_highlighted(signed_in):
    response = signed_in.post(reverse("reports:check"), {"text": WRONG})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="finding-error" id="finding-0">215/240' in html
    assert "215/240 = 89,58%" in html


@pytest.mark.django_db
def test_uploaded_docx_is_checked_with_its_table(signed_in):
    data = docx_report(["Báo cáo kết quả."], table=[["STT", "Kết quả"], ["1", WRONG]])

    response = post_file(signed_in, "bao-cao.docx", data)

    html = response.content.decode()
    assert '<mark class="finding-error"' in html
    assert "bảng 1, dòng 2, cột 2" in html


@pytest.mark.django_db
def test_windows_1258_text_file_is_read(signed_in):
    response = post_file(signed_in, "bao-cao.txt", to_cp1258(WRONG))

    assert "215/240 = 89,58%" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bao-cao.docx", b"PK\x03\x04 corrupt", "bị hỏng"),
        ("bao-cao.pdf", b"%PDF-1.4", "Chỉ nhận tệp .docx, .txt hoặc .md"),
        ("bao-cao.txt", b"", "rỗng"),
        ("bao-cao.txt", b"x" * (MAX_BYTES + 1), "lớn hơn 5 MB"),
        ("bao-cao.txt", bytes(range(256)), "UTF-8"),
    ],
)
def test_bad_upload_gets_a_message_not_a_server_error(signed_in, name, data, message):
    response = post_file(signed_in, name, data)

    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_empty_form_asks_for_a_file_or_text(signed_in):
    response = signed_in.post(reverse("reports:check"), {})

    assert "Hãy chọn một tệp" in response.content.decode()


@pytest.mark.django_db
def test_findings_name_their_kind_in_vietnamese_not_the_internal_rule_id(signed_in):
    response = signed_in.post(reverse("reports:check"), {"text": WRONG})

    html = response.content.decode()
    assert "Loại kiểm tra: Tỷ lệ và phân số" in html
    assert "fraction-rate" not in html
