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


def test_unlabelled_parts_exceeding_the_total_are_a_warning():
    text = (
        "Kết nạp mới 120 hội viên, trong đó 80 hội viên là thanh niên, 60 hội viên là người "
        "dân tộc thiểu số."
    )

    [finding] = check(text, "total-parts")

    assert finding.severity is Severity.WARNING


def test_unlabelled_parts_below_the_total_are_not_flagged():
    text = "Kết nạp mới 120 hội viên, trong đó 40 hội viên là thanh niên, 30 hội viên là nữ giới."

    assert check(text, "total-parts") == []


def test_parts_in_another_unit_are_not_compared():
    text = "Tổ chức 12 cuộc hội nghị, trong đó có 1.497 ý kiến, 4.977 góp ý."

    assert check(text, "total-parts") == []
