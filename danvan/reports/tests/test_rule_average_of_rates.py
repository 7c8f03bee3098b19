# ruff: noqa: E501 — the fixture reports keep one paragraph per line, as real reports do
from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check

TEXT = """MTTQ và các đoàn thể tuyên truyền cho đoàn viên, hội viên, đạt tỷ lệ {overall}%^[1].

^[1] Trong đó, Công đoàn đạt tỷ lệ 99,76%, Hội Nông dân đạt tỷ lệ 98%, Đoàn thanh niên đạt tỷ lệ 100%, Hội LHPN đạt tỷ lệ 95%, Hội Cựu chiến binh đạt tỷ lệ 100%.
"""


def test_overall_rate_equal_to_the_plain_average_is_a_note():
    [finding] = check(TEXT.format(overall="98,55"), "average-of-rates")

    assert finding.severity is Severity.NOTE
    assert finding.computed.endswith("= 98,55%")


def test_overall_rate_that_may_be_weighted_is_not_flagged():
    assert check(TEXT.format(overall="97,9"), "average-of-rates") == []


def test_overall_rate_outside_its_parts_is_a_warning():
    [finding] = check(TEXT.format(overall="94,2"), "average-of-rates")

    assert finding.severity is Severity.WARNING


def test_average_in_the_same_sentence_is_found():
    text = "Tỷ lệ tham gia đạt 91%, trong đó cấp huyện 90%, cấp xã 92%."

    [finding] = check(text, "average-of-rates")

    assert finding.severity is Severity.NOTE
