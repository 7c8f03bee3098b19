"""Across the 2025 reform, in Debian's Chromium (issue 12): a new commune's clerk enters
2026, the city approves it directly (no district in between), and the city's ten-year
dashboard and report show 2026 beside the history carried from the former units."""

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
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("pw-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def _enter(page, code, raw):  # type: ignore[no-untyped-def]
    page.locator(f"#input-{code}").fill(raw)
    page.locator(f"#input-{code}").press("Enter")
    page.locator(f"#cell-{code} .cell-ok").wait_for()


def _city_studied_2026(world):  # type: ignore[no-untyped-def]
    from danvan.geography.territory import territory_of
    from danvan.indicators.results import results_read

    part = world.resolution.indicators.get(number=1).parts.get(code="members-studied")
    (row,) = results_read(
        world.resolution,
        units=[world.city],
        period_ids=["2026"],
        parts=[part],
        territory=territory_of(world.province, world.city),
    )
    return row


def test_a_new_commune_enters_2026_the_city_approves_and_the_review_shows_it_beside_history(
    live_server, page, csp_violations, reform_browser_world
):
    from danvan.datasets.models import Submission

    world = reform_browser_world
    base = live_server.url
    slug = world.resolution.slug

    # The new commune's clerk finds the Farmers' Union form of 2026 and fills it.
    _sign_in(page, base, "phuanbinh.clerk")
    page.goto(f"{base}/figures/?data_set=nq06-org&period=2026")
    page.get_by_role("link", name="Hội Nông dân xã Phú An Bình").click()
    page.wait_for_url("**/figures/nq06-org/2026/organization/**")
    page.wait_for_load_state("load")
    _enter(page, "members", "1.600")
    _enter(page, "members_studied", "1.584")
    page.wait_for_function("!document.querySelector('#submit-check button').disabled")
    page.get_by_role("button", name="Gửi cấp trên").click()
    page.get_by_text("Đã gửi biểu mẫu lên cấp trên.").wait_for()

    # Submitted, not yet approved: the city's figures (approved forms count) lack 2026.
    (submission,) = Submission.objects.filter(unit=world.commune, period_id="2026")
    assert submission.status == Submission.Status.SUBMITTED
    assert _city_studied_2026(world).value is None

    # The city's approver decides the commune's form directly: no district in between.
    _sign_in(page, base, "taydo.approver")
    waiting = page.locator("section[aria-labelledby=work-decide]")
    waiting.get_by_role("link", name="Hội Nông dân xã Phú An Bình · Năm 2026").click()
    page.get_by_role("button", name="Duyệt", exact=True).click()
    page.get_by_text("Không còn biểu mẫu nào chờ bạn duyệt.").wait_for()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    assert submission.decided_by == world.approver

    # The city's analyst: 2026 beside the carried history, on the dashboard…
    _sign_in(page, base, "taydo.analyst")
    page.goto(f"{base}/indicators/{slug}/?unit={world.city.pk}&period=2026")
    studied = page.locator("article.card", has_text="Đoàn viên, hội viên tham gia học tập")
    card = studied.inner_text()
    assert "99,00%" in card and "1.584/1.600" in card  # 2026, approved
    assert "80,00%" in card and "1.200" in card  # the 2016 baseline of the two old communes
    assert "Trước 01/7/2025 (2021) → sau (2026): 96,00% → 99,00%" in card
    studied.locator("[data-spec-id] svg").wait_for()

    # 2021 at the city is the old communes' figures: drill-down names them and the share.
    page.get_by_label("Năm").select_option("2021")
    page.wait_for_url("**period=2021**")
    studied = page.locator("article.card", has_text="Đoàn viên, hội viên tham gia học tập")
    assert "1.440/1.500" in studied.inner_text()
    studied.locator("p.big a").click()
    page.wait_for_url("**/sources/members-studied/**")
    sources = page.locator("table tbody tr").all_inner_texts()
    assert len(sources) == 4  # members and members studied of the two old communes
    assert all("Xã Phú An Bình × 1,0000" in row for row in sources)
    assert sorted(row.split("\t")[0] for row in sources) == ["Xã Phú An"] * 2 + ["Xã Phú Bình"] * 2

    # … and in the ten-year review's annex, with the district part ended by the reform.
    page.goto(f"{base}/reports/?resolution={slug}&unit={world.city.pk}&period=2026&baseline=2016")
    annex = page.locator("table.annex")
    header = annex.locator("thead th").all_inner_texts()
    studied_row = annex.locator("tbody tr", has_text="Đoàn viên, hội viên tham gia học tập")
    before, midterm, result = (studied_row.locator("td").nth(n).inner_text() for n in (2, 3, 4))
    district_row = annex.locator("tbody tr", has_text="Về trình độ chính trị")
    district = [district_row.locator("td").nth(n).inner_text() for n in (2, 3, 4)]

    assert header[2:5] == [
        "Trước khi có Nghị quyết",
        "Sơ kết 5 năm (năm 2021)",
        "Kết quả thực hiện",
    ]
    assert "1.200/1.500 đoàn viên, hội viên, chiếm tỷ lệ 80%" in before  # carried, 2016
    assert "1.440/1.500 đoàn viên, hội viên, chiếm tỷ lệ 96%" in midterm  # carried, 2021
    assert "1.584/1.600 đoàn viên, hội viên, chiếm tỷ lệ 99%" in result  # entered above
    assert "4/5 đồng chí" in district[0] and "5/5 đồng chí" in district[1]
    assert "không còn cấp huyện từ 01/7/2025" in district[2]
    assert not any("chưa có số liệu" in cell for cell in district)
    assert csp_violations == []
