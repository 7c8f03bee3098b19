import pytest

from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check


def test_parts_by_level_that_do_not_add_up_are_an_error():
    text = (
        "Trong năm, MTTQ các cấp tổ chức 326 cuộc giám sát, trong đó cấp huyện 48 cuộc, "
        "cấp xã 268 cuộc."
    )

    [finding] = check(text, "total-parts")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "cấp huyện 48 + cấp xã 268 = 316"


def test_parts_that_add_up_are_not_flagged():
    text = (
        "Trong năm, MTTQ các cấp tổ chức 326 cuộc giám sát, trong đó cấp huyện 58 cuộc, "
        "cấp xã 268 cuộc."
    )

    assert check(text, "total-parts") == []


def test_total_far_from_its_parts_with_dates_between_is_still_found():
    text = (
        "MTTQ và đoàn thể các cấp trong tỉnh đã tổ chức 1.435 cuộc giám sát như: giám sát bầu "
        "cử nhiệm kỳ 2021 - 2026, giám sát Quyết định số 26/2012/QĐ-UBND ngày 17/8/2012,... "
        "trong đó cấp tỉnh tổ chức 94 cuộc, cấp huyện tổ chức 580 cuộc, cấp xã tổ chức 873 cuộc."
    )

    [finding] = check(text, "total-parts")

    assert finding.severity is Severity.ERROR
    assert finding.computed.endswith("= 1.547")


def test_single_subset_after_trong_do_is_not_a_partition():
    text = (
        "Điều động 97 cán bộ thuộc khối Đảng sang công tác tại cơ quan MTTQ (trong đó, có 65 "
        "đồng chí giữ chức vụ lãnh đạo)."
    )

    assert check(text, "total-parts") == []


def test_unlabelled_parts_exceeding_the_total_may_overlap_and_are_not_flagged():
    text = (
        "Kết nạp mới 120 hội viên, trong đó 80 hội viên là thanh niên, 60 hội viên là người "
        "dân tộc thiểu số."
    )

    assert check(text, "total-parts") == []


def test_unlabelled_parts_below_the_total_are_not_flagged():
    text = "Kết nạp mới 120 hội viên, trong đó 40 hội viên là thanh niên, 30 hội viên là nữ giới."

    assert check(text, "total-parts") == []


def test_parts_in_another_unit_are_not_compared():
    text = "Tổ chức 12 cuộc hội nghị, trong đó có 1.497 ý kiến, 4.977 góp ý."

    assert check(text, "total-parts") == []


@pytest.mark.parametrize(
    ("text", "computed"),
    [
        (
            "Năm 2022, Hội Cựu chiến binh các cấp tổ chức 238 cuộc giám sát. Trong đó, cấp tỉnh "
            "9 cuộc, cấp huyện 61 cuộc, cấp xã 158 cuộc.",
            "cấp tỉnh 9 + cấp huyện 61 + cấp xã 158 = 228",
        ),
        (
            "Liên đoàn Lao động cử 204 cán bộ dự lớp bồi dưỡng kỹ năng. Cấp tỉnh 26 cán bộ; "
            "cấp huyện 70 cán bộ; cấp cơ sở 118 cán bộ.",
            "cấp tỉnh 26 + cấp huyện 70 + cấp cơ sở 118 = 214",
        ),
        (
            "Ban Tuyên giáo tổ chức cho 3.460 người nghe báo cáo viên.\n\n"
            "Cụ thể: nam 1.730 người, nữ 1.703 người.",
            "nam 1.730 + nữ 1.703 = 3.433",
        ),
    ],
)
def test_parts_by_level_in_the_next_sentence_or_paragraph_are_an_error(text, computed):
    [finding] = check(text, "total-parts")

    assert finding.severity is Severity.ERROR
    assert finding.computed == computed


@pytest.mark.parametrize(
    "text",
    [
        # They add up.
        "Đoàn Thanh niên tổ chức 132 lớp cảm tình Đoàn. Cấp huyện 20 lớp, cấp xã 112 lớp.",
        # One subset, not a breakdown.
        "Hội kết nạp 940 hội viên mới. Trong đó, có 310 hội viên là nữ.",
        # Two counts of the unit before: which one is broken down is not written.
        "Năm 2022 tổ chức 41 cuộc giám sát, năm 2023 tổ chức 47 cuộc. Cấp huyện 12 cuộc, cấp "
        "xã 30 cuộc.",
        # Organizations named in a list may be only some of them.
        "Các đoàn thể xây dựng 186 mô hình. Trong đó, Hội Nông dân 70 mô hình, Hội LHPN 64 "
        "mô hình.",
    ],
)
def test_next_sentence_that_is_not_a_full_breakdown_is_not_compared(text):
    assert check(text, "total-parts") == []


@pytest.mark.parametrize(
    "text",
    [
        "Hội Cựu chiến binh tổ chức 174 buổi nói chuyện truyền thống: cấp huyện 26 buổi, "
        "cấp xã 138 buổi.",
        "Hội Cựu chiến binh tổ chức 174 buổi nói chuyện truyền thống (cấp huyện 26 buổi, cấp "
        "xã 138 buổi) cho 9.300 lượt học sinh.",
    ],
)
def test_parts_opened_by_a_colon_or_a_bracket_are_a_partition(text):
    [finding] = check(text, "total-parts")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "cấp huyện 26 + cấp xã 138 = 164"


def test_three_word_unit_is_kept_whole():
    text = (
        "Có 2.140 tuyên truyền viên. Cấp huyện 240 tuyên truyền viên, cấp xã 1.880 tuyên "
        "truyền viên."
    )

    [finding] = check(text, "total-parts")

    assert finding.stated == "2.140 tuyên truyền viên"
