"""Fixtures of the browser tests (Debian's Chromium driven by Playwright)."""

import os

import pytest

CHROMIUM = os.environ.get("DANVAN_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def page(monkeypatch):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        yield context.new_page()
        browser.close()


@pytest.fixture
def browser_world(transactional_db, django_db_serialized_rollback, world, settings):  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    return world


@pytest.fixture
def reform_browser_world(  # type: ignore[no-untyped-def]
    transactional_db, django_db_serialized_rollback, reform_world, settings
):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    return reform_world


@pytest.fixture
def csp_violations(page):  # type: ignore[no-untyped-def]
    """What Chromium refused under the Content-Security-Policy, as its console reports it."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused
