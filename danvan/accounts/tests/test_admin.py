"""No administrator widens a user's scope beyond their own through the admin, and an
administrator added there can use the admin."""

import pytest
from django.urls import reverse

from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.organizations.models import OrganizationType


@pytest.fixture
def farmers_admin(world):
    return user_create(
        actor=None,
        username="hnd.admin",
        password="pw-for-tests-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=world.district_one,
        organization_type=OrganizationType.objects.get(code="hnd"),
    )


def _change_data(user, **changes):
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "home_unit": user.home_unit_id,
        "organization_type": user.organization_type_id or "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def _add_data(username, **fields):
    data = {
        "username": username,
        "password1": "a-long-pass-phrase-17",
        "password2": "a-long-pass-phrase-17",
        "usable_password": "true",
    }
    data.update(fields)
    return data


def test_a_restricted_administrator_cannot_lift_its_own_restriction(client, farmers_admin):
    client.force_login(farmers_admin)

    response = client.post(
        reverse("admin:accounts_user_change", args=[farmers_admin.pk]),
        _change_data(farmers_admin, organization_type=""),
    )

    assert response.status_code == 200  # the form again, with the refusal
    farmers_admin.refresh_from_db()
    assert farmers_admin.organization_type.code == "hnd"


def test_a_restricted_administrator_cannot_create_an_unrestricted_administrator(
    client, world, farmers_admin
):
    client.force_login(farmers_admin)

    client.post(
        reverse("admin:accounts_user_add"),
        _add_data(
            "wide.admin",
            role=User.Role.ADMINISTRATOR,
            home_unit=world.commune_one_a.pk,
            organization_type="",
        ),
    )

    assert not User.objects.filter(username="wide.admin").exists()


def test_a_restricted_administrator_does_not_see_unrestricted_users(client, world, farmers_admin):
    client.force_login(farmers_admin)

    response = client.get(reverse("admin:accounts_user_change", args=[world.district_clerk.pk]))

    assert response.status_code == 302  # "does not exist" sends the admin back to the list
    client.post(
        reverse("admin:accounts_user_change", args=[world.district_clerk.pk]),
        _change_data(world.district_clerk, role=User.Role.ADMINISTRATOR),
    )
    world.district_clerk.refresh_from_db()
    assert world.district_clerk.role == User.Role.DATA_CLERK


def test_an_administrator_added_in_the_admin_can_use_the_admin(client, world):
    client.force_login(world.province_admin)

    response = client.post(
        reverse("admin:accounts_user_add"),
        _add_data("new.admin", role=User.Role.ADMINISTRATOR, home_unit=world.district_one.pk),
    )

    assert response.status_code == 302
    added = User.objects.get(username="new.admin")
    assert added.is_staff
    client.force_login(added)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_district_administrator_cannot_place_a_user_in_another_district(client, world):
    district_admin = user_create(
        actor=world.province_admin,
        username="one.admin",
        password="pw-for-tests-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=world.district_one,
    )
    client.force_login(district_admin)

    client.post(
        reverse("admin:accounts_user_change", args=[world.district_clerk.pk]),
        _change_data(world.district_clerk, home_unit=world.district_two.pk),
    )

    world.district_clerk.refresh_from_db()
    assert world.district_clerk.home_unit == world.district_one
