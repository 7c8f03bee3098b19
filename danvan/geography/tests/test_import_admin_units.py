from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from danvan.geography import services
from danvan.geography.models import AdministrativeUnit, UnitSuccession

Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level


@pytest.fixture
def hau_giang_and_can_tho(db):
    call_command("import_admin_units", "--province", "Hậu Giang", "--no-successions")
    call_command("import_admin_units", "--hierarchy", "vn-2025", "--province", "92")


def test_hau_giang_legacy_has_the_seeds_counts(hau_giang_and_can_tho):
    units = AdministrativeUnit.objects.in_version("vn-legacy")

    assert units.at_level(Level.PROVINCE).count() == 1
    districts = units.at_level(Level.DISTRICT)
    assert Counter(districts.values_list("kind", flat=True)) == {
        Kind.CITY: 2,
        Kind.TOWN: 1,
        Kind.RURAL_DISTRICT: 5,
    }
    assert units.at_level(Level.COMMUNE).count() == 75


def test_new_can_tho_has_103_communes_directly_under_the_city(hau_giang_and_can_tho):
    can_tho = AdministrativeUnit.objects.in_version("vn-2025").get(code="92")

    communes = AdministrativeUnit.objects.descendants_of(can_tho)

    assert communes.count() == 103
    assert set(communes.values_list("parent", flat=True)) == {can_tho.pk}
    assert can_tho.kind == Kind.CITY


def test_every_legacy_hau_giang_commune_has_a_successor(hau_giang_and_can_tho):
    legacy = AdministrativeUnit.objects.in_version("vn-legacy").at_level(Level.COMMUNE)

    without = legacy.exclude(successions_out__isnull=False)

    assert without.count() == 0


def test_split_communes_share_out_to_one_in_total(hau_giang_and_can_tho):
    shares: dict[int, Decimal] = defaultdict(Decimal)
    partial = UnitSuccession.objects.filter(is_partial=True)
    for link in partial:
        shares[link.predecessor_id] += link.share

    assert partial.exists()
    assert all(Decimal("0.999") <= total <= Decimal("1.001") for total in shares.values())
    for predecessor in shares:
        assert (
            UnitSuccession.objects.filter(
                predecessor_id=predecessor, is_main_successor=True
            ).count()
            == 1
        )


def test_the_province_succeeds_into_the_new_city(hau_giang_and_can_tho):
    hau_giang = AdministrativeUnit.objects.in_version("vn-legacy").get(code="93")

    link = UnitSuccession.objects.get(predecessor=hau_giang)

    assert link.successor.name == "Thành phố Cần Thơ"
    assert link.share == 1
    assert str(link.effective_date) == "2025-07-01"


def test_reloading_is_idempotent_and_keeps_primary_keys(hau_giang_and_can_tho):
    before = dict(AdministrativeUnit.objects.values_list("code", "pk"))
    links_before = set(
        UnitSuccession.objects.values_list("pk", "predecessor", "successor", "share")
    )

    call_command("import_admin_units", "--province", "93")
    call_command("import_admin_units", "--hierarchy", "vn-2025", "--province", "Cần Thơ")

    assert dict(AdministrativeUnit.objects.values_list("code", "pk")) == before
    assert (
        set(UnitSuccession.objects.values_list("pk", "predecessor", "successor", "share"))
        == links_before
    )


def test_a_renamed_unit_is_restored_in_place(hau_giang_and_can_tho):
    unit = AdministrativeUnit.objects.in_version("vn-legacy").get(code="930")
    unit.name = "Sai tên"
    unit.save()

    result = services.admin_units_import(version_code="vn-legacy", province="93")

    unit.refresh_from_db()
    assert unit.name == "Thành phố Vị Thanh"
    assert result.updated == 1


def test_a_misspelt_province_names_the_closest_matches_and_writes_nothing(db):
    with pytest.raises(CommandError) as error:
        call_command("import_admin_units", "--province", "Hau Giag")

    assert "Hậu Giang" in str(error.value)
    assert AdministrativeUnit.objects.count() == 0


def test_hamlets_are_spread_deterministically_and_idempotently(hau_giang_and_can_tho):
    hau_giang = AdministrativeUnit.objects.in_version("vn-legacy").get(code="93")

    created = services.hamlets_generate(province=hau_giang, total=525)
    first = list(
        AdministrativeUnit.objects.at_level(Level.HAMLET).values_list("code", "name", "pk")
    )
    again = services.hamlets_generate(province=hau_giang, total=525)

    assert created == 525
    assert again == 0
    assert (
        list(AdministrativeUnit.objects.at_level(Level.HAMLET).values_list("code", "name", "pk"))
        == first
    )
    per_commune = Counter(
        AdministrativeUnit.objects.at_level(Level.HAMLET).values_list("parent", flat=True)
    )
    assert len(per_commune) == 75
    assert min(per_commune.values()) >= 3
    assert len(set(per_commune.values())) > 1
    wards = AdministrativeUnit.objects.filter(parent__kind=Kind.WARD, level=Level.HAMLET)
    assert set(wards.values_list("kind", flat=True)) == {Kind.NEIGHBOURHOOD}


def test_impossible_hamlet_totals_are_refused(hau_giang_and_can_tho):
    from django.core.exceptions import ValidationError

    hau_giang = AdministrativeUnit.objects.in_version("vn-legacy").get(code="93")

    with pytest.raises(ValidationError):
        services.hamlets_generate(province=hau_giang, total=10)

    assert not AdministrativeUnit.objects.at_level(Level.HAMLET).exists()


@pytest.fixture
def new_can_tho_with_predecessors(db):
    call_command(
        "import_admin_units", "--hierarchy", "vn-2025", "--province", "92", "--with-predecessors"
    )


def test_every_new_can_tho_commune_has_predecessors_in_the_three_old_provinces(
    new_can_tho_with_predecessors,
):
    new = AdministrativeUnit.objects.in_version("vn-2025").at_level(Level.COMMUNE)
    old = AdministrativeUnit.objects.in_version("vn-legacy")

    orphans = new.exclude(successions_in__isnull=False)
    provinces = set(old.at_level(Level.PROVINCE).values_list("code", flat=True))
    sources_of_new = set(
        UnitSuccession.objects.filter(successor__in=new).values_list("predecessor__path", flat=True)
    )

    assert new.count() == 103
    assert list(orphans.values_list("name", flat=True)) == []
    assert provinces == {"92", "93", "94"}
    assert {path.split("/")[1] for path in sources_of_new} == {"92", "93", "94"}
    assert old.at_level(Level.COMMUNE).exclude(successions_out__isnull=False).count() == 0


def test_predecessors_need_a_2025_province(db):
    with pytest.raises(CommandError, match="with-predecessors"):
        call_command("import_admin_units", "--province", "93", "--with-predecessors")

    assert AdministrativeUnit.objects.count() == 0
