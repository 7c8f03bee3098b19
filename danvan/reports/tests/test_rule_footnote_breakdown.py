# ruff: noqa: E501 — the fixture reports keep one paragraph per line, as real reports do
import pytest

from danvan.reports.checker import Severity
from danvan.reports.tests.factories import check

TEXT = """Ban Dân vận đã tổ chức {total} cuộc đối thoại với đoàn viên, hội viên^[1].

^[1] Cấp tỉnh: tổ chức 10 cuộc đối thoại, có 214 ý kiến; cấp huyện: tổ chức 60 cuộc đối thoại; cấp xã: tổ chức 75 cuộc đối thoại.
"""

TRANSFERS = """Điều động {total} cán bộ thuộc khối Đảng, Nhà nước sang công tác tại cơ quan MTTQ và các đoàn thể chính trị - xã hội các cấp trong tỉnh^[8] (trong đó, có 65 đồng chí giữ chức vụ lãnh đạo); 69 đồng chí cán bộ MTTQ và các đoàn thể sang công tác tại các cơ quan khối Đảng, Nhà nước (trong đó, có 51 đồng chí giữ chức vụ lãnh đạo).

^[8] Cấp tỉnh: Điều động 12 đồng chí cán bộ khối Đảng, Nhà nước sang công tác tại cơ quan MTTQ và các đoàn thể chính trị - xã hội (trong đó, có 05 đồng chí giữ chức vụ lãnh đạo); 09 đồng chí cán bộ cơ quan MTTQ và các đoàn thể chính trị - xã hội sang công tác tại các cơ quan khối Đảng, Nhà nước. Cấp huyện: Điều động 82 đồng chí các cơ quan khối Đảng, Nhà nước sang công tác tại cơ quan MTTQ và các đoàn thể chính trị - xã hội (trong đó, có 60 đồng chí giữ chức vụ lãnh đạo); 60 đồng chí cán bộ cơ quan MTTQ và các đoàn thể chính trị - xã hội sang công tác tại các cơ quan khối Đảng, Nhà nước (trong đó, có 51 đồng chí giữ chức vụ lãnh đạo).
"""


def test_figure_that_its_footnote_breakdown_does_not_add_up_to_is_an_error():
    [finding] = check(TEXT.format(total=150), "footnote-breakdown")

    assert finding.severity is Severity.ERROR
    assert finding.computed == "Cấp tỉnh 10 + cấp huyện 60 + cấp xã 75 = 145"
    assert finding.related[0].footnote == 1


def test_figure_matching_its_footnote_breakdown_is_not_flagged():
    assert check(TEXT.format(total=145), "footnote-breakdown") == []


def test_breakdown_picks_the_figure_that_describes_the_same_thing():
    [finding] = check(TRANSFERS.format(total=97), "footnote-breakdown")

    assert finding.computed == "Cấp tỉnh 12 + Cấp huyện 82 = 94"


def test_breakdown_of_transfers_that_adds_up_is_not_flagged():
    assert check(TRANSFERS.format(total=94)) == []


def test_footnote_without_level_parts_is_not_compared():
    text = (
        "Đã tổ chức 20 cuộc phản biện xã hội^[2].\n\n^[2] Như: dự thảo kế hoạch, 9 cuộc về đề án.\n"
    )

    assert check(text, "footnote-breakdown") == []


def test_footnote_breakdown_is_one_finding_not_also_a_total_of_the_paragraph():
    text = (
        "Các cơ sở Hội xây dựng 214 mô hình sinh kế^[1] cho hội viên nghèo.\n\n"
        "^[1] Cấp huyện: xây dựng 38 mô hình sinh kế; cấp xã: xây dựng 166 mô hình sinh kế."
    )

    findings = check(text)

    assert [(f.rule, f.severity) for f in findings] == [("footnote-breakdown", Severity.ERROR)]


@pytest.mark.parametrize(
    "note",
    [
        "^[1] Cấp tỉnh 3 đợt, cấp huyện 25 đợt, cấp xã 90 đợt.",
        "^[1] Trong đó: cấp huyện 25 đợt; cấp xã 90 đợt; cấp tỉnh 3 đợt.",
    ],
)
def test_footnote_that_is_only_a_list_by_level_is_compared_with_its_anchor(note):
    text = f"Ban Thường trực đã tổ chức 128 đợt khảo sát^[1] tại khu dân cư.\n\n{note}\n"

    [finding] = check(text, "footnote-breakdown")

    assert finding.severity is Severity.ERROR
    assert finding.stated == "128 đợt"
    assert finding.computed.endswith("= 118")


def test_footnote_list_by_level_that_adds_up_is_not_flagged():
    text = (
        "Ban Thường trực đã tổ chức 118 đợt khảo sát^[1] tại khu dân cư.\n\n"
        "^[1] Cấp tỉnh 3 đợt, cấp huyện 25 đợt, cấp xã 90 đợt.\n"
    )

    assert check(text) == []
