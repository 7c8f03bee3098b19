import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

URL = "/api/reports/check"
WRONG = "Cấp xã có 215/240 đồng chí đạt chuẩn, chiếm tỷ lệ 91,58%.".encode()


@pytest.fixture
def signed_in(client, world):
    # Any signed-in user may check a report, a commune viewer included.
    client.force_login(world.commune_viewer)
    return client


@pytest.mark.django_db
def test_api_returns_findings_as_json(signed_in):
    response = signed_in.post(URL, {"file": SimpleUploadedFile("bao-cao.txt", WRONG)})

    body = response.json()
    assert response.status_code == 200
    assert body["summary"] == {"error": 1, "warning": 0, "note": 0}
    [finding] = body["findings"]
    assert finding["rule"] == "fraction-rate"
    assert finding["title"] == "Tỷ lệ và phân số"
    assert finding["computed"] == "215/240 = 89,58%"
    assert finding["location"]["key"] == "p-0"


@pytest.mark.django_db
def test_api_rejects_unreadable_file_with_a_code(signed_in):
    response = signed_in.post(URL, {"file": SimpleUploadedFile("bao-cao.docx", b"not a zip")})

    assert response.status_code == 400
    assert response.json()["code"] == "corrupt"


@pytest.mark.django_db
def test_api_without_a_file_is_a_bad_request(signed_in):
    response = signed_in.post(URL, {})

    assert response.status_code == 400
    assert response.json()["code"] == "missing_file"


@pytest.mark.django_db
def test_api_requires_a_session(client):
    response = client.post(URL, {"file": SimpleUploadedFile("bao-cao.txt", WRONG)})

    assert response.status_code == 401


@pytest.mark.django_db
def test_api_asks_the_access_module(signed_in, monkeypatch):
    monkeypatch.setattr("danvan.accounts.access.can_check_reports", lambda user: False)

    response = signed_in.post(URL, {"file": SimpleUploadedFile("bao-cao.txt", WRONG)})

    assert response.status_code == 403
