# ruff: noqa: E501 — the fixture reports keep one paragraph per line, as real reports do
import pytest

from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check

EQUIPMENT = """STT\tTên chỉ tiêu\tTrước khi có Nghị quyết\tKết quả thực hiện\tSo sánh nghị quyết (%)
4\tTổ chức cấp xã có trang thiết bị.\tTổng số máy tính 140 máy; máy in 66 máy; bàn làm việc 531 cái; Tủ hồ sơ có 201 cái.\tTổng số máy tính hiện có 432 máy tăng {computers} máy so với trước khi ban hành Nghị quyết; máy in hiện có 374 máy, tăng 308 máy so với trước khi ban hành Nghị quyết; tủ hồ sơ hiện có 377 cái, tăng 176 cái so với trước khi ban hành Nghị quyết.\tĐảm bảo trang thiết bị làm việc.
"""

STANDARDS = """STT\tTên chỉ tiêu\tTrước khi có Nghị quyết\tKết quả thực hiện\tSo sánh nghị quyết (%)
1\tTrưởng, phó đạt chuẩn.\t<p>- Về chính trị: 27/50 đồng chí.</p> <p>- Về chuyên môn: 34/50 đồng chí.</p>\t<p>- Về chính trị: 52/52 đồng chí, chiếm tỷ lệ 100%.</p> <p>- Về chuyên môn có 52/52 đồng chí, chiếm tỷ lệ 100%.</p>\t<p>- Về chính trị: Đạt 100% (tăng {politics} đồng chí so với Nghị quyết)</p> <p>- Về chuyên môn: Đạt 100% (tăng 18 đồng chí so với Nghị quyết)</p>
\t\t- Về trình độ chính trị: Có 118/133 đồng chí, chiếm tỷ lệ 88,72%.\t- Về trình độ chính trị: Có 113/113 đồng chí, chiếm tỷ lệ 100%.\t- Về trình độ chính trị: Đạt 100% (tăng {points}% so với Nghị quyết).
"""


def test_increase_that_does_not_match_from_and_to_is_an_error():
    text = "Số máy tính của MTTQ cấp xã từ 62 máy lên 95 máy, tăng 37 máy so với năm 2016."

    [finding] = check(text, "change")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "95 − 62 = 33"
    assert finding.stated == "tăng 37"


def test_increase_matching_from_and_to_is_not_flagged():
    text = "Số máy tính của MTTQ cấp xã từ 62 máy lên 95 máy, tăng 33 máy so với năm 2016."

    assert check(text, "change") == []


def test_decrease_is_checked_the_other_way_round():
    text = "Số hộ nghèo từ 1.250 hộ giảm còn 1.100 hộ, giảm 150 hộ."

    assert check(text, "change") == []


def test_increase_in_the_annex_is_checked_against_the_baseline_column():
    assert check(EQUIPMENT.format(computers=292), "change") == []

    [finding] = check(EQUIPMENT.format(computers=290), "change")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "432 − 140 = 292"


def test_increase_of_a_count_uses_the_matching_item_of_the_baseline():
    assert check(STANDARDS.format(politics=25, points="11,28"), "change") == []

    [finding] = check(STANDARDS.format(politics=24, points="11,28"), "change")

    assert finding.computed == "52 − 27 = 25"


def test_percentage_increase_is_accepted_as_points_or_relative_change():
    assert check(STANDARDS.format(politics=25, points="12,71"), "change") == []

    [finding] = check(STANDARDS.format(politics=25, points="15,2"), "change")

    assert finding.severity is Severity.ERROR


def test_increase_guessed_from_the_sentence_is_only_a_warning():
    text = "Năm 2016 có 62 máy tính, đến nay có 95 máy, tăng 37 máy."

    [finding] = check(text, "change")

    assert finding.severity is Severity.WARNING


def test_increase_without_before_figure_is_not_checked():
    text = "Kinh phí hoạt động tăng 15 triệu đồng so với năm trước."

    assert check(text, "change") == []


def test_increase_against_the_figure_of_the_year_it_names_is_an_error():
    text = (
        "Năm 2020 toàn huyện có 146 chi hội nghề nghiệp; năm 2023 có 171 chi hội nghề nghiệp, "
        "tăng 21 chi hội so với năm 2020."
    )

    [finding] = check(text, "change")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "171 − 146 = 25"


@pytest.mark.parametrize(
    "text",
    [
        # A subset after "trong đó" is not the "after" figure; the reference year has no figure.
        "Năm 2023, Hội Nông dân có 268 tổ hợp tác, trong đó 97 tổ hợp tác liên kết tiêu thụ "
        "(tăng 31 tổ hợp tác so với năm 2019).",
        "Đến nay toàn tỉnh có 1.920 câu lạc bộ, trong đó 640 câu lạc bộ dưỡng sinh, tăng 85 "
        "câu lạc bộ so với năm 2021.",
        # The year compared with has no figure of its own in the sentence.
        "Năm 2023 có 412 tổ tự quản, tăng 40 tổ so với năm 2018.",
    ],
)
def test_increase_whose_reference_figure_is_not_written_is_not_judged(text):
    assert check(text, "change") == []
