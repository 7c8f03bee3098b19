# ruff: noqa: E501 — the fixture reports keep one paragraph per line, as real reports do
from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check

TEXT = """2.1. Kết quả thực hiện các chỉ tiêu

Đến nay đã thực hiện vượt 4/5 chỉ tiêu đề ra (gồm chỉ tiêu số 1,2,4,5), có một chỉ tiêu đạt trên {rate}% so với Nghị quyết^[3], do đoàn viên đi làm xa.

^[3] Đó là chỉ tiêu số 3 (Đoàn viên, hội viên tham gia học tập các chỉ thị, nghị quyết từ 98% trở lên).

STT\tTên chỉ tiêu Nghị quyết\tTrước khi có Nghị quyết\tKết quả thực hiện\tSo sánh nghị quyết (%)
3\tĐoàn viên, hội viên tham gia học tập từ 98% trở lên.\tCó 251.120/313.900 đoàn viên, chiếm tỷ lệ 80%.\tCó 308.222/322.915 đoàn viên, hội viên, chiếm tỷ lệ 95,45%.\tĐạt 97,4% chỉ tiêu nghị quyết.
"""


def test_rate_for_an_indicator_that_the_annex_does_not_give_is_a_warning():
    [finding] = check(TEXT.format(rate="93,54"), "indicator-reference")

    assert finding.severity is Severity.WARNING
    assert "97,4%" in finding.computed and "95,45%" in finding.computed


def test_rate_for_an_indicator_matching_the_annex_is_not_flagged():
    assert check(TEXT.format(rate="97,4"), "indicator-reference") == []
