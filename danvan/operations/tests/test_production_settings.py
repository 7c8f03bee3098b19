"""The settings module read in a fresh interpreter with a chosen environment, as a server
process would read it."""

import json
import os
import subprocess
import sys

STRONG_KEY = "k7Qe-3vPz_w9LrT2xYb8NcA1sDf6GhJ4mUo0iKlE5tRqWzXcVbNmPoIuYtReWq"


def settings_read(env: dict[str, str], *names: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DANVAN_")}
    script = (
        "import json, danvan.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_short_secret_key_is_refused() -> None:
    result = settings_read({"DANVAN_SECRET_KEY": "x"})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "too weak" in result.stderr


def test_long_but_repetitive_secret_key_is_refused() -> None:
    result = settings_read({"DANVAN_SECRET_KEY": "ab" * 40})

    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_weak_secret_key_is_refused_in_debug_too() -> None:
    result = settings_read({"DANVAN_SECRET_KEY": "secret", "DANVAN_DEBUG": "1"})

    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_strong_secret_key_is_accepted() -> None:
    result = settings_read({"DANVAN_SECRET_KEY": STRONG_KEY}, "SECRET_KEY")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SECRET_KEY"] == STRONG_KEY


def test_the_test_suites_own_key_passes_the_check(settings) -> None:  # type: ignore[no-untyped-def]
    assert len(settings.SECRET_KEY) >= 50


def test_production_redirects_to_https_and_sends_hsts() -> None:
    result = settings_read(
        {"DANVAN_SECRET_KEY": STRONG_KEY},
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
    )

    values = json.loads(result.stdout)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SESSION_COOKIE_SECURE"] is True


def test_tls_proxy_header_is_trusted_only_when_configured() -> None:
    result = settings_read(
        {"DANVAN_SECRET_KEY": STRONG_KEY, "DANVAN_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
        "SECURE_PROXY_SSL_HEADER",
    )

    assert json.loads(result.stdout)["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_debug_neither_redirects_nor_sends_hsts() -> None:
    result = settings_read({"DANVAN_DEBUG": "1"}, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")

    values = json.loads(result.stdout)
    assert not values["SECURE_SSL_REDIRECT"]
    assert not values["SECURE_HSTS_SECONDS"]


def test_hsts_header_on_a_secure_request(client) -> None:  # type: ignore[no-untyped-def]
    # The suite runs with production settings (no DANVAN_DEBUG) but the redirect off.
    response = client.get("/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
