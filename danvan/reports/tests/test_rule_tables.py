"""Figures a table gives cell by cell: total rows, plan / result / rate, rate rows, counts."""

import pytest

from danvan.reports.checker import Severity, check_document, read_file
from danvan.reports.tests.factories import check, docx_report

LEVELS = """Bảng: kết quả tiếp xúc cử tri năm 2022

| Đơn vị | Số cuộc tiếp xúc | Số cử tri tham dự | Tỷ lệ có ý kiến (%) |
|---|---|---|---|
| Cấp tỉnh | 8 | 1.120 | 12,5 |
| Cấp huyện | 54 | 6.305 | 9,8 |
| Cấp xã | 391 | 30.468 | 7,1 |
| Tổng cộng | {meetings} | 37.893 | 7,6 |
"""

PLAN = """Phụ lục: thực hiện kế hoạch năm 2023 của Hội Cựu chiến binh

| STT | Nội dung | Kế hoạch | Thực hiện | So với kế hoạch (%) |
|---|---|---|---|---|
| 1 | Kết nạp hội viên | 640 | 702 | {first} |
| 2 | Hỗ trợ hội viên vay vốn (hộ) | 150 | 138 | 92 |
| 3 | Số cơ sở Hội vững mạnh | 96 | 90 | 93,75 |
"""

RATES = """Bảng số liệu giảm nghèo (xuất từ phần mềm thống kê)

| Chỉ tiêu | Năm 2020 | Năm 2021 | Năm 2022 |
|---|---|---|---|
| Tổng số nhân khẩu | 84210.00 | 85032.00 | 85977.00 |
| Số nhân khẩu thuộc hộ nghèo | 4722.00 | 3890.00 | {poor} |
| Tỷ lệ nhân khẩu thuộc hộ nghèo (%) | 5.61 | 4.57 | 3.50 |
"""


def test_total_row_that_is_not_the_sum_of_its_rows_is_an_error():
    [finding] = check(LEVELS.format(meetings=443), "total-parts")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "8 + 54 + 391 = 453"
    assert "Số cuộc tiếp xúc" in finding.explanation


def test_total_row_that_adds_up_and_rate_columns_are_not_flagged():
    # The rate column is not a sum: 7,6 is not 12,5 + 9,8 + 7,1.
    assert check(LEVELS.format(meetings=453)) == []


def test_plan_result_rate_row_that_does_not_divide_is_an_error():
    [finding] = check(PLAN.format(first="108,7"), "achievement")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "702 / 640 = 109,69%"
    assert finding.location.row == 1 and finding.location.col == 4


def test_plan_result_rate_rows_that_divide_are_not_flagged():
    assert check(PLAN.format(first="109,69")) == []


def test_rate_rounded_down_in_a_plan_table_is_a_note():
    [finding] = check(PLAN.format(first="109,68"), "achievement")

    assert finding.severity is Severity.NOTE


def test_rate_row_against_its_count_and_total_rows_with_english_decimals():
    [finding] = check(RATES.format(poor="3109.00"), "table-rate")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "3.109 / 85.977 = 3,62%"
    assert finding.stated == "Tỷ lệ nhân khẩu thuộc hộ nghèo (%), Năm 2022: 3.50"


def test_rate_rows_that_divide_are_not_flagged():
    assert check(RATES.format(poor="3009.00")) == []


def test_household_count_with_a_fractional_part_is_an_error():
    findings = check(RATES.format(poor="3012.50"), "fractional-count")

    assert [(f.severity, f.stated) for f in findings] == [
        (Severity.ERROR, "Số nhân khẩu thuộc hộ nghèo: 3012.50")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Toàn xã có 1.204,5 hộ tham gia bảo hiểm y tế.",
        "Năm 2023 kết nạp 86,5 đoàn viên mới.",
    ],
)
def test_fractional_count_in_prose_is_an_error(text):
    [finding] = check(text, "fractional-count")

    assert finding.severity is Severity.ERROR


@pytest.mark.parametrize(
    "text",
    [
        "Bình quân mỗi chi hội có 42,6 hội viên.",
        "Quy mô trung bình 3,8 người/hộ.",
        "Thu nhập bình quân đạt 52,4 triệu đồng/người/năm.",
    ],
)
def test_averages_may_have_a_fractional_part(text):
    assert check(text, "fractional-count") == []


def test_total_row_in_a_docx_table_is_checked():
    table = [
        ["Tổ chức", "Số mô hình"],
        ["Hội Nông dân", "38"],
        ["Hội LHPN", "27"],
        ["Đoàn Thanh niên", "19"],
        ["Tổng", "94"],
    ]
    document = read_file(docx_report(["Mô hình tự quản năm 2023."], table=table), "a.docx")

    [finding] = [f for f in check_document(document) if f.rule == "total-parts"]

    assert finding.computed == "38 + 27 + 19 = 84"


BY_LEVEL = """Hội Nông dân các cấp tổ chức {classes} lớp dạy nghề cho 2.930 hội viên, như sau:

| Cấp Hội | Số lớp | Số hội viên học nghề |
|---|---|---|
| Cấp tỉnh | 7 | 245 |
| Cấp huyện | 41 | 1.210 |
| Cấp xã | 58 | 1.475 |
"""


def test_total_in_the_paragraph_against_the_table_of_levels_below_it():
    [finding] = check(BY_LEVEL.format(classes=116), "total-parts")

    assert finding.severity is Severity.ERROR
    assert finding.stated == "116 lớp"
    assert finding.computed == "Cấp tỉnh 7 + Cấp huyện 41 + Cấp xã 58 = 106"


def test_paragraph_and_table_of_levels_that_agree_are_not_flagged():
    assert check(BY_LEVEL.format(classes=106)) == []


def test_table_of_some_organizations_is_not_taken_for_a_breakdown_of_the_paragraph():
    text = (
        "Các đoàn thể tổ chức 96 lớp tập huấn, trong đó có các lớp sau:\n\n"
        "| Tổ chức | Số lớp |\n|---|---|\n| Hội Nông dân | 31 |\n| Hội LHPN | 27 |\n"
    )

    assert check(text, "total-parts") == []


def test_a_comparison_column_of_a_count_row_is_not_a_fractional_count():
    text = (
        "| Chỉ tiêu | Kế hoạch | Thực hiện | So sánh (%) |\n|---|---|---|---|\n"
        "| Số người được tư vấn việc làm | 4.000 | 4.230 | 105,75 |\n"
    )

    assert check(text) == []


COLUMNS = """| Chức danh | Nam | Nữ | Tổng số |
|---|---|---|---|
| Chủ tịch Hội cấp xã | 41 | 34 | {presidents} |
| Phó Chủ tịch Hội cấp xã | 52 | 63 | 115 |
"""


def test_total_column_against_the_columns_of_sexes_beside_it():
    [finding] = check(COLUMNS.format(presidents=85), "total-parts")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "Nam 41 + Nữ 34 = 75"


def test_total_column_that_adds_up_is_not_flagged():
    assert check(COLUMNS.format(presidents=75)) == []


def test_total_column_beside_columns_that_are_not_a_partition_is_not_compared():
    text = "| Huyện | Số hộ | Số hộ nghèo | Tổng |\n|---|---|---|---|\n| A | 1.200 | 45 | 1.300 |\n"

    assert check(text, "total-parts") == []
