"""Every main page fits the screen, from a 360 px phone to a 1366 px office screen."""

import os
import shutil
from pathlib import Path

import pytest

from danvan.indicators.tests.conftest import resolution  # noqa: F401  (a fixture)

CHROMIUM = os.environ.get("DANVAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason=f"{CHROMIUM} not installed (apt-get install chromium)"
    ),
]

# What sticks out past the right edge of the window, outside any scrolling box.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { inside = true; break; }
    }
    const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
    if (!inside) out.push(name + ' ' + Math.round(box.right));
  }
  return out.slice(0, 8);
}"""


def _sign_in(page, base, username):  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_the_main_pages_have_no_horizontal_overflow_at_360_and_1366_px(
    live_server,
    page,
    browser_world,
    catalogue,
    resolution,  # noqa: F811
):
    from danvan.datasets.models import DataElement
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import data_value_save, submission_submit
    from danvan.organizations.models import Organization

    world = browser_world
    farmers = Organization.objects.get(unit=world.commune_one_a, type__code="hnd")
    form = EntryForm(catalogue["nq06-org"], world.commune_one_a, farmers, period_get("2021"))
    for code, raw in (("members", "1234"), ("members_studied", "1000")):
        element = DataElement.objects.get(code=code)
        data_value_save(actor=world.district_clerk, form=form, element=element, raw=raw)
    submission_submit(actor=world.district_clerk, form=form)
    pages = [
        "/",
        "/figures/?data_set=nq06-org&period=2021",
        f"/figures/nq06-org/2021/organization/{farmers.pk}/",
        "/figures/inbox/",
        "/figures/completeness/?data_set=nq06-org&period=2021",
        "/figures/validation/?data_set=nq06-org&period=2021",
        "/figures/exchange/",
        "/indicators/",
        f"/indicators/{resolution.slug}/?period=2021",
        "/reports/",
        "/reports/check/",
        "/units/",
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing = {}
    for username in ("one.approver", "province.admin"):
        _sign_in(page, live_server.url, username)
        for width in (360, 1366):
            page.set_viewport_size({"width": width, "height": 800})
            for path in pages:
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("load")
                name = path.strip("/").split("?")[0].replace("/", "_") or "home"
                page.screenshot(path=SCREENSHOTS / f"{username}-{width}-{name}.png", full_page=True)
                found = page.evaluate(OVERFLOW)
                if found:
                    overflowing[(username, width, path)] = found

    assert overflowing == {}


def test_on_a_phone_the_logout_and_language_switch_are_reachable(live_server, page, browser_world):
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, live_server.url, "one.clerk")

    for control in (
        page.get_by_role("button", name="Đăng xuất"),
        page.get_by_role("button", name="EN"),
    ):
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/**")
