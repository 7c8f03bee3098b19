import datetime
from decimal import Decimal

from danvan.geography.models import AdministrativeUnit, HierarchyVersion, UnitSuccession
from danvan.geography.queries import (
    unit_predecessors,
    unit_successors,
    units_holding_place_on,
    units_with_counts,
)

Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level


def test_descendants_exclude_the_unit_and_other_subtrees(world):
    descendants = set(AdministrativeUnit.objects.descendants_of(world.district_one))

    assert world.commune_one_a in descendants
    assert world.hamlets[("01102", 2)] in descendants
    assert world.district_one not in descendants
    assert world.commune_two_a not in descendants
    assert len(descendants) == 2 + 4


def test_ancestors_are_ordered_from_the_province(world):
    hamlet = world.hamlets[("01201", 1)]

    ancestors = list(AdministrativeUnit.objects.ancestors_of(hamlet))

    assert ancestors == [world.province, world.district_two, world.commune_two_a]


def test_units_of_a_level(world):
    communes = AdministrativeUnit.objects.within(world.province).at_level(Level.COMMUNE)

    assert {u.code for u in communes} == {"01101", "01102", "01201"}


def test_search_ignores_diacritics_and_case(world):
    assert list(AdministrativeUnit.objects.search("xa mot a")) == [world.commune_one_a]
    assert list(AdministrativeUnit.objects.search("Xã Một A")) == [world.commune_one_a]
    assert AdministrativeUnit.objects.search("huyen").count() == 2


def test_counts_cover_only_levels_below(world):
    district = units_with_counts(AdministrativeUnit.objects.filter(pk=world.district_one.pk)).get()

    assert (district.district_count, district.commune_count, district.hamlet_count) == (None, 2, 4)


def _new_version(world):
    new = HierarchyVersion.objects.create(
        code="vn-2025",
        name="Từ 01/7/2025",
        valid_from=datetime.date(2025, 7, 1),
        has_district_level=False,
    )
    province = AdministrativeUnit.objects.create(
        version=new,
        code="01",
        name="Tỉnh A mới",
        kind=Kind.PROVINCE,
        level=Level.PROVINCE,
        valid_from=new.valid_from,
    )
    merged = AdministrativeUnit.objects.create(
        version=new,
        code="09001",
        name="Xã Hợp Nhất",
        kind=Kind.COMMUNE,
        level=Level.COMMUNE,
        parent=province,
        valid_from=new.valid_from,
    )
    other = AdministrativeUnit.objects.create(
        version=new,
        code="09002",
        name="Xã Bên Kia",
        kind=Kind.COMMUNE,
        level=Level.COMMUNE,
        parent=province,
        valid_from=new.valid_from,
    )
    for old in (world.commune_one_a, world.commune_one_b):
        UnitSuccession.objects.create(
            predecessor=old, successor=merged, effective_date=new.valid_from
        )
    UnitSuccession.objects.create(
        predecessor=world.commune_two_a,
        successor=merged,
        share=Decimal("0.5"),
        is_partial=True,
        effective_date=new.valid_from,
    )
    UnitSuccession.objects.create(
        predecessor=world.commune_two_a,
        successor=other,
        share=Decimal("0.5"),
        is_partial=True,
        is_main_successor=False,
        effective_date=new.valid_from,
    )
    return merged, other


def test_successors_and_predecessors(world):
    merged, other = _new_version(world)

    assert unit_successors(world.commune_two_a) == [merged, other]
    assert set(unit_predecessors(merged)) == {
        world.commune_one_a,
        world.commune_one_b,
        world.commune_two_a,
    }


def test_the_unit_holding_a_place_on_a_date(world):
    merged, other = _new_version(world)

    assert units_holding_place_on(world.commune_one_a, datetime.date(2021, 12, 31)) == [
        world.commune_one_a
    ]
    assert units_holding_place_on(world.commune_one_a, datetime.date(2025, 7, 1)) == [merged]
    assert units_holding_place_on(world.commune_two_a, datetime.date(2026, 1, 1)) == [
        merged,
        other,
    ]
    assert set(units_holding_place_on(merged, datetime.date(2020, 1, 1))) == {
        world.commune_one_a,
        world.commune_one_b,
        world.commune_two_a,
    }
