"""Targets as the seed uses them: the milestone in force, and indicators judged as a whole."""

from __future__ import annotations

import datetime

import pytest

from danvan.datasets.models import DataValue
from danvan.datasets.queries import period_get
from danvan.indicators.models import Indicator, IndicatorPart, Resolution
from danvan.indicators.sums import sums_rebuild
from danvan.reports.exporter import ReportError, report_build

DAY = datetime.date(2021, 12, 15)


def build(resolution, unit, period="2021", **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("date", DAY)
    return report_build(
        resolution=resolution, unit=unit, period=period_get(period), charts=False, **kwargs
    )


def households(report):  # type: ignore[no-untyped-def]
    return next(r for r in report.annex if r.parts == ["households-with-member"])


def body(report):  # type: ignore[no-untyped-def]
    return "\n".join(block.text for block in report.body)


def test_2021_is_judged_against_the_2025_milestone(world, report_world):
    report = build(report_world, world.province)

    assert report.target_rule == Resolution.TargetRule.UPCOMING
    assert households(report).comparison[0].startswith("Đạt 103,66% chỉ tiêu")  # 85% / 82%


def test_the_user_may_pick_the_reached_milestone_instead(world, report_world):
    report = build(report_world, world.province, target_rule="reached")

    assert households(report).comparison[0].startswith("Đạt 106,25% chỉ tiêu")  # 85% / 80%
    assert report.target_rule == Resolution.TargetRule.REACHED


def test_a_resolution_choosing_the_reached_rule_is_reported_so(world, report_world):
    Resolution.objects.filter(pk=report_world.pk).update(target_rule="reached")
    report_world.refresh_from_db()

    report = build(report_world, world.province)

    assert report.target_rule == Resolution.TargetRule.REACHED
    assert households(report).comparison[0].startswith("Đạt 106,25% chỉ tiêu")


def test_an_unknown_target_rule_is_refused_naming_it(world, report_world):
    with pytest.raises(ReportError, match="“nearest”"):
        build(report_world, world.province, target_rule="nearest")


def test_the_report_counts_indicators_not_parts(world, report_world):
    text = body(build(report_world, world.province))

    # Indicator 4's printers, desks and cabinets were never entered: it cannot be judged.
    assert "vượt 4/5 chỉ tiêu (gồm chỉ tiêu số 1, 2, 3, 5)" in text
    assert "1/5 chỉ tiêu chưa có số liệu (gồm chỉ tiêu số 4)" in text


def test_a_part_that_does_not_decide_cannot_fail_its_indicator(world, report_world):
    IndicatorPart.objects.filter(code="members-studied").update(decides=False)
    IndicatorPart.objects.filter(code="transfers-district").update(decides=False)

    text = body(build(report_world, world.province))

    assert "vượt 3/4 chỉ tiêu (gồm chỉ tiêu số 1, 2, 5)" in text


def test_a_not_met_deciding_part_makes_the_indicator_not_met(world, report_world):
    IndicatorPart.objects.filter(code="members-studied").update(decides=True)
    part = IndicatorPart.objects.get(code="members-studied")
    part.targets.update(value=100)

    report = build(report_world, world.province)

    text = body(report)
    assert "chưa đạt 1/5 chỉ tiêu (gồm chỉ tiêu số 3)" in text
    note = next(n for n in report.footnotes.values() if n.startswith("Chưa đạt"))
    assert "chỉ tiêu số 3" in note and "(99%, chỉ tiêu 100%)" in note


def test_a_qualitative_indicator_is_judged_by_its_stated_rule(world, report_world):
    # Only the computers remain: 6 in 2016, 15 in 2021, so more than before.
    IndicatorPart.objects.filter(indicator__number=4).exclude(code="computers").delete()

    report = build(report_world, world.province)

    row = next(r for r in report.annex if "computers" in r.parts)
    assert row.comparison == ["Đảm bảo trang thiết bị làm việc."]
    assert "vượt 5/5 chỉ tiêu (gồm chỉ tiêu số 1, 2, 3, 4, 5)" in body(report)

    DataValue.objects.filter(element__code="equipment_computers", period_id="2021").update(value=1)
    sums_rebuild()  # the figures were changed behind the services' back
    report = build(report_world, world.province)
    row = next(r for r in report.annex if "computers" in r.parts)
    assert row.comparison == ["Chưa đảm bảo trang thiết bị làm việc."]
    assert "chưa đạt 1/5 chỉ tiêu (gồm chỉ tiêu số 4)" in body(report)
    note = next(n for n in report.footnotes.values() if n.startswith("Chưa đạt"))
    assert "chỉ tiêu số 4 – máy tính (03 máy, trước khi có Nghị quyết 06 máy)" in note

    Indicator.objects.filter(number=4).update(status_rule="targets")
    IndicatorPart.objects.filter(code="computers").update(decides=False)
    report = build(report_world, world.province)
    assert "vượt 4/4 chỉ tiêu" in body(report)


def test_figures_the_board_has_not_entered_are_said_missing_never_zero(world, report_world):
    text = body(build(report_world, world.province))

    assert "Vận động cử tri đi bầu cử: chưa có số liệu." in text
    assert "Người đứng đầu MTTQ và các đoàn thể tham gia cấp ủy: chưa có số liệu." in text
    assert "Kinh phí hoạt động của MTTQ và các đoàn thể cấp xã: chưa có số liệu." in text
    assert "0 cử tri" not in text and "0 người đứng đầu" not in text


def test_an_of_which_figure_not_entered_is_said_missing(world, report_world):
    report = build(report_world, world.province)

    transfers = next(r for r in report.annex if r.parts == ["transfers-province"])
    assert transfers.result == [
        "Cấp tỉnh: 07 đồng chí, trong đó đồng chí giữ chức vụ lãnh đạo: chưa có số liệu."
    ]


def test_the_figures_and_charts_take_the_target_of_the_rule_chosen(world, report_world):
    upcoming = build(report_world, world.province)
    reached = build(report_world, world.province, target_rule="reached")

    def province_households(report):  # type: ignore[no-untyped-def]
        return next(
            f
            for f in report.figures
            if f.part == "households-with-member" and f.unit_level == 1 and f.period == "2021"
        )

    assert province_households(upcoming).target == 82
    assert province_households(reached).target == 80
    assert str(province_households(reached).achievement)[:6] == "106.25"
    charted = report_build(
        resolution=report_world,
        unit=world.province,
        period=period_get("2021"),
        date=DAY,
        target_rule="reached",
    )
    part = IndicatorPart.objects.get(code="households-with-member")
    chart = next(c for c in charted.charts if c.title.endswith(part.name))
    assert 80 in _rule_values(chart.spec) and 82 not in _rule_values(chart.spec)


def _rule_values(spec):  # type: ignore[no-untyped-def]
    """Every number in a chart spec (the target line is one of them)."""
    if isinstance(spec, dict):
        return [v for item in spec.values() for v in _rule_values(item)]
    if isinstance(spec, list):
        return [v for item in spec for v in _rule_values(item)]
    return [spec] if isinstance(spec, int | float) or hasattr(spec, "as_tuple") else []
