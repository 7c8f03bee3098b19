"""Issue 13: the 2021 report on the demo's Hậu Giang says what the seed says, from the figures."""

import pytest

from danvan.datasets.queries import period_get
from danvan.indicators.models import Resolution
from danvan.reports.exporter import report_build

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="package")
def report(province, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        return report_build(
            resolution=Resolution.objects.get(number="06-NQ/TU"),
            unit=province,
            period=period_get("2021"),
            charts=False,
        )


def text(report):  # type: ignore[no-untyped-def]
    return "\n".join(block.text for block in report.body)


def row(report, part):  # type: ignore[no-untyped-def]
    return next(r for r in report.annex if part in r.parts)


def note(report, words):  # type: ignore[no-untyped-def]
    return next(n for n in report.footnotes.values() if words in n)


def test_four_of_five_indicators_are_exceeded_as_the_seed_says(report):
    assert "vượt 4/5 chỉ tiêu (gồm chỉ tiêu số 1, 2, 4, 5)" in text(report)
    assert "chưa đạt 1/5 chỉ tiêu (gồm chỉ tiêu số 3)" in text(report)


def test_households_are_judged_against_the_2025_target(report):
    comparison = row(report, "households-with-member").comparison

    assert comparison[0].startswith("Đạt 101,94% chỉ tiêu nghị quyết")


def test_equipment_is_judged_from_its_figures(report):
    assert row(report, "computers").comparison == ["Đảm bảo trang thiết bị làm việc."]


def test_annex_row_2_gives_the_2020_figure_beside_2021(report):
    result = row(report, "strong-grassroots").result

    assert result[0].endswith(", năm 2020 là 373/375.")


def test_annex_row_5_gives_the_leaders_among_the_transferred(report):
    assert row(report, "transfers-province").result == [
        "Cấp tỉnh: 12 đồng chí, trong đó có 05 đồng chí giữ chức vụ lãnh đạo."
    ]
    assert row(report, "transfers-district").result == [
        "Cấp huyện: 82 đồng chí, trong đó có 60 đồng chí giữ chức vụ lãnh đạo."
    ]


def test_footnote_7_gives_the_party_seats_by_level(report):
    seats = note(report, "Ủy viên Ban Thường vụ cấp ủy")

    for part in (
        "Cấp tỉnh: 01 Chủ tịch MTTQ là Ủy viên Ban Thường vụ cấp ủy",
        "Cấp huyện: 08 Chủ tịch MTTQ là Ủy viên Ban Thường vụ cấp ủy",
        "01 Chủ tịch Liên đoàn Lao động là Ủy viên Ban Thường vụ cấp ủy",
        "05 Chủ tịch Liên đoàn Lao động là Ủy viên Ban Chấp hành Đảng bộ",
        "07 Chủ tịch Hội Nông dân là Ủy viên Ban Chấp hành Đảng bộ",
        "08 Bí thư Đoàn thanh niên là Ủy viên Ban Chấp hành Đảng bộ",
        "Cấp xã: 68 Chủ tịch MTTQ là Ủy viên Ban Thường vụ cấp ủy",
        "55 Chủ tịch Hội Nông dân là Ủy viên Ban Chấp hành Đảng bộ",
        "49 Bí thư Đoàn thanh niên",
        "64 Chủ tịch Hội Liên hiệp Phụ nữ",
        "01 Chủ tịch Hội Cựu chiến binh là Ủy viên Ban Thường vụ cấp ủy",
        "09 Chủ tịch Hội Cựu chiến binh là Ủy viên Ban Chấp hành Đảng bộ",
    ):
        assert part in seats, part


def test_the_voter_turnout_is_printed(report):
    assert (
        "Vận động cử tri đi bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân các cấp "
        "năm 2021 đạt tỷ lệ 99,99% (562.096/562.134 cử tri)."
    ) in text(report)


def test_the_highest_and_lowest_commune_funds_are_named(report):
    assert (
        "được cấp cao nhất 31 triệu đồng/năm (MTTQ phường I, Thành phố Vị Thanh), "
        "thấp nhất 2,8 triệu đồng/năm (Hội LHPN xã Hỏa Lựu, Thành phố Vị Thanh)"
    ) in text(report)


def test_footnote_2_gives_the_surveys_and_inspections_by_level(report):
    surveys = note(report, "khảo sát")

    assert surveys.startswith("Cấp tỉnh tổ chức khảo sát 20 đơn vị; cấp huyện tổ chức khảo sát")
    assert "cấp huyện tổ chức 412 cuộc kiểm tra, giám sát" in surveys
    assert "cấp xã tổ chức 205 cuộc kiểm tra, giám sát" in surveys
