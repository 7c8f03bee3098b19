# ruff: noqa: E501 — the fixture reports keep one paragraph per line, as real reports do
from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check

TEXT = """I. KẾT QUẢ

Phấn đấu đến năm 2020, số hộ có đoàn viên, hội viên các đoàn thể chính trị - xã hội đạt 80% và tổ chức cơ sở vững mạnh hàng năm trên 85%.

Công tác tuyên truyền được quan tâm, tổ chức 278 cuộc triển khai đến cán bộ, đảng viên.

II. NHIỆM VỤ

Tiếp tục tập hợp quần chúng vào tổ chức, với chỉ tiêu cụ thể đến năm 2025 số hộ có người tham gia các đoàn thể chính trị - xã hội đạt {target}% tổng số hộ và số tổ chức cơ sở vững mạnh hàng năm đạt trên 85%.
"""


def test_target_quoted_with_another_value_elsewhere_is_a_warning():
    [finding] = check(TEXT.format(target=82), "target-differs")

    assert finding.severity is Severity.WARNING
    assert finding.stated == "82%"
    assert "80%" in finding.computed
    assert "2020" in finding.explanation and "2025" in finding.explanation


def test_target_quoted_the_same_everywhere_is_not_flagged():
    assert check(TEXT.format(target=80), "target-differs") == []


def test_a_result_measured_against_a_target_is_not_a_second_target():
    text = (
        "Chỉ tiêu xây dựng nhà Đại đoàn kết toàn tỉnh đến năm 2025 là 450 căn.\n\n"
        "Số nhà Đại đoàn kết xây dựng toàn tỉnh đến năm 2023 là 482 căn, vượt 7% chỉ tiêu."
    )

    assert check(text, "target-differs") == []
