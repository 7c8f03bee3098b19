"""A count's rate against the base the text gives for it (same clause, or named in words)."""

import pytest

from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check


@pytest.mark.parametrize(
    ("text", "computed"),
    [
        (
            "Các tổ hòa giải ở cơ sở thụ lý 538 vụ việc, trong đó hòa giải thành 467 vụ việc, "
            "đạt tỷ lệ 89,2%.",
            "467/538 = 86,80%",
        ),
        (
            "Hội Cựu chiến binh tiếp nhận 96 đơn thư của hội viên, đã giải quyết 81 đơn thư, "
            "chiếm 88,5%.",
            "81/96 = 84,38%",
        ),
        (
            "Công đoàn cơ sở đề xuất 1.140 lượt người, gồm 902 lượt người được khen, bằng 82,4%.",
            "902/1.140 = 79,12%",
        ),
    ],
)
def test_rate_against_its_base_in_the_same_clause_is_an_error(text, computed):
    [finding] = check(text, "stated-base-rate")

    assert finding.severity is Severity.ERROR
    assert finding.computed == computed


def test_each_year_of_a_year_by_year_list_pairs_with_its_own_clause():
    text = (
        "Năm 2020, Mặt trận các xã nhận 312 ý kiến, kiến nghị, đã chuyển 300 ý kiến, đạt 96,15%, "
        "năm 2021 nhận 405 ý kiến, kiến nghị, đã chuyển 371 ý kiến, đạt 93,6%; năm 2022 nhận "
        "388 ý kiến, kiến nghị, đã chuyển 380 ý kiến, đạt 97,94%."
    )

    findings = check(text, "stated-base-rate")

    assert [(f.severity, f.stated, f.computed) for f in findings] == [
        (Severity.ERROR, "93,6%", "371/405 = 91,60%")
    ]


def test_base_named_in_words_with_the_part_noun_before_its_number():
    text = (
        "Năm 2023, Hội Liên hiệp Phụ nữ giới thiệu 2.450 hộ vay vốn ưu đãi. Trong đó hộ do phụ "
        "nữ làm chủ 1.715, đạt 72,5% so với tổng số hộ vay vốn."
    )

    [finding] = check(text, "stated-base-rate")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "1.715/2.450 = 70,00%"
    assert finding.quote.startswith("2.450 hộ")


@pytest.mark.parametrize(
    "text",
    [
        # Sibling categories with one unwritten base, consistent with it.
        "Cuối năm 2023, huyện còn 1.132 hộ nghèo, chiếm 2,41%; hộ cận nghèo 1.904 hộ, chiếm 4,05%.",
        "Toàn huyện có 1.132 hộ nghèo, chiếm 2,41%, hộ cận nghèo 1.904 hộ, chiếm 4,05%.",
        # The base is right.
        "Tổ hòa giải thụ lý 538 vụ việc, trong đó hòa giải thành 467 vụ việc, đạt 86,8%.",
        "Năm 2022 nhận 388 ý kiến, đã chuyển 380 ý kiến, đạt 97,94%; năm 2023 nhận 410 ý "
        "kiến, đã chuyển 400 ý kiến, đạt 97,56%.",
        # Two earlier counts of the unit in the clause: which is the base is not written.
        "Đoàn xã có 640 đoàn viên, sinh hoạt tại chỗ 520 đoàn viên, đi làm ăn xa 96 đoàn viên, "
        "chiếm 12%.",
        # An achievement against a plan is not a share of a total.
        "Kết nạp 1.200 hội viên trên 1.500 hội viên, đạt 105% kế hoạch.",
    ],
)
def test_rates_whose_base_is_not_written_or_right_stay_silent(text):
    assert check(text, "stated-base-rate") == []


def test_rate_that_another_total_of_the_sentence_gives_is_not_judged():
    # 1.530 / 1.642 = 93,18%: the rate is of the first total, not of the one in its clause.
    text = (
        "Hội nhận 1.642 đơn, thư của hội viên; đã chuyển cơ quan chức năng 1.601 đơn, thư, "
        "trong đó đã giải quyết 1.530 đơn, thư, đạt 93,18%."
    )

    assert check(text, "stated-base-rate") == []


def test_rate_of_a_count_that_has_its_own_rate_is_accepted_when_it_gives_it():
    # 790 / 812 = 97,29%: the base is the forwarded count, which carries a rate of its own.
    text = (
        "Năm 2023 tiếp nhận 840 kiến nghị; đã chuyển 812 kiến nghị, đạt 96,67%; đã được trả "
        "lời 790 kiến nghị, đạt 97,29%."
    )

    assert check(text) == []


def test_money_reached_is_read_against_an_unwritten_plan_not_an_earlier_sum():
    text = "Quỹ Vì người nghèo vận động được 12,4 tỷ đồng, đã chi hỗ trợ 9,3 tỷ đồng, đạt 93%."

    assert check(text, "stated-base-rate") == []
