from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check

SENTENCE = (
    "Đầu nhiệm kỳ có 300.000 đoàn viên, hội viên; phát triển mới được 50.000 đoàn viên, hội "
    "viên; củng cố ra khỏi tổ chức 20.000 đoàn viên, hội viên, tổng số đoàn viên, hội viên "
    "hiện nay là {end} đoàn viên, hội viên."
)


def test_stock_and_flow_that_do_not_reconcile_are_a_warning():
    [finding] = check(SENTENCE.format(end="320.000"), "stock-flow")

    assert finding.severity is Severity.WARNING
    assert finding.computed == "300.000 + 50.000 − 20.000 = 330.000"


def test_stock_and_flow_that_reconcile_are_not_flagged():
    assert check(SENTENCE.format(end="330.000"), "stock-flow") == []


def test_start_is_taken_from_the_annex_baseline_column():
    text = (
        "Phát triển mới được 172.537 đoàn viên, hội viên; củng cố ra khỏi tổ chức 118.135 đoàn "
        "viên, hội viên, tổng số đoàn viên, hội viên hiện nay là 322.951 đoàn viên, hội viên.\n\n"
        "STT\tTên chỉ tiêu\tTrước khi có Nghị quyết\tKết quả thực hiện\n"
        "3\tHọc tập nghị quyết.\tCó 251.120/313.900 đoàn viên, hội viên tham gia.\tCó 95,45%.\n"
    )

    [finding] = check(text, "stock-flow")

    assert finding.computed == "313.900 + 172.537 − 118.135 = 368.302"
    assert finding.related[0].table == 0


def test_flows_without_a_start_are_not_checked():
    text = (
        "Phát triển mới được 172.537 đoàn viên, hội viên; củng cố ra khỏi tổ chức 118.135 đoàn "
        "viên, hội viên, tổng số hiện nay là 322.951 đoàn viên, hội viên."
    )

    assert check(text, "stock-flow") == []
