import pytest
from django.core.exceptions import ValidationError

from danvan.geography.models import AdministrativeUnit

Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level


def test_path_is_codes_from_the_root(world):
    hamlet = world.hamlets[("01101", 1)]

    assert hamlet.path == "/01/011/01101/01101-01/"
    assert hamlet.ancestor_codes == ["01", "011", "01101"]


def test_parent_of_the_wrong_level_is_rejected(world):
    hamlet = AdministrativeUnit(
        version=world.version,
        code="x1",
        name="Ấp X",
        kind=Kind.HAMLET,
        level=Level.HAMLET,
        parent=world.district_one,
    )

    with pytest.raises(ValidationError) as error:
        hamlet.full_clean()

    assert "parent" in error.value.message_dict


def test_commune_may_hang_from_a_province_when_there_is_no_district_level(world):
    commune = AdministrativeUnit(
        version=world.version,
        code="01999",
        name="Xã Mới",
        kind=Kind.COMMUNE,
        level=Level.COMMUNE,
        parent=world.province,
    )

    commune.full_clean()


def test_a_cycle_is_rejected(world):
    district = world.district_one
    district.parent = world.hamlets[("01101", 1)]

    with pytest.raises(ValidationError) as error:
        district.full_clean()

    assert "parent" in error.value.message_dict


def test_a_unit_cannot_be_its_own_parent(world):
    commune = world.commune_one_a
    commune.parent = commune

    with pytest.raises(ValidationError):
        commune.full_clean()


def test_kind_must_fit_the_level(world):
    unit = AdministrativeUnit(
        version=world.version,
        code="013",
        name="Xã Lạc",
        kind=Kind.COMMUNE,
        level=Level.DISTRICT,
        parent=world.province,
    )

    with pytest.raises(ValidationError) as error:
        unit.full_clean()

    assert "kind" in error.value.message_dict


def test_only_a_province_has_no_parent(world):
    unit = AdministrativeUnit(
        version=world.version,
        code="099",
        name="Huyện Lạc",
        kind=Kind.RURAL_DISTRICT,
        level=Level.DISTRICT,
    )

    with pytest.raises(ValidationError):
        unit.full_clean()


def test_codes_are_unique_within_a_version(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.create(
            version=world.version,
            code="011",
            name="Trùng",
            kind=Kind.RURAL_DISTRICT,
            level=Level.DISTRICT,
            parent=world.province,
        )
