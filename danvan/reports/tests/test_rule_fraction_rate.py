from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check


def test_rate_that_does_not_match_its_fraction_is_an_error():
    text = "Cấp xã có 215/240 đồng chí đạt chuẩn về chuyên môn, chiếm tỷ lệ 91,58%."

    [finding] = check(text, "fraction-rate")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "215/240 = 89,58%"
    assert "89,58%" in finding.suggestion
    assert finding.quote == "215/240 đồng chí đạt chuẩn về chuyên môn, chiếm tỷ lệ 91,58%"


def test_rate_within_its_rounding_is_not_flagged():
    text = (
        "Về trình độ chuyên môn: Có 110/133 đồng chí, chiếm tỷ lệ 82,7%. "
        "Về trình độ chính trị có 366/456 đồng chí, chiếm tỷ lệ 80,26%. "
        "Về chính trị: 52/52 đồng chí, chiếm tỷ lệ 100%."
    )

    assert check(text, "fraction-rate") == []


def test_rate_rounded_down_is_only_a_note():
    # 353/449 = 78,619…: 78,62 rounded half-up, 78,61 cut off.
    text = "Về trình độ đại học có: 353/449 đồng chí, chiếm tỷ lệ 78,61%."

    [finding] = check(text, "fraction-rate")

    assert finding.severity is Severity.NOTE


def test_rate_in_brackets_after_the_fraction_is_checked():
    text = "Số đoàn viên tham gia sinh hoạt là 418/450 đồng chí (93,1%)."

    [finding] = check(text, "fraction-rate")

    assert finding.severity is Severity.ERROR


def test_rate_written_before_its_fraction_is_checked():
    text = "Tỷ lệ đạt chuẩn 98,88% (426/449 đồng chí)."

    [finding] = check(text, "fraction-rate")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "426/449 = 94,88%"


def test_rate_and_fraction_of_different_years_is_only_a_warning():
    text = "Tổ chức cơ sở vững mạnh, chiếm tỷ lệ 99,74%, năm 2020 là 373/375."

    [finding] = check(text, "fraction-rate")

    assert finding.severity is Severity.WARNING
    assert "thứ tự" in finding.explanation


def test_date_next_to_a_rate_is_not_read_as_a_fraction():
    text = "Theo Nghị quyết số 06-NQ/TU ngày 21/7/2016, tỷ lệ hộ tham gia đạt 72,14%."

    assert check(text) == []


def test_achievement_percent_after_a_fraction_is_not_its_rate():
    text = "Có 308.222/322.915 đoàn viên tham gia, đạt 97,4% chỉ tiêu nghị quyết."

    assert check(text, "fraction-rate") == []


def test_count_rate_with_an_unstated_base_is_accepted_when_some_base_fits():
    text = (
        "Toàn tỉnh đã tiếp nhận 14.243 vụ việc; đưa ra hòa giải 14.144 vụ việc, đạt 99,30%; "
        "trong đó: Hòa giải thành 12.983 vụ việc, đạt 91,15%."
    )

    assert check(text) == []


def test_count_rate_that_no_stated_base_gives_is_a_warning():
    text = "Toàn tỉnh đã tiếp nhận 1.200 vụ việc; hòa giải thành 1.000 vụ việc, đạt 80,5%."

    [finding] = check(text, "stated-base-rate")

    assert finding.severity is Severity.WARNING
    assert "1.000/1.200 = 83,33%" in finding.computed


def test_number_inside_a_quoted_title_does_not_separate_a_fraction_from_its_rate():
    text = 'Có 318/402 khu dân cư đạt danh hiệu "Khu dân cư 3 không", chiếm tỷ lệ 81,2%.'

    [finding] = check(text, "fraction-rate")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "318/402 = 79,10%"
