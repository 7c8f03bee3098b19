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
    # htmx swaps the saved row in at once but gives it its own attributes (the class)
    # only when it settles, 20 ms later: until then it wears the old row's classes.
    page.wait_for_function(
        "() => !document.querySelector('#cell-members').classList.contains('htmx-settling')"
    )

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


def _returned_and_waiting(world):  # type: ignore[no-untyped-def]
    """Xã Một A's Farmers' Union form returned once; its Women's Union form waiting."""
    from danvan.datasets.models import DataElement, DataSet
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import data_value_save, submission_return, submission_submit
    from danvan.organizations.models import Organization

    data_set = DataSet.objects.get(code="nq06-org")
    forms = [
        EntryForm(
            data_set,
            world.commune_one_a,
            Organization.objects.get(unit=world.commune_one_a, type__code=code),
            period_get("2021"),
        )
        for code in ("hnd", "hlhpn")
    ]
    for form in forms:
        for code, raw in (("members", "100"), ("members_studied", "90")):
            element = DataElement.objects.get(code=code)
            data_value_save(actor=world.district_clerk, form=form, element=element, raw=raw)
        submission_submit(actor=world.district_clerk, form=form)
    submission_return(
        actor=world.district_approver,
        submission=forms[0].submission(),
        comment="Kiểm tra lại số học tập",
    )
    return forms


def test_a_clerk_goes_from_home_to_the_returned_form_fixes_it_and_submits(
    live_server, page, csp_violations, browser_world, catalogue
):
    farmers, _women = _returned_and_waiting(browser_world)

    _sign_in(page, live_server.url, "one.clerk")
    returned = page.locator("section.work-urgent")
    assert "Kiểm tra lại số học tập" in returned.inner_text()
    returned.get_by_role("link", name="Hội Nông dân xã Một A").click()
    page.locator("#input-members_studied").fill("85")
    page.locator("#input-members_studied").press("Enter")
    page.locator("#cell-members_studied .cell-ok").wait_for()
    page.get_by_role("button", name="Gửi cấp trên").click()

    page.get_by_text("Đã gửi biểu mẫu lên cấp trên.").wait_for()
    assert farmers.submission().status == "submitted"
    assert csp_violations == []


def test_an_approver_sees_what_changed_approves_and_lands_on_the_next_form(
    live_server, page, csp_violations, browser_world, catalogue
):
    from danvan.datasets.models import DataElement
    from danvan.datasets.services import data_value_save, submission_submit

    farmers, women = _returned_and_waiting(browser_world)
    element = DataElement.objects.get(code="members_studied")
    data_value_save(actor=browser_world.district_clerk, form=farmers, element=element, raw="85")
    submission_submit(actor=browser_world.district_clerk, form=farmers)

    _sign_in(page, live_server.url, "one.approver")
    page.locator("#work-decide").wait_for()
    page.get_by_role("link", name="Hội Nông dân xã Một A").first.click()
    changes = page.locator("section.changes")
    assert "90" in changes.inner_text() and "85" in changes.inner_text()
    page.get_by_role("button", name="Duyệt", exact=True).click()

    page.get_by_text("Biểu mẫu tiếp theo chờ bạn").wait_for()
    assert women.organization.name in page.get_by_role("heading", level=1).inner_text()
    assert farmers.submission().status == "approved"
    assert csp_violations == []
