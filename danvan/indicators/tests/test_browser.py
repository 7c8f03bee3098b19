"""The dashboard's charts and the admin under the Content-Security-Policy, in Chromium."""

import os
import shutil

import pytest

from danvan.indicators.tests.helpers import put

CHROMIUM = os.environ.get("DANVAN_CHROMIUM", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason=f"{CHROMIUM} not installed (apt-get install chromium)"
    ),
]


def _sign_in(page, base, username):  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_the_dashboard_draws_its_charts_without_eval_or_inline_style(
    live_server, page, csp_violations, browser_world, resolution
):
    world = browser_world
    for year, studied in (("2016", 80), ("2021", 99)):
        put(world.commune_one_a, "members", year, 100, "hnd")
        put(world.commune_one_a, "members_studied", year, studied, "hnd")
    _sign_in(page, live_server.url, "province.admin")

    page.goto(f"{live_server.url}/indicators/{resolution.slug}/?period=2021")

    page.locator("[data-spec-id] svg").first.wait_for()
    page.locator("[data-spec-id] svg .mark-rect, [data-spec-id] svg .mark-line").first.wait_for()
    assert csp_violations == []


def test_the_year_picker_submits_itself(
    live_server, page, csp_violations, browser_world, resolution
):
    for year in ("2016", "2021"):
        put(browser_world.commune_one_a, "members", year, 100, "hnd")
    _sign_in(page, live_server.url, "province.admin")
    page.goto(f"{live_server.url}/indicators/{resolution.slug}/?period=2021")

    page.get_by_label("Năm").select_option("2016")

    page.wait_for_url("**period=2016**")
    assert csp_violations == []


def test_the_admin_works_under_the_policy(live_server, page, csp_violations, browser_world):
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("province.admin")
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    for path in (
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{browser_world.district_clerk.pk}/change/",
        "/admin/geography/administrativeunit/",
        "/admin/accounts/apitoken/add/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/admin/accounts/user/")
    page.locator("#action-toggle").check()

    assert page.locator("tr.selected").count() >= 1
    assert csp_violations == []


def test_the_api_documentation_works_under_the_policy(
    live_server, page, csp_violations, browser_world
):
    _sign_in(page, live_server.url, "province.admin")

    page.goto(f"{live_server.url}/api/docs")

    page.get_by_text("/api/units").first.wait_for()
    assert csp_violations == []
