from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from danvan.reports.checker.numbers import (
    Kind,
    extract,
    format_number,
    measures,
    parse_number,
    within_one_unit,
    within_rounding,
)


def test_dot_groups_thousands_and_comma_marks_decimals():
    found = measures("đến 29.576 lượt cán bộ, đảng viên, đạt tỷ lệ 99,17%")

    assert [(q.value, q.kind) for q in found] == [
        (Decimal(29576), Kind.COUNT),
        (Decimal("99.17"), Kind.PERCENT),
    ]
    assert found[0].unit == "lượt"
    assert found[1].decimals == 2


def test_leading_zero_is_an_ordinary_count():
    found = measures("có 08 đơn vị hành chính cấp huyện (02 thành phố, 01 thị xã và 05 huyện)")

    assert [q.value for q in found] == [8, 2, 1, 5]
    assert found[0].unit == "đơn vị"


def test_money_keeps_its_scale_word_as_unit():
    found = measures("tặng 55.463 suất học bổng trị giá trên 31 tỷ đồng")

    assert found[1].value == 31
    assert found[1].unit == "tỷ đồng"
    assert found[1].qualifier == "trên"


def test_fraction_keeps_numerator_and_denominator():
    [fraction] = measures("Có 308.222/322.915 đoàn viên, hội viên tham gia học tập")

    assert fraction.kind is Kind.FRACTION
    assert (fraction.numerator, fraction.denominator) == (308222, 322915)
    assert fraction.unit == "đoàn viên"


def test_dates_symbols_years_and_ranges_are_not_figures():
    text = (
        "Nghị quyết số 06-NQ/TU ngày 21/7/2016 giai đoạn 2016 - 2020; Kết luận số 62-KL/TW "
        "ngày 08/12/2009; Nghị quyết số 10/2017/NQ-HĐND; Chỉ thị số 08-CT/TU ngày 7/7/2021"
    )

    assert measures(text) == []


def test_month_and_year_is_a_date_not_a_fraction():
    assert measures("trong tháng 6/2021 và đến 12/2022") == []


def test_identifier_after_so_is_not_counted_but_tong_so_is():
    found = measures("chỉ tiêu số 3 và tổng số 1.435 cuộc")

    assert [q.value for q in found] == [1435]


def test_list_of_indicator_numbers_is_not_a_decimal():
    kinds = {q.kind for q in extract("gồm chỉ tiêu số 1,2,4,5")}

    assert Kind.PERCENT not in kinds and Kind.COUNT not in kinds


def test_section_numbering_is_not_a_figure():
    assert measures("2.1. Kết quả thực hiện các chỉ tiêu") == []


def test_range_ends_are_marked_approximate():
    found = measures("cấp tỉnh từ 5 - 6 đồng chí, cấp huyện từ 35 - 40 đồng chí")

    assert [q.value for q in found] == [5, 6, 35, 40]
    assert all(q.approximate for q in found)


def test_number_words_count_only_before_a_counting_noun():
    found = measures("thành lập hai đoàn khảo sát; một số cán bộ; năm 2020")

    assert [(q.value, q.word) for q in found] == [(2, True)]


def test_rate_within_its_own_rounding_is_accepted():
    exact = Decimal(110) / Decimal(133) * 100  # 82,706…

    assert within_rounding(Decimal("82.7"), 1, exact)
    assert not within_rounding(Decimal("82.8"), 1, exact)


def test_rounding_is_half_up():
    assert within_rounding(Decimal("0.13"), 2, Decimal("0.125"))
    assert not within_rounding(Decimal("0.12"), 2, Decimal("0.125"))


def test_truncated_rate_is_within_one_unit_but_not_within_rounding():
    exact = Decimal("91.157")

    assert not within_rounding(Decimal("91.15"), 2, exact)
    assert within_one_unit(Decimal("91.15"), 2, exact)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_formatted_numbers_read_back_to_the_same_value(value):
    text = format_number(value, 2)

    assert parse_number(text) == (value, 2)


def test_money_is_written_in_billions_or_millions_without_trailing_zeros():
    from decimal import Decimal

    from danvan.reports.exporter import fmt_money

    assert fmt_money(Decimal(2_800_000)) == "2,8 triệu đồng"
    assert fmt_money(Decimal(31_000_000)) == "31 triệu đồng"
    assert fmt_money(Decimal(140_512_000_000)) == "140,51 tỷ đồng"
    assert fmt_money(None) == "chưa có số liệu"
