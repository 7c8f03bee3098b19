from decimal import Decimal

import pytest

from danvan.datasets.models import DataElement
from danvan.indicators.engine import Status, judge, target_for
from danvan.indicators.models import Resolution, Target
from danvan.indicators.sums import sums_differences
from danvan.indicators.tests.helpers import all_results, put, result


def test_a_rate_up_the_hierarchy_is_summed_numerators_over_summed_denominators(world, resolution):
    put(world.commune_one_a, "members", "2021", 100, "hnd")
    put(world.commune_one_a, "members_studied", "2021", 99, "hnd")
    put(world.commune_one_b, "members", "2021", 900, "hnd")
    put(world.commune_one_b, "members_studied", "2021", 450, "hnd")

    district = result(resolution, "studied", world.district_one, "2021")
    assert (district.numerator, district.denominator) == (549, 1000)
    assert district.value == Decimal("54.9")  # not (99% + 50%) / 2
    assert result(resolution, "studied", world.province, "2021").value == Decimal("54.9")
    assert result(resolution, "studied", world.commune_one_a, "2021").value == 99


def test_change_from_the_baseline_in_points_and_counts(world, resolution):
    put(world.commune_one_a, "members", "2016", 100, "hnd")
    put(world.commune_one_a, "members_studied", "2016", 80, "hnd")
    put(world.commune_one_a, "members", "2021", 100, "hnd")
    put(world.commune_one_a, "members_studied", "2021", 99, "hnd")

    row = result(resolution, "studied", world.province, "2021")
    assert row.baseline_value == 80
    assert row.change_value == 19
    assert row.change_count == 19
    assert row.status == Status.EXCEEDED
    assert row.achievement.quantize(Decimal("0.01")) == Decimal("101.02")


def test_term_totals_against_a_range_count_the_upper_bound(world, resolution):
    for year, count in (("2017", 30), ("2019", 20), ("2021", 32)):
        put(world.district_one, "transfers_in", year, count)

    row = result(resolution, "transfers", world.province, "2021")
    assert row.value == 82
    assert row.achievement == Decimal("205")
    assert row.status == Status.EXCEEDED
    assert result(resolution, "transfers", world.province, "2017").value == 30


def test_units_without_figures_say_no_data(world, resolution):
    put(world.commune_one_a, "members", "2021", 100, "hnd")

    assert result(resolution, "studied", world.commune_two_a, "2021").status == Status.NO_DATA


def test_reading_twice_gives_the_same_results(world, resolution):
    put(world.commune_one_a, "members", "2021", 100, "hnd")
    put(world.commune_one_a, "members_studied", "2021", 99, "hnd")
    units = [world.province, world.district_one, world.commune_one_a]

    first = all_results(resolution, units, ["2021"])

    assert first == all_results(resolution, units, ["2021"])
    assert ("studied", world.province.pk, "2021", 99, 100, 99, Status.EXCEEDED) in first


def test_the_target_in_force_is_the_nearest_milestone_at_or_after_the_year():
    targets = [Target(year=2020, value=80), Target(year=2025, value=82)]

    assert target_for(targets, 2018).value == 80
    assert target_for(targets, 2020).value == 80
    assert target_for(targets, 2021).value == 82  # the 2025 target being pursued
    assert target_for(targets, 2025).value == 82
    assert target_for(targets, 2026).value == 82  # after the last: the last


def test_the_reached_rule_takes_the_latest_milestone_not_after_the_year():
    targets = [Target(year=2020, value=80), Target(year=2025, value=82)]
    reached = Resolution.TargetRule.REACHED

    assert target_for(targets, 2021, rule=reached).value == 80
    assert target_for(targets, 2025, rule=reached).value == 82
    assert target_for(targets, 2018, rule=reached).value == 80  # before the first: the first


