"""Moving a unit or changing its code moves its whole subtree: paths, scope and roll-up."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.geography.models import AdministrativeUnit
from danvan.geography.services import unit_save


def _move(actor, unit, parent):
    unit.parent = parent
    return unit_save(actor=actor, unit=unit)


def test_a_moved_commune_takes_its_hamlets_into_the_new_districts_scope(world):
    hamlet = world.hamlets[("01101", 1)]

    _move(world.province_admin, world.commune_one_a, world.district_two)

    hamlet.refresh_from_db()
    assert hamlet.path == "/01/012/01101/01101-01/"
    assert access.can_view_unit(world.other_clerk, hamlet)
    assert not access.can_view_unit(world.district_clerk, hamlet)
    assert hamlet in AdministrativeUnit.objects.within(world.district_two)


def test_a_new_code_rewrites_the_prefix_of_every_descendant(world):
    world.commune_one_a.code = "01109"

    unit_save(actor=world.province_admin, unit=world.commune_one_a)

    paths = set(
        AdministrativeUnit.objects.filter(parent=world.commune_one_a).values_list("path", flat=True)
    )
    assert paths == {"/01/011/01109/01101-01/", "/01/011/01109/01101-02/"}
    assert not AdministrativeUnit.objects.filter(path__startswith="/01/011/01101/").exists()


def test_a_district_administrator_cannot_move_a_commune_out_of_the_district(world):
    district_admin = user_create(
        actor=None,
        username="one.admin",
        password="pw-for-tests-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=world.district_one,
    )

    with pytest.raises(PermissionDenied):
        _move(district_admin, world.commune_one_a, world.district_two)

    world.commune_one_a.refresh_from_db()
    assert world.commune_one_a.parent == world.district_one


def test_the_admin_moves_the_subtree(client, world):
    unit = world.commune_one_a
    client.force_login(world.province_admin)

    response = client.post(
        reverse("admin:geography_administrativeunit_change", args=[unit.pk]),
        {
            "version": unit.version_id,
            "code": unit.code,
            "name": unit.name,
            "short_name": "",
            "kind": unit.kind,
            "level": unit.level,
            "parent": world.district_two.pk,
        },
    )

    assert response.status_code == 302
    hamlet = world.hamlets[("01101", 2)]
    hamlet.refresh_from_db()
    assert hamlet.path.startswith("/01/012/01101/")
