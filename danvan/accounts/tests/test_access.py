import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.organizations.models import Organization, OrganizationType


def test_a_user_sees_the_home_subtree_only(world):
    visible = set(access.units_visible_to(world.district_clerk))

    assert world.district_one in visible
    assert world.hamlets[("01102", 1)] in visible
    assert world.province not in visible
    assert world.commune_two_a not in visible


def test_clerk_cannot_read_other_district(world):
    with pytest.raises(Http404):
        access.unit_for_user(world.district_clerk, world.commune_two_a.pk)


def test_an_unknown_or_malformed_id_is_not_found(world):
    for bad in (999999, "abc", None):
        with pytest.raises(Http404):
            access.unit_for_user(world.district_clerk, bad)


def test_a_viewer_may_read_but_not_write(world):
    assert access.unit_for_user(world.commune_viewer, world.commune_one_a.pk)

    with pytest.raises(PermissionDenied):
        access.unit_for_user(world.commune_viewer, world.commune_one_a.pk, write=True)


def test_a_clerk_may_write_in_scope(world):
    assert access.can_change_unit(world.district_clerk, world.commune_one_b)
    assert not access.can_change_unit(world.district_clerk, world.commune_two_a)


def test_an_approver_approves_units_below_the_home_unit_only(world):
    assert access.can_approve_for_unit(world.district_approver, world.commune_one_a)
    assert not access.can_approve_for_unit(world.district_approver, world.district_one)
    assert not access.can_approve_for_unit(world.district_approver, world.commune_two_a)
    assert not access.can_approve_for_unit(world.district_clerk, world.commune_one_a)


def test_anonymous_and_inactive_users_see_nothing(world):
    world.district_clerk.is_active = False

    assert not access.units_visible_to(AnonymousUser()).exists()
    assert not access.units_visible_to(world.district_clerk).exists()
    assert not access.can_view_unit(world.district_clerk, world.district_one)


def test_organization_type_narrows_the_organizations(world):
    farmers = OrganizationType.objects.get(code="hnd")
    user = user_create(
        actor=None,
        username="hnd.clerk",
        password="pw-for-tests-1",
        role=User.Role.DATA_CLERK,
        home_unit=world.district_one,
        organization_type=farmers,
    )

    visible = access.organizations_visible_to(user)

    assert set(visible.values_list("type__code", flat=True)) == {"hnd"}
    womens = Organization.objects.get(unit=world.district_one, type__code="hlhpn")
    with pytest.raises(Http404):
        access.organization_for_user(user, womens.pk)


def test_organizations_of_another_district_are_not_found(world):
    foreign = Organization.objects.filter(unit=world.commune_two_a).first()

    with pytest.raises(Http404):
        access.organization_for_user(world.district_clerk, foreign.pk)


def test_an_administrator_cannot_create_users_outside_the_scope(world):
    district_admin = user_create(
        actor=world.province_admin,
        username="one.admin",
        password="pw-for-tests-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=world.district_one,
    )

    with pytest.raises(PermissionDenied):
        user_create(
            actor=district_admin,
            username="intruder",
            password="pw-for-tests-1",
            role=User.Role.DATA_CLERK,
            home_unit=world.district_two,
        )

    assert not User.objects.filter(username="intruder").exists()


def test_a_clerk_cannot_create_users(world):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=world.district_clerk,
            username="x",
            password="pw-for-tests-1",
            role=User.Role.VIEWER,
            home_unit=world.commune_one_a,
        )


def test_every_user_but_a_superuser_has_a_home_unit(world):
    from django.core.exceptions import ValidationError

    user = User(username="nowhere", role=User.Role.VIEWER)

    with pytest.raises(ValidationError):
        user.full_clean()
