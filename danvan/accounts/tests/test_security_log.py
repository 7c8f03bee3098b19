"""Security events go to the `danvan.security` logger as JSON lines."""

import io
import json
import logging

import pytest
from django.test import Client
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter

from danvan.datasets.models import DataValue


@pytest.fixture
def security_log():  # type: ignore[no-untyped-def]
    """The lines the configured security handler writes, read back as JSON."""
    (handler,) = [
        h
        for h in logging.getLogger("danvan.security").handlers
        if isinstance(h.formatter, JsonFormatter)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]

    def events():  # type: ignore[no-untyped-def]
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield events
    handler.setStream(previous)  # type: ignore[attr-defined]


def test_a_failed_login_is_a_json_line_with_who_and_from_where(client, world, security_log):
    client.post("/login/", {"username": "one.clerk", "password": "wrong-password"})

    (event,) = [e for e in security_log() if e.get("event") == "login_failed"]
    assert event["level"] == "WARNING" and event["logger"] == "danvan.security"
    assert event["username"] == "one.clerk" and event["ip"] == "127.0.0.1"
    assert event["path"] == "/login/" and "time" in event
    assert "wrong-password" not in json.dumps(security_log())


def test_a_successful_login_is_logged_too(client, world, security_log):
    client.post("/login/", {"username": "one.clerk", "password": "pw-for-tests-1"})

    assert [e["username"] for e in security_log() if e.get("event") == "login"] == ["one.clerk"]


def test_a_request_refused_by_csrf_is_logged(world, security_log):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "one.clerk", "password": "x"})

    assert response.status_code == 403
    assert "django.security.csrf" in [e["logger"] for e in security_log()]
    refused = [e for e in security_log() if e.get("event") == "request_refused"]
    assert refused == [
        {
            **refused[0],
            "status": 403,
            "path": "/login/",
            "method": "POST",
            "user": None,
        }
    ]


def test_an_api_call_with_a_wrong_key_is_logged(client, world, security_log):
    client.get("/api/units", HTTP_AUTHORIZATION="Bearer dv_not-a-key")

    (event,) = [e for e in security_log() if e.get("event") == "request_refused"]
    assert event["status"] == 401 and event["path"] == "/api/units"
    assert "dv_not-a-key" not in json.dumps(event)


def test_a_refused_figure_save_is_logged_with_the_user(client, world, commune_form, security_log):
    client.force_login(world.commune_viewer)
    url = reverse(
        "datasets:cell-org",
        kwargs={
            "data_set": commune_form.data_set.code,
            "period": commune_form.period.id,
            "organization_pk": commune_form.organization.pk,
            "element": "members",
        },
    )

    client.post(url, {"value": "12", "revision": "0"})

    assert not DataValue.objects.exists()
    (event,) = [e for e in security_log() if e.get("event") == "permission_denied"]
    assert event["user"] == "one-a.viewer" and event["path"] == url and event["reason"]
