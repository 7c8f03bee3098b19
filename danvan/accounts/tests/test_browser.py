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


def test_a_clerk_signs_in_and_browses_the_tree(live_server, page, csp_violations, browser_world):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Tên đăng nhập").fill("one.clerk")
    page.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_role("link", name="Huyện Một").first.click()
    page.get_by_role("button", name="Mở rộng").first.click()

    page.get_by_text("Ấp Một A 1").wait_for()
    assert "Zeta" not in page.content()
    assert page.get_by_role("button", name="Mở rộng").first.is_disabled()
    assert csp_violations == []


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


def _sign_in(page, base, username):  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_a_form_goes_through_the_whole_approval_cycle(
    live_server, page, csp_violations, browser_world, catalogue
):
    from danvan.accounts.models import User
    from danvan.accounts.services import user_create
    from danvan.datasets.models import Submission
    from danvan.organizations.models import Organization

    world = browser_world
    user_create(
        actor=None,
        username="mot-a.clerk",
        password="pw-for-tests-1",
        role=User.Role.DATA_CLERK,
        home_unit=world.commune_one_a,
    )
    farmers = Organization.objects.get(unit=world.commune_one_a, type__code="hnd")
    url = f"{live_server.url}/figures/nq06-org/2021/organization/{farmers.pk}/"

    # The commune clerk fills the form and meets an inline error.
    _sign_in(page, live_server.url, "mot-a.clerk")
    page.goto(url)
    page.locator("#input-members").fill("1.200")
    page.locator("#input-members").press("Enter")
    page.locator("#cell-members .cell-ok").wait_for()
    page.locator("#input-members_studied").fill("1.500")
    page.locator("#input-members_studied").press("Enter")
    page.locator("#cell-members_studied .cell-error").wait_for()
    assert (
        "nghị quyết: 1.500; Tổng số đoàn viên, hội viên cuối kỳ: 1.200"
        in page.locator("#cell-members_studied").inner_text()
    )
    page.locator("#input-members_studied").fill("1.100")
    page.locator("#input-members_studied").press("Enter")
    page.locator("#cell-members_studied .cell-error").wait_for(state="detached")
    page.reload()
    assert page.locator("#input-members").input_value() == "1.200"
    page.get_by_role("button", name="Gửi cấp trên").click()
    page.get_by_text("Đã gửi biểu mẫu lên cấp trên.").wait_for()

    # The district approver returns it with a comment.
    _sign_in(page, live_server.url, "one.approver")
    page.goto(f"{live_server.url}/figures/inbox/")
    page.get_by_role("link", name="Hội Nông dân xã Một A").click()
    page.get_by_label("Ghi chú", exact=True).fill("Kiểm tra lại số học tập")
    page.get_by_role("button", name="Trả lại kèm ghi chú").click()
    page.get_by_text("Đã trả lại đơn vị kèm ghi chú.").wait_for()

    # The clerk sees why, corrects and resubmits.
    _sign_in(page, live_server.url, "mot-a.clerk")
    page.goto(f"{live_server.url}/figures/inbox/")
    page.get_by_text("Kiểm tra lại số học tập").wait_for()
    page.goto(url)
    page.locator("#input-members_studied").fill("1.150")
    page.locator("#input-members_studied").press("Enter")
    page.locator("#cell-members_studied .cell-ok").wait_for()
    page.get_by_role("button", name="Gửi cấp trên").click()
    page.get_by_text("Đã gửi biểu mẫu lên cấp trên.").wait_for()

    # The approver approves; the form is locked.
    _sign_in(page, live_server.url, "one.approver")
    page.goto(url)
    page.get_by_role("button", name="Duyệt", exact=True).click()
    page.get_by_text("Đã duyệt: số liệu được khóa.").wait_for()
    _sign_in(page, live_server.url, "mot-a.clerk")
    page.goto(url)
    assert page.locator("#input-members").is_disabled()
    assert Submission.objects.get(organization=farmers).status == Submission.Status.APPROVED
    assert csp_violations == []
