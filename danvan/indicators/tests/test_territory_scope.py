"""A resolution's territory in the units of a newer hierarchy, attacked: who sees which
figures through it (unit and organization scope), and what it shows (the smallest world
across the 2025 reform, `reform_world`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _person(username, home, organization=None):  # type: ignore[no-untyped-def]
    from danvan.accounts.models import User
    from danvan.accounts.services import user_create
    from danvan.organizations.models import OrganizationType

    kind = OrganizationType.objects.get(code=organization) if organization else None
    return user_create(
        actor=None,
        username=username,
        password="pw-for-tests-1",
        role=User.Role.BOARD_ANALYST,
        home_unit=home,
        organization_type=kind,
    )


def _other_commune(world):  # type: ignore[no-untyped-def]
    """A commune of the new city that took over nothing of the old province."""
    from danvan.geography.models import AdministrativeUnit

    return AdministrativeUnit.objects.create(
        version=world.newer,
        code="70002",
        name="Xã Tân Lập",
        kind=AdministrativeUnit.Kind.COMMUNE,
        level=AdministrativeUnit.Level.COMMUNE,
        parent=world.city,
        valid_from=world.newer.valid_from,
    )


def _sources(client, world, part, unit, period):  # type: ignore[no-untyped-def]
    page = client.get(
        reverse("indicators:sources", args=[world.resolution.slug, part]),
        {"unit": unit.pk, "period": period},
    )
    assert page.status_code == 200
    return list(page.context["page"].paginator.object_list)


def test_the_carried_drill_down_follows_the_organization_scope(client, reform_world):
    """The 2021 figures behind the city's commune rate are the Farmers' Union forms of the
    old communes: a city user restricted to the Front sees none of them, one restricted to
    the Farmers' Union sees them all."""
    w = reform_world
    client.force_login(w.analyst)
    everyone = _sources(client, w, "members-studied", w.city, "2021")
    assert {r.value.unit for r in everyone} == {w.commune_a, w.commune_b}

    client.force_login(_person("taydo.mttq", w.city, "mttq"))
    assert _sources(client, w, "members-studied", w.city, "2021") == []

    client.force_login(_person("taydo.hnd", w.city, "hnd"))
    farmers = _sources(client, w, "members-studied", w.city, "2021")
    assert len(farmers) == len(everyone)
    assert {r.value.organization_type.code for r in farmers} == {"hnd"}


def test_the_old_district_is_not_listed_to_a_commune_that_took_over_part_of_it(
    client, reform_world
):
    """The new commune's clerk opens the district part (not at its level) of 2021: no
    old district's figure is listed, even if the old district went to the city."""
    w = reform_world
    client.force_login(w.clerk)
    page = client.get(
        reverse("indicators:sources", args=[w.resolution.slug, "district-political"]),
        {"unit": w.commune.pk, "period": "2021"},
    )
    rows = list(page.context["page"].paginator.object_list) if page.status_code == 200 else []
    assert rows == []


def test_a_commune_that_took_over_nothing_is_refused_naming_it_and_its_version(reform_world):
    from danvan.geography.territory import TerritoryError, territory_of

    w = reform_world
    other = _other_commune(w)
    with pytest.raises(TerritoryError) as refused:
        territory_of(w.province, other)
    message = str(refused.value)
    assert other.name in message and w.newer.name in message and w.province.name in message


def test_a_commune_that_took_over_nothing_sees_neither_the_resolution_nor_its_figures(
    client, reform_world
):
    w = reform_world
    other = _other_commune(w)
    client.force_login(_person("tanlap.analyst", other))
    listed = client.get(reverse("indicators:list"))
    assert w.resolution.number not in listed.content.decode()
    assert client.get(reverse("indicators:dashboard", args=[w.resolution.slug])).status_code == 404
    api = client.get(
        "/api/indicators/results",
        {"resolution": w.resolution.number, "period": "2021", "unit": other.code},
    )
    assert api.status_code == 404

    # The city's analyst cannot open the territory at a commune outside it either.
    client.force_login(w.analyst)
    outside = client.get(
        reverse("indicators:dashboard", args=[w.resolution.slug]), {"unit": other.pk}
    )
    assert outside.status_code == 404
    # Nor list it among the units ranked under the city.
    board = client.get(
        reverse("indicators:dashboard", args=[w.resolution.slug]),
        {"unit": w.city.pk, "period": "2021", "part": "members-studied"},
    )
    assert board.status_code == 200
    assert [r.unit for r in board.context["ranked"]] == [w.commune]


def test_the_district_part_before_the_reform_drills_down_to_the_old_district(client, reform_world):
    """The city's 2021 district figure (4/5 → 5/5 cadres) is the old district's: its
    drill-down lists the old district's values, as the figure reads them."""
    w = reform_world
    client.force_login(w.analyst)
    rows = _sources(client, w, "district-political", w.city, "2021")
    values = {r.value.element.code: r.value.value for r in rows}
    assert {r.value.unit for r in rows} == {w.district}
    assert values == {"cadre_heads": Decimal(5), "cadre_heads_political": Decimal(5)}
