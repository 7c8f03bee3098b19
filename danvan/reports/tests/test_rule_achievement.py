# ruff: noqa: E501 — the fixture reports keep one paragraph per line, as real reports do
from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check

ANNEX = """SỐ LIỆU KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU

STT\tTên chỉ tiêu Nghị quyết\tTrước khi có Nghị quyết\tKết quả thực hiện\tSo sánh nghị quyết (%)
1\tChủ tịch, trưởng các đoàn thể cấp xã phấn đấu trên 60% có trình độ đại học.\tCó 242/456 đồng chí, chiếm tỷ lệ 53,07%.\tCó 353/449 đồng chí, chiếm tỷ lệ 78,62%.\t{first}
2\tPhấn đấu đến năm 2020, số hộ có đoàn viên, hội viên đạt 80% và tổ chức cơ sở vững mạnh hàng năm trên 85%.\tSố hộ có đoàn viên, hội viên đạt 72,14%.\tSố hộ có đoàn viên, hội viên đạt 83,59%.\t{second}
\t\tTổ chức cơ sở vững mạnh chiếm tỷ lệ 90,32%.\tTổ chức cơ sở vững mạnh chiếm tỷ lệ 99,74%.\t{third}
3\tĐiều động cán bộ sang công tác ở Mặt trận: cấp tỉnh từ 5 - 6 đồng chí.\t\tCấp tỉnh: 12 đồng chí.\t{fourth}
"""


def annex(
    first="Đạt 131,03% chỉ tiêu nghị quyết.",
    second="Đạt 104,49% chỉ tiêu nghị quyết.",
    third="Đạt 117,34% chỉ tiêu Nghị quyết.",
    fourth="Đạt 200% chỉ tiêu Nghị quyết.",
) -> str:
    return ANNEX.format(first=first, second=second, third=third, fourth=fourth)


def test_achievement_that_does_not_match_value_and_target_is_an_error():
    text = "Tỷ lệ hộ có đoàn viên, hội viên đạt 85,3%, đạt 104,2% chỉ tiêu (chỉ tiêu 82%)."

    [finding] = check(text, "achievement")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "85,3% / 82% = 104,02%"
    assert "104,0%" in finding.suggestion


def test_achievement_matching_value_and_target_is_not_flagged():
    text = "Tỷ lệ hộ có đoàn viên, hội viên đạt 85,3%, đạt 104,02% chỉ tiêu (chỉ tiêu 82%)."

    assert check(text, "achievement") == []


def test_correct_achievements_in_the_annex_are_not_flagged():
    assert check(annex(), "achievement") == []


def test_wrong_achievement_in_the_annex_is_reported():
    findings = check(annex(first="Đạt 113,03% chỉ tiêu nghị quyết."), "achievement")

    [finding] = findings
    # Result and target (a floor: "trên 60%") are in other cells of the row: all stated.
    assert finding.severity is Severity.ERROR
    assert finding.location.table == 0 and finding.location.row == 1
    assert "78,62% / 60% = 131,03%" in finding.computed


def test_achievement_against_a_target_quoted_elsewhere_is_a_warning():
    text = annex(second="Đạt 101,94% chỉ tiêu nghị quyết Tỉnh ủy năm 2021.") + (
        "\nIV. NHIỆM VỤ\n\nTiếp tục tập hợp quần chúng, với chỉ tiêu cụ thể đến năm 2025 số hộ "
        "có đoàn viên, hội viên đạt 82% tổng số hộ.\n"
    )

    [finding] = check(text, "achievement")

    assert finding.severity is Severity.WARNING
    assert "83,59% / 82% = 101,94%" in finding.computed
    assert "năm 2025" in finding.explanation


def test_achievement_with_a_qualifier_is_not_checked():
    text = "Có một chỉ tiêu đạt trên 93,54% so với Nghị quyết (chỉ tiêu 98%)."

    assert check(text, "achievement") == []


def test_achievement_of_a_count_target_uses_the_range_end():
    assert check(annex(fourth="Đạt 200% chỉ tiêu Nghị quyết."), "achievement") == []


def test_claim_pairs_with_the_rate_of_its_own_clause_not_another_sentence():
    text = (
        "Tỷ lệ chi bộ được xếp loại hoàn thành tốt nhiệm vụ đạt 93,5%. Tỷ lệ đảng viên được "
        "tập huấn nghiệp vụ đạt 78,2%, đạt 106,9% chỉ tiêu (chỉ tiêu 75%)."
    )

    [finding] = check(text, "achievement")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "78,2% / 75% = 104,27%"


def test_count_target_of_another_noun_is_not_divided():
    text = (
        "Chỉ tiêu Nghị quyết là kết nạp 1.800 đoàn viên mới. Năm 2023, giúp 405 hộ thoát "
        "nghèo, đạt 112,5% chỉ tiêu."
    )

    assert check(text) == []


def test_result_followed_by_vuot_chi_tieu_is_not_taken_for_a_target():
    text = (
        "Năm 2023 Hội Nông dân kết nạp 1.512 hội viên mới, vượt 26% chỉ tiêu.\n\n"
        "Phấn đấu hằng năm kết nạp 1.200 hội viên mới; năm 2024 kết nạp 1.380 hội viên, "
        "đạt 115% chỉ tiêu."
    )

    assert check(text) == []


def test_several_possible_targets_give_no_list_of_divisions():
    text = (
        "Tỷ lệ khu dân cư văn hóa đạt 88,1%, đạt 97% chỉ tiêu, với chỉ tiêu hộ văn hóa 90% và "
        "chỉ tiêu khu dân cư 85%."
    )

    assert check(text, "achievement") == []


WOMEN_ANNEX = """PHỤ LỤC KẾT QUẢ CHỈ TIÊU

STT\tChỉ tiêu\tKết quả thực hiện\tSo sánh với chỉ tiêu
1\tPhấn đấu 70% trở lên chi hội phụ nữ xếp loại khá.\tCó 412/556 chi hội xếp loại khá, chiếm tỷ lệ 74,1%.\t{claim}
"""


def test_annex_row_with_result_and_floor_target_in_other_cells_is_an_error():
    [finding] = check(WOMEN_ANNEX.format(claim="Đạt 108,6% chỉ tiêu."), "achievement")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "74,1% / 70% = 105,86%"


def test_annex_row_whose_claim_divides_is_not_flagged():
    assert check(WOMEN_ANNEX.format(claim="Đạt 105,86% chỉ tiêu.")) == []


ITEMS_ANNEX = (
    "STT\tChỉ tiêu\tKết quả thực hiện\tSo sánh với chỉ tiêu\n"
    "1\tCán bộ Hội cấp huyện đạt chuẩn về nghiệp vụ, phấn đấu trên 50% có bằng tin học.\t"
    "Cấp huyện:<p>- Về nghiệp vụ: 14/14 đồng chí, chiếm tỷ lệ 100%.</p>"
    "<p>- Về bằng tin học: 9/14 đồng chí, chiếm tỷ lệ 64,29%.</p>\t"
    "Cấp huyện:<p>- Về nghiệp vụ: Đạt 100% chỉ tiêu.</p>"
    "<p>- Về bằng tin học: Đạt {claim} chỉ tiêu.</p>\n"
)


def test_a_target_is_used_only_for_the_item_of_the_cell_it_speaks_of():
    # 100% for "nghiệp vụ" is not measured against the 50% set for "bằng tin học".
    assert check(ITEMS_ANNEX.format(claim="128,58%"), "achievement") == []

    [finding] = check(ITEMS_ANNEX.format(claim="118,58%"), "achievement")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "64,29% / 50% = 128,58%"


def test_exceeding_a_rate_target_by_points_is_accepted():
    text = "Tỷ lệ hộ dùng nước sạch đạt 87,5%, vượt 2,5% chỉ tiêu (chỉ tiêu 85%)."

    assert check(text, "achievement") == []
