import pytest
from django.core.exceptions import ValidationError

from danvan.organizations.models import Organization, OrganizationType
from danvan.organizations.services import organizations_ensure_for


def test_six_organization_types_are_data(db):
    assert list(OrganizationType.objects.values_list("code", flat=True)) == [
        "mttq",
        "cd",
        "hnd",
        "dtn",
        "hlhpn",
        "hccb",
    ]


def test_one_body_of_each_type_at_every_administrative_level(world):
    at_commune = Organization.objects.filter(unit=world.commune_one_a)

    assert at_commune.count() == 6
    assert set(at_commune.values_list("kind", flat=True)) == {Organization.Kind.TERRITORIAL}
    assert Organization.objects.get(unit=world.commune_one_a, type__code="hnd").name == (
        "Hội Nông dân xã Một A"
    )


def test_hamlets_have_branches_except_for_the_trade_union(world):
    hamlet = world.hamlets[("01101", 1)]

    branches = Organization.objects.filter(unit=hamlet)

    assert branches.count() == 5
    assert not branches.filter(type__code="cd").exists()
    assert set(branches.values_list("kind", flat=True)) == {Organization.Kind.BRANCH}
    farmers = branches.get(type__code="hnd")
    assert farmers.parent == Organization.objects.get(unit=world.commune_one_a, type__code="hnd")


def test_ensuring_again_creates_nothing(world):
    before = Organization.objects.count()

    result = organizations_ensure_for(root=world.province)

    assert result.created == 0
    assert Organization.objects.count() == before


def test_a_trade_union_may_be_organised_by_workplace(world):
    federation = Organization.objects.get(unit=world.district_one, type__code="cd")

    union = Organization(
        type=federation.type,
        kind=Organization.Kind.WORKPLACE,
        unit=world.commune_one_a,
        parent=federation,
        name="Công đoàn cơ sở Công ty May Một",
        workplace_name="Công ty May Một",
    )
    union.full_clean()
    union.save()

    assert federation.children.filter(kind=Organization.Kind.WORKPLACE).count() == 1


def test_a_farmers_union_is_not_organised_by_workplace(world):
    farmers = OrganizationType.objects.get(code="hnd")

    body = Organization(
        type=farmers,
        kind=Organization.Kind.WORKPLACE,
        unit=world.commune_one_a,
        name="Hội ở công ty",
        workplace_name="Công ty",
    )

    with pytest.raises(ValidationError):
        body.full_clean()
