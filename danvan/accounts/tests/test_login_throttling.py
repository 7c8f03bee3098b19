"""Sign-in throttling: a username is locked from one address after a few wrong passwords."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

PASSWORD = "pw-for-tests-1"


def _sign_in(client, username, password, path="/login/", address="10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail_until_locked(client, username, path="/login/", address="10.0.0.1"):  # type: ignore[no-untyped-def]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, username, "wrong-password", path, address)
    return response


def _signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return "_auth_user_id" in client.session


def test_the_right_password_is_refused_after_repeated_wrong_ones(client, world):
    _fail_until_locked(client, "one.clerk")

    response = _sign_in(client, "one.clerk", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Tài khoản này đã đăng nhập sai quá nhiều lần" in page
    assert "15 phút" in page
    assert 'name="password"' in page
    assert not _signed_in(client)


def test_a_wrong_password_below_the_limit_shows_the_ordinary_error(client, world):
    response = _sign_in(client, "one.clerk", "wrong-password")

    assert response.status_code == 200
    assert "quá nhiều lần" not in response.content.decode()


def test_another_user_from_the_same_address_is_unaffected(client, world):
    _fail_until_locked(client, "one.clerk")

    response = _sign_in(client, "two.clerk", PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_the_same_user_from_another_address_is_unaffected(client, world):
    _fail_until_locked(client, "one.clerk", address="10.0.0.1")

    response = _sign_in(client, "one.clerk", PASSWORD, address="10.0.0.2")

    assert response.status_code == 302


def test_a_forwarded_for_header_does_not_give_a_fresh_address(client, world):
    for index in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "one.clerk", "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{index}",
        )

    response = _sign_in(client, "one.clerk", PASSWORD)

    assert response.status_code == 429


def test_the_lockout_ends_after_the_cool_off_time(client, world):
    _fail_until_locked(client, "one.clerk")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )

    response = _sign_in(client, "one.clerk", PASSWORD)

    assert response.status_code == 302


def test_an_operator_unlocks_a_username_with_the_axes_command(client, world):
    _fail_until_locked(client, "one.clerk")

    call_command("axes_reset_username", "one.clerk")
    response = _sign_in(client, "one.clerk", PASSWORD)

    assert response.status_code == 302


def test_the_admin_sign_in_is_throttled_with_the_admin_page(client, world):
    _fail_until_locked(client, "province.admin", path="/admin/login/")

    response = _sign_in(client, "province.admin", PASSWORD, path="/admin/login/")

    assert response.status_code == 429
    page = response.content.decode()
    assert "errornote" in page
    assert "Tài khoản này đã đăng nhập sai quá nhiều lần" in page
    assert not _signed_in(client)


def test_failed_sign_ins_are_recorded_and_written_to_the_security_log(client, world, caplog):
    caplog.set_level(logging.WARNING, logger="danvan.security")

    _fail_until_locked(client, "one.clerk")

    assert AccessFailureLog.objects.filter(username="one.clerk").count() == (
        settings.AXES_FAILURE_LIMIT
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "danvan.security"]
    failed = [line for line in lines if line.startswith("sign-in failed")]
    assert len(failed) == settings.AXES_FAILURE_LIMIT
    assert "username='one.clerk' address=10.0.0.1 path=/login/" in failed[0]
    assert any(line.startswith("sign-in locked username='one.clerk'") for line in lines)


@pytest.mark.parametrize("username", ["a\nsign-in ok username='admin'", "x" * 5000, "' OR 1=1 --"])
def test_hostile_usernames_are_refused_and_logged_on_one_line(client, world, caplog, username):
    caplog.set_level(logging.WARNING, logger="danvan.security")

    response = _sign_in(client, username, "wrong-password")

    assert response.status_code in {200, 429}
    lines = [r.getMessage() for r in caplog.records if r.name == "danvan.security"]
    assert lines
    assert all("\n" not in line for line in lines)


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_a_nul_in_the_username_is_refused_before_any_attempt_is_stored(client, world, path):
    # PostgreSQL cannot store NUL: the form must refuse it before axes records the attempt.
    response = _sign_in(client, "one.clerk\x00", PASSWORD, path=path)

    assert response.status_code == 200
    assert not _signed_in(client)
    assert not AccessAttempt.objects.exists()


def test_an_overlong_username_is_recorded_within_the_columns_size(client, world):
    # 5,000 characters reached axes' varchar(255) columns: a 500 on PostgreSQL.
    response = _sign_in(client, "x" * 5000, "wrong-password")

    assert response.status_code == 200
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [150]
    assert [len(f.username) for f in AccessFailureLog.objects.all()] == [150]