@pytest.mark.parametrize(
    ("kind", "value", "target", "upper", "achievement", "status"),
    [
        ("at_least", "78.62", "60", None, "131.03", Status.EXCEEDED),
        ("at_least", "95.45", "98", None, "97.40", Status.NOT_MET),
        ("at_least", "100", "100", None, "100.00", Status.MET),
        ("range", "12", "5", "6", "200.00", Status.EXCEEDED),
        ("range", "5", "5", "6", "83.33", Status.MET),
        ("at_most", "4", "5", None, "125.00", Status.EXCEEDED),
        ("none", "4", "5", None, None, Status.NO_TARGET),
    ],
)
def test_achievement_semantics(kind, value, target, upper, achievement, status):
    got, got_status = judge(
        kind,
        Decimal(value),
        Target(year=2020, value=Decimal(target), upper=Decimal(upper) if upper else None),
    )

    assert got_status == status
    if achievement is None:
        assert got is None
    else:
        assert got.quantize(Decimal("0.01")) == Decimal(achievement)


def test_a_saved_figure_is_reflected_in_the_results_at_once(world, resolution, commune_form):
    from danvan.datasets.services import data_value_save

    put(world.commune_one_b, "members", "2021", 100, "hnd")
    put(world.commune_one_b, "members_studied", "2021", 50, "hnd")

    for code, raw in (("members", "100"), ("members_studied", "100")):
        data_value_save(
            actor=world.district_clerk,
            form=commune_form,
            element=DataElement.objects.get(code=code),
            raw=raw,
        )

    assert result(resolution, "studied", world.province, "2021").value == 75
    assert result(resolution, "studied", world.commune_one_a, "2021").value == 100


def test_maintained_sums_equal_a_rebuild_after_saves_and_clears(world, resolution, commune_form):
    from danvan.datasets.services import data_value_save

    put(world.commune_one_b, "members", "2021", 100, "hnd")
    put(world.district_one, "transfers_in", "2019", 7)
    members = DataElement.objects.get(code="members")
    for raw in ("40", "55", ""):
        data_value_save(actor=world.district_clerk, form=commune_form, element=members, raw=raw)

    assert sums_differences() == []
    assert result(resolution, "studied", world.province, "2021").denominator == 100


def test_an_import_is_reflected_in_the_results(world, resolution):
    from danvan.datasets.exchange.parsers import RawRow
    from danvan.datasets.exchange.pipeline import values_import

    put(world.commune_one_b, "members", "2021", 100, "hnd")
    put(world.commune_one_b, "members_studied", "2021", 50, "hnd")
    rows = [
        RawRow(1, "members", "2021", "01101", "hnd", "100"),
        RawRow(2, "members_studied", "2021", "01101", "hnd", "100"),
    ]

    summary = values_import(actor=world.district_clerk, rows=rows, dry_run=False)

    assert summary.applied
    assert result(resolution, "studied", world.province, "2021").value == 75


def test_an_approval_brings_the_figures_into_the_approved_basis(world, resolution, commune_form):
    from danvan.datasets.services import submission_approve, submission_submit

    put(world.commune_one_a, "members", "2021", 100, "hnd")
    put(world.commune_one_a, "members_studied", "2021", 99, "hnd")
    approved = resolution.Basis.APPROVED
    before = result(resolution, "studied", world.province, "2021", basis=approved)
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    submitted = result(resolution, "studied", world.province, "2021", basis=approved)

    submission_approve(actor=world.district_approver, submission=submission)

    assert before.status == submitted.status == Status.NO_DATA
    assert result(resolution, "studied", world.province, "2021", basis=approved).value == 99
    assert result(resolution, "studied", world.province, "2021").value == 99  # entered
    assert sums_differences() == []


def test_a_moved_commune_leaves_the_old_districts_roll_up_and_joins_the_new_one(world, resolution):
    from danvan.geography.services import unit_save

    put(world.commune_one_a, "members", "2021", 100, "hnd")
    put(world.commune_one_a, "members_studied", "2021", 99, "hnd")
    put(world.commune_one_b, "members", "2021", 100, "hnd")
    put(world.commune_one_b, "members_studied", "2021", 50, "hnd")

    world.commune_one_a.parent = world.district_two
    unit_save(actor=world.province_admin, unit=world.commune_one_a)

    assert result(resolution, "studied", world.district_one, "2021").numerator == 50
    assert result(resolution, "studied", world.district_two, "2021").numerator == 99
    assert result(resolution, "studied", world.province, "2021").numerator == 149
    assert sums_differences() == []
