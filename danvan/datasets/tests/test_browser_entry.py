"""Entering a form in Debian's Chromium: what blocks a submission, and lost connections."""

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


def _sign_in(page, base, username):  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def farmers_form_url(live_server, browser_world, catalogue):  # type: ignore[no-untyped-def]
    from danvan.organizations.models import Organization

    farmers = Organization.objects.get(unit=browser_world.commune_one_a, type__code="hnd")
    return f"{live_server.url}/figures/nq06-org/2021/organization/{farmers.pk}/"


def test_an_incomplete_form_cannot_be_submitted_and_the_message_takes_the_clerk_to_the_cell(
    live_server, page, csp_violations, browser_world, farmers_form_url
):
    from danvan.datasets.models import Submission

    _sign_in(page, live_server.url, "one.clerk")
    page.goto(farmers_form_url)
    page.locator("#input-members_studied").fill("80")
    page.locator("#input-members_studied").press("Enter")
    page.locator("#cell-members_studied .cell-ok").wait_for()

    submit = page.get_by_role("button", name="Gửi cấp trên")
    assert submit.is_disabled()
    page.locator("#submit-check").get_by_role(
        "link", name="Tổng số đoàn viên, hội viên cuối kỳ"
    ).click()
    focused = page.evaluate("document.activeElement.id")
    page.keyboard.type("100")
    page.keyboard.press("Enter")
    page.locator("#cell-members .cell-ok").wait_for()

    assert focused == "input-members"
    page.wait_for_function("!document.querySelector('#submit-check button').disabled")
    submit.click()
    page.get_by_text("Đã gửi biểu mẫu lên cấp trên.").wait_for()
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    assert csp_violations == []


def test_a_session_that_ends_mid_entry_loses_no_typed_figure(
    live_server, page, csp_violations, browser_world, farmers_form_url
):
    from django.contrib.sessions.models import Session

    from danvan.datasets.models import DataValue

    _sign_in(page, live_server.url, "one.clerk")
    page.goto(farmers_form_url)
    Session.objects.all().delete()  # the session expires while the clerk types

    page.locator("#input-members").fill("1.234")
    page.locator("#input-members").press("Enter")
    page.locator("#cell-members .save-problem").wait_for()

    assert "phiên đăng nhập đã hết" in page.locator("#cell-members").inner_text()
    assert page.locator("#input-members").input_value() == "1.234"
    assert "unsaved" in (page.locator("#cell-members").get_attribute("class") or "")
    assert "<form" not in page.locator("table.entry").inner_html()  # no sign-in page pasted
    assert not DataValue.objects.exists()
    assert page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )

    with page.context.expect_page() as opened:
        page.locator("#cell-members").get_by_role("link", name="Đăng nhập lại").click()
    login = opened.value
    login.get_by_label("Tên đăng nhập").fill("one.clerk")
    login.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    login.get_by_role("button", name="Đăng nhập").click()
    login.wait_for_url(f"{live_server.url}/")
    login.close()
    page.locator("#cell-members").get_by_role("button", name="Gửi lại").click()
    page.locator("#cell-members .cell-ok").wait_for()

    assert DataValue.objects.get().value == 1234
    assert "unsaved" not in (page.locator("#cell-members").get_attribute("class") or "")
    assert csp_violations == []


def test_a_lost_connection_keeps_the_figure_for_a_resend(
    live_server, page, browser_world, farmers_form_url
):
    from danvan.datasets.models import DataValue

    _sign_in(page, live_server.url, "one.clerk")
    page.goto(farmers_form_url)
    page.route("**/cell/**", lambda route: route.abort())

    page.locator("#input-members").fill("77")
    page.locator("#input-members").press("Enter")
    page.locator("#cell-members .save-problem").wait_for()
    assert "mất kết nối" in page.locator("#cell-members").inner_text()
    page.unroute("**/cell/**")
    page.locator("#cell-members").get_by_role("button", name="Gửi lại").click()
    page.locator("#cell-members .cell-ok").wait_for()

    assert DataValue.objects.get().value == 77
