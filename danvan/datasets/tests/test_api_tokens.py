"""API keys expire, record when they were last used (at most once a minute), and every
refused key leaves a security-log line."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from danvan.accounts.models import ApiToken
from danvan.datasets.exchange.tokens import api_token_create


def _auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _security_lines(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in caplog.records if r.name == "danvan.security"]


def test_a_new_key_expires_after_the_default_lifetime(world, settings):
    settings.DANVAN_API_TOKEN_DAYS = 30

    token, _key = api_token_create(actor=None, user=world.district_clerk, name="t")

    lifetime = token.expires_at - timezone.now()
    assert datetime.timedelta(days=29, hours=23) < lifetime <= datetime.timedelta(days=30)


def test_a_key_may_be_given_its_own_expiry(world):
    when = timezone.now() + datetime.timedelta(days=7)

    token, _key = api_token_create(actor=None, user=world.district_clerk, name="t", expires_at=when)

    assert ApiToken.objects.get(pk=token.pk).expires_at == when


def test_a_new_key_cannot_be_created_already_expired(world):
    with pytest.raises(ValidationError):
        api_token_create(
            actor=None,
            user=world.district_clerk,
            name="t",
            expires_at=timezone.now() - datetime.timedelta(seconds=1),
        )

    assert not ApiToken.objects.exists()


def test_an_expired_key_is_refused_with_a_clear_json_401_and_logged(client, world, caplog):
    caplog.set_level(logging.WARNING, logger="danvan.security")
    token, key = api_token_create(actor=None, user=world.district_clerk, name="t")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())

    response = client.get("/api/units", **_auth(key))

    assert response.status_code == 401
    assert response.json()["code"] == "key_expired"
    assert "expired on" in response.json()["message"]
    assert any(
        line.startswith("api key refused reason=expired") and "user='one.clerk'" in line
        for line in _security_lines(caplog)
    )


def test_a_key_before_its_expiry_is_accepted(client, world):
    token, key = api_token_create(actor=None, user=world.district_clerk, name="t")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    assert client.get("/api/units", **_auth(key)).status_code == 200


@pytest.mark.parametrize("key", ["dv_not-a-key", "x" * 500, "dv_\x00"])
def test_an_unknown_or_malformed_key_is_refused_and_logged(client, world, caplog, key):
    caplog.set_level(logging.WARNING, logger="danvan.security")

    response = client.get("/api/units", **_auth(key))

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert any(line.startswith("api key refused") for line in _security_lines(caplog))


def test_the_first_use_records_the_time(client, world):
    token, key = api_token_create(actor=None, user=world.district_clerk, name="t")

    client.get("/api/units", **_auth(key))

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(seconds=30)


def test_the_last_use_is_written_at_most_once_a_minute(client, world):
    token, key = api_token_create(actor=None, user=world.district_clerk, name="t")
    recent = timezone.now() - datetime.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    client.get("/api/units", **_auth(key))

    token.refresh_from_db()
    assert token.last_used_at == recent


def test_the_last_use_is_written_again_after_a_minute(client, world):
    token, key = api_token_create(actor=None, user=world.district_clerk, name="t")
    old = timezone.now() - datetime.timedelta(seconds=61)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)

    client.get("/api/units", **_auth(key))

    token.refresh_from_db()
    assert token.last_used_at > old + datetime.timedelta(seconds=60)


def test_the_command_creates_a_key_with_the_given_lifetime(client, world):
    out = io.StringIO()

    call_command("create_api_token", "one.clerk", "--days", "10", stdout=out, stderr=io.StringIO())

    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.district_clerk)
    lifetime = token.expires_at - timezone.now()
    assert datetime.timedelta(days=9, hours=23) < lifetime <= datetime.timedelta(days=10)
    assert client.get("/api/units", **_auth(key)).status_code == 200


@pytest.mark.parametrize("days", ["0", "-5", "100000"])
def test_the_command_refuses_a_senseless_lifetime(world, days):
    with pytest.raises(CommandError, match="--days"):
        call_command("create_api_token", "one.clerk", "--days", days, stdout=io.StringIO())

    assert not ApiToken.objects.exists()


def test_the_admin_offers_the_default_expiry_and_refuses_a_past_one(client, world):
    client.force_login(world.province_admin)
    form = client.get("/admin/accounts/apitoken/add/").content.decode()
    assert 'name="expires_at_0"' in form

    response = client.post(
        "/admin/accounts/apitoken/add/",
        {
            "user": world.district_clerk.pk,
            "name": "t",
            "expires_at_0": "01/01/2020",
            "expires_at_1": "00:00:00",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "Khóa mới phải có thời điểm hết hạn trong tương lai." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_dhis2_client_authenticates_with_apitoken(client, world):
    from danvan.datasets.exchange.tokens import api_token_create

    key = api_token_create(actor=None, user=world.district_clerk, name="dhis2")[1]

    good = client.get("/api/units", HTTP_AUTHORIZATION=f"ApiToken {key}")
    bad = client.get("/api/units", HTTP_AUTHORIZATION="ApiToken dv_nope")

    assert good.status_code == 200 and {u["code"] for u in good.json()} >= {"011", "01101"}
    assert "012" not in {u["code"] for u in good.json()}
    assert bad.status_code == 401


def test_basic_login_uses_the_password_and_is_throttled_like_the_sign_in(client, world):
    import base64

    from django.conf import settings

    world.district_clerk.set_password("Mật-khẩu-đủ-dài-2021")
    world.district_clerk.save()

    def basic(password: str) -> str:
        raw = f"{world.district_clerk.username}:{password}".encode()
        return "Basic " + base64.b64encode(raw).decode()

    assert (
        client.get("/api/units", HTTP_AUTHORIZATION=basic("Mật-khẩu-đủ-dài-2021")).status_code
        == 200
    )
    failures = [
        client.get("/api/units", HTTP_AUTHORIZATION=basic("wrong")).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    locked = client.get("/api/units", HTTP_AUTHORIZATION=basic("Mật-khẩu-đủ-dài-2021"))

    assert set(failures[:-1]) == {401}
    assert locked.status_code == 429
