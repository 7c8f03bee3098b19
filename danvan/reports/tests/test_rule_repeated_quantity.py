# ruff: noqa: E501 — the fixture reports keep one paragraph per line, as real reports do
import pytest

from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check

TEXT = """2.5. Nâng cao chất lượng tổ chức

Tổng số đoàn viên, hội viên các đoàn thể chính trị - xã hội toàn tỉnh hiện nay là {text} đoàn viên, hội viên.

STT\tTên chỉ tiêu\tKết quả thực hiện
3\tĐoàn viên, hội viên tham gia học tập.\tCó 308.222/{annex} đoàn viên, hội viên tham gia học tập các chỉ thị, nghị quyết, chiếm tỷ lệ 95,45%.
"""


def test_same_count_with_swapped_digits_in_two_places_is_a_warning():
    [finding] = check(TEXT.format(text="322.951", annex="322.915"), "same-quantity")

    assert finding.severity is Severity.WARNING
    assert finding.stated.startswith("322.915")
    assert "322.951" in finding.computed
    assert finding.related[0].paragraph is not None


def test_same_count_with_the_same_value_is_not_flagged():
    assert check(TEXT.format(text="322.915", annex="322.915"), "same-quantity") == []


def test_different_counts_of_the_same_unit_are_not_flagged():
    assert check(TEXT.format(text="310.400", annex="322.915"), "same-quantity") == []


def test_counts_in_the_same_sentence_are_different_quantities():
    text = "Tiếp nhận 14.243 vụ việc; đưa ra hòa giải 14.234 vụ việc."

    assert check(text, "same-quantity") == []


@pytest.mark.parametrize(
    ("first", "second"),
    [("27.418", "27.481"), ("27.418", "27.419")],
)
def test_one_quantity_stated_twice_with_a_slip_is_an_error(first, second):
    text = (
        f"Tính đến tháng 12 năm 2022, số đoàn viên công đoàn khu vực doanh nghiệp cấp huyện là "
        f"{first} đoàn viên.\n\n"
        "Trong năm, công đoàn các cấp tổ chức nhiều hoạt động chăm lo.\n\n"
        f"Tính đến tháng 12 năm 2022, số đoàn viên công đoàn khu vực doanh nghiệp cấp huyện là "
        f"{second} đoàn viên, tăng so với năm trước."
    )

    [finding] = check(text, "same-quantity")

    assert finding.severity is Severity.ERROR
    assert finding.stated == f"{second} đoàn viên"


@pytest.mark.parametrize(
    "text",
    [
        # Another year.
        "Năm 2021, Hội có 16.384 hội viên nông dân. Năm 2022, Hội có 16.348 hội viên nông dân.",
        # Another level.
        "Cấp huyện có 16.384 hội viên phụ nữ tham gia. Cấp xã có 16.348 hội viên phụ nữ tham gia.",
    ],
)
def test_slip_like_figures_of_another_year_or_level_are_not_compared(text):
    assert check(text, "same-quantity") == []
