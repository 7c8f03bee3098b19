"""A new user signs in and browses the tree, in Debian's Chromium driven by Playwright."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("DANVAN_CHROMIUM", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason=f"{CHROMIUM} not installed (apt-get install chromium)"
    ),
]


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


def test_a_clerk_signs_in_and_browses_the_tree(live_server, page, browser_world):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Tên đăng nhập").fill("one.clerk")
    page.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_role("link", name="Huyện Một").first.click()
    page.get_by_role("button", name="Mở rộng").first.click()

    page.get_by_text("Ấp Một A 1").wait_for()
    assert "Zeta" not in page.content()


def test_search_without_diacritics_and_the_english_switch(live_server, page, browser_world):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("province.admin")
    page.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{live_server.url}/units/")

    page.get_by_role("searchbox").fill("zeta mot")
    page.get_by_role("link", name="Xã Zeta Một").wait_for()
    page.get_by_role("button", name="EN").click()

    page.get_by_role("heading", name="Administrative units").wait_for()
