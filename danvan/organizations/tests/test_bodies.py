"""Organization bodies as data: which exist at each level of a hierarchy version, and when."""

import datetime
import textwrap

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from danvan.geography.models import AdministrativeUnit, HierarchyVersion
from danvan.organizations.models import Organization
from danvan.organizations.services import (
    body_structures_read,
    organization_bodies_load,
    organizations_ensure_for,
)

Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level
REFORM = datetime.date(2025, 7, 1)


@pytest.fixture
def new_city(db):
    version = HierarchyVersion.objects.create(
        code="vn-2025", name="Từ 01/7/2025", valid_from=REFORM, has_district_level=False
    )

    def unit(code, name, kind, level, parent=None):
        return AdministrativeUnit.objects.create(
            version=version,
            code=code,
            name=name,
            kind=kind,
            level=level,
            parent=parent,
            valid_from=REFORM,
        )

    city = unit("92", "Thành phố Cần Thơ", Kind.CITY, Level.PROVINCE)
    commune = unit("31321", "Phường Vị Thanh", Kind.WARD, Level.COMMUNE, city)
    unit("31321-01", "Khu vực 1", Kind.NEIGHBOURHOOD, Level.HAMLET, commune)
    return city


def test_a_new_commune_has_its_bodies_under_its_front_committee_and_no_trade_union(new_city):
    call_command("load_organization_bodies", "--hierarchy", "vn-2025")

    commune = AdministrativeUnit.objects.get(code="31321")
    bodies = Organization.objects.filter(unit=commune)
    front = bodies.get(type__code="mttq")

    assert sorted(bodies.values_list("type__code", flat=True)) == sorted(
        ["mttq", "hnd", "dtn", "hlhpn", "hccb"]
    )
    assert set(bodies.exclude(pk=front.pk).values_list("front_committee", flat=True)) == {front.pk}
    assert front.front_committee is None
    assert set(bodies.values_list("valid_from", "valid_to")) == {(REFORM, None)}
    assert bodies.get(type__code="hnd").parent == Organization.objects.get(
        unit=new_city, type__code="hnd"
    )


def test_the_city_keeps_a_trade_union_federation(new_city):
    organization_bodies_load(version_code="vn-2025")

    city_bodies = Organization.objects.filter(unit=new_city)

    assert city_bodies.filter(type__code="cd").count() == 1
    assert city_bodies.count() == 6


def test_legacy_bodies_end_on_30_june_2025(world):
    result = organization_bodies_load(version_code="vn-legacy")

    district_bodies = Organization.objects.filter(unit=world.district_one)

    assert result["vn-legacy Tỉnh A"].created == 0
    assert set(district_bodies.values_list("valid_to", flat=True)) == {datetime.date(2025, 6, 30)}
    assert not Organization.objects.exclude(front_committee=None).exists()
    assert Organization.objects.valid_on(datetime.date(2025, 6, 30)).count() == (
        Organization.objects.count()
    )
    assert not Organization.objects.valid_on(REFORM).exists()


def test_loading_again_changes_nothing_and_keeps_primary_keys(new_city):
    organization_bodies_load(version_code="vn-2025")
    before = dict(Organization.objects.values_list("pk", "front_committee"))

    result = organization_bodies_load(version_code="vn-2025")

    assert result["vn-2025 Thành phố Cần Thơ"].created == 0
    assert result["vn-2025 Thành phố Cần Thơ"].updated == 0
    assert dict(Organization.objects.values_list("pk", "front_committee")) == before


def test_a_body_the_structure_no_longer_lists_is_reported_not_dropped(new_city, tmp_path):
    organization_bodies_load(version_code="vn-2025")
    narrower = tmp_path / "bodies.yaml"
    narrower.write_text(
        textwrap.dedent("""
        versions:
          vn-2025:
            valid_from: 2025-07-01
            under_front: mttq
            levels:
              province: [mttq, cd, hnd, dtn, hlhpn, hccb]
              commune: [mttq, hnd, dtn, hlhpn]
              hamlet: [mttq, hnd, dtn, hlhpn, hccb]
        """),
        encoding="utf-8",
    )

    result = organization_bodies_load(path=narrower)

    assert [o.name for o in result["vn-2025 Thành phố Cần Thơ"].outside_structure] == [
        "Hội Cựu chiến binh phường Vị Thanh"
    ]
    assert Organization.objects.filter(type__code="hccb", unit__code="31321").exists()


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ("commune: [mttq, hnd, nosuch]", "unknown organization types ['nosuch']"),
        ("ward: [mttq]", "unknown level 'ward'"),
        ("hamlet: [cd]", "have no hamlet branches"),
    ],
)
def test_a_wrong_structure_names_the_fault_and_writes_nothing(new_city, tmp_path, levels, message):
    wrong = tmp_path / "bodies.yaml"
    wrong.write_text(
        f"versions:\n  vn-2025:\n    valid_from: 2025-07-01\n    levels:\n      {levels}\n",
        encoding="utf-8",
    )

    with pytest.raises(ValidationError) as error:
        organization_bodies_load(path=wrong)

    assert message in " ".join(error.value.messages)
    assert not Organization.objects.exists()


def test_the_shipped_structure_has_no_district_bodies_after_the_reform(db):
    structures = body_structures_read()

    assert Level.DISTRICT not in structures["vn-2025"].types_by_level
    assert "cd" not in structures["vn-2025"].types_by_level[Level.COMMUNE]
    assert structures["vn-2025"].valid_from == REFORM
    assert structures["vn-legacy"].valid_to == datetime.date(2025, 6, 30)


def test_a_structure_applies_only_to_its_own_version(world):
    structure = body_structures_read()["vn-2025"]

    with pytest.raises(ValidationError, match="vn-2025"):
        organizations_ensure_for(root=world.province, structure=structure)


def test_a_body_cannot_outlive_its_unit(new_city):
    organization_bodies_load(version_code="vn-2025")
    body = Organization.objects.get(unit=new_city, type__code="hnd")

    body.valid_from = datetime.date(2020, 1, 1)

    with pytest.raises(ValidationError):
        body.full_clean()


def test_a_front_committee_of_another_unit_is_refused(new_city):
    organization_bodies_load(version_code="vn-2025")
    body = Organization.objects.get(unit__code="31321", type__code="hnd")

    body.front_committee = Organization.objects.get(unit=new_city, type__code="mttq")

    with pytest.raises(ValidationError):
        body.full_clean()
