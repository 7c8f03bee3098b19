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


def _split_world(w):  # type: ignore[no-untyped-def]
    """Xã Phú Bình split on equal shares (an estimate): half to Xã Phú An Bình, half to
    Xã Phú Hòa of Tỉnh Hòa Bình — a new province that took over old Tỉnh Kênh Xáng (72)
    with its Xã Kênh Một, also into Xã Phú Hòa. Kênh Một's 2021 Farmers' Union form: 1000
    of 2000 studied."""
    from danvan.accounts.models import User
    from danvan.accounts.services import user_create
    from danvan.geography.carrying import carry_links_rebuild
    from danvan.geography.models import AdministrativeUnit, UnitSuccession
    from danvan.geography.tests.factories import unit_create
    from danvan.indicators.sums import sums_rebuild
    from danvan.organizations.services import body_structures_read, organizations_ensure_for

    Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level

    unit = unit_create

    old = unit(w.legacy, "72", "Tỉnh Kênh Xáng", Kind.PROVINCE, Level.PROVINCE)
    old_district = unit(w.legacy, "721", "Huyện Kênh", Kind.RURAL_DISTRICT, Level.DISTRICT, old)
    old_commune = unit(w.legacy, "72101", "Xã Kênh Một", Kind.COMMUNE, Level.COMMUNE, old_district)
    new = unit(w.newer, "80", "Tỉnh Hòa Bình", Kind.PROVINCE, Level.PROVINCE)
    new_commune = unit(w.newer, "80001", "Xã Phú Hòa", Kind.COMMUNE, Level.COMMUNE, new)
    equal = UnitSuccession.ShareBasis.EQUAL
    half = Decimal("0.5")
    UnitSuccession.objects.filter(predecessor=w.commune_b).update(share=half, share_basis=equal)
    day = w.newer.valid_from
    UnitSuccession.objects.create(
        predecessor=w.commune_b, successor=new_commune, share=half, share_basis=equal,
        effective_date=day,
    )  # fmt: skip
    UnitSuccession.objects.create(predecessor=old, successor=new, effective_date=day)
    UnitSuccession.objects.create(
        predecessor=old_commune, successor=new_commune, effective_date=day
    )
    carry_links_rebuild()
    structures = body_structures_read()
    organizations_ensure_for(root=old, structure=structures["vn-legacy"])
    organizations_ensure_for(root=new, structure=structures["vn-2025"])
    admin = user_create(
        actor=None,
        username="kenhxang.admin",
        password="pw-for-tests-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=old,
    )
    w.approved(
        old_commune,
        "hnd",
        "2021",
        {"members": "2000", "members_studied": "1000"},
        clerk=admin,
        approver=admin,
    )
    sums_rebuild()
    return new, new_commune


def _at(world, unit, period):  # type: ignore[no-untyped-def]
    from danvan.geography.territory import territory_of
    from danvan.indicators.results import results_read

    part = world.resolution.indicators.get(number=1).parts.get(code="members-studied")
    (row,) = results_read(
        world.resolution,
        units=[unit],
        period_ids=[period],
        parts=[part],
        territory=territory_of(world.province, unit),
    )
    return row


def test_a_new_province_holding_part_of_the_territory_shows_only_that_part_of_its_history(
    reform_world,
):
    """Tỉnh Hòa Bình holds only Xã Phú Hòa's half of Xã Phú Bình: its 2021 figure of the old
    province's resolution is that half (245 of 250, estimated), not its whole carried
    history (which is mostly old Kênh Xáng's)."""
    w = reform_world
    new, _new_commune = _split_world(w)
    row = _at(w, new, "2021")
    assert (row.numerator, row.denominator) == (Decimal(245), Decimal(250))
    assert row.estimated


def test_a_split_commune_s_shares_add_up_to_the_old_province_and_are_marked_estimated(
    reform_world,
):
    """Half of Xã Phú Bình went out of the city: the city now holds part of the territory,
    950+245 of 1000+250 (estimated, an equal share); with Tỉnh Hòa Bình's 245 of 250 the
    parts add up to the old province's own 1440 of 1500, which is not estimated."""
    from danvan.indicators.results import results_read

    w = reform_world
    new, _new_commune = _split_world(w)
    city, other = _at(w, w.city, "2021"), _at(w, new, "2021")
    assert (city.numerator, city.denominator) == (Decimal(1195), Decimal(1250))
    assert city.estimated
    part = w.resolution.indicators.get(number=1).parts.get(code="members-studied")
    (whole,) = results_read(w.resolution, units=[w.province], period_ids=["2021"], parts=[part])
    assert (whole.numerator, whole.denominator) == (Decimal(1440), Decimal(1500))
    assert not whole.estimated
    assert city.numerator + other.numerator == whole.numerator
    assert city.denominator + other.denominator == whole.denominator


def test_a_unit_that_did_not_take_over_the_scope_itself_has_no_own_level_figures(reform_world):
    """After the reform Tỉnh Hòa Bình's own provincial bodies succeeded Kênh Xáng's, not the
    old province's: they are no part of its territory."""
    import datetime

    from danvan.geography.models import AdministrativeUnit
    from danvan.geography.territory import territory_of

    w = reform_world
    new, new_commune = _split_world(w)
    area = territory_of(w.province, new)
    after = datetime.date(2026, 12, 31)
    assert area.members(AdministrativeUnit.Level.PROVINCE, after) == []
    assert area.members(AdministrativeUnit.Level.COMMUNE, after) == [
        (new_commune.pk, AdministrativeUnit.Level.COMMUNE)
    ]
    # The city took over the old province itself: its own bodies count.
    city = territory_of(w.province, w.city)
    assert city.members(AdministrativeUnit.Level.PROVINCE, after) == [
        (w.city.pk, AdministrativeUnit.Level.PROVINCE)
    ]


def test_the_api_names_by_a_shared_code_the_unit_of_the_period(client, reform_world):
    """The new city keeps the old province's code: the API gives the old province for
    2021 and the city (the territory in its units) for 2026."""
    from danvan.accounts.models import User

    w = reform_world
    w.city.code = "71"
    w.city.save()
    w.commune.save()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-1"))

    def named(period):  # type: ignore[no-untyped-def]
        answer = client.get(
            "/api/indicators/results",
            {"resolution": w.resolution.number, "period": period, "unit": "71"},
        )
        assert answer.status_code == 200
        return {row["unit_name"] for row in answer.json()}

    assert named("2021") == {w.province.name}
    assert named("2026") == {w.city.name}


def test_a_commune_s_dashboard_says_it_took_over_part_of_the_territory(client, reform_world):
    """Not "0 communes took it over": the commune itself did, and its history is what
    came to it from the old communes."""
    w = reform_world
    client.force_login(w.clerk)
    page = client.get(reverse("indicators:dashboard", args=[w.resolution.slug]), {"period": "2021"})
    assert page.status_code == 200
    text = page.content.decode()
    assert ": 0 xã" not in text
    assert f"{w.commune.name} đã tiếp nhận một phần" in text


def test_coverage_keeps_the_versions_apart_when_the_city_keeps_the_old_code(reform_world):
    """The new city keeps the old province's code, so their paths are the same: the 2021
    coverage is the two old communes', the 2026 coverage the new commune's, never mixed."""
    w = reform_world
    w.city.code = "71"
    w.city.save()
    w.commune.save()
    w.approved(
        w.commune,
        "hnd",
        "2026",
        {"members": "1600", "members_studied": "1580"},
        clerk=w.clerk,
        approver=w.approver,
    )
    from danvan.geography.territory import territory_of
    from danvan.indicators.results import results_read

    part = w.resolution.indicators.get(number=1).parts.get(code="members-studied")
    # Read together, as the dashboard's history reads them.
    rows = results_read(
        w.resolution,
        units=[w.city],
        period_ids=["2021", "2026"],
        parts=[part],
        territory=territory_of(w.province, w.city),
    )
    covered = {r.period_id: r.coverage for r in rows}
    # Six bodies an old commune, five a new one; the Farmers' Union's forms approved.
    assert (covered["2021"].units_expected, covered["2021"].forms_expected) == (2, 12)
    assert covered["2021"].forms_approved == 2
    assert (covered["2026"].units_expected, covered["2026"].forms_expected) == (1, 5)
    assert covered["2026"].forms_approved == 1


def test_a_commune_s_carried_history_has_the_coverage_of_the_old_communes_it_came_from(
    reform_world,
):
    """Xã Phú An Bình's 2021 figure is what came from Phú An and Phú Bình: its coverage is
    theirs (2 units, their Farmers' Union forms approved), not the new commune's own forms
    of a year before it existed."""
    w = reform_world
    row = _at(w, w.commune, "2021")
    assert row.coverage is not None
    assert (row.coverage.units_expected, row.coverage.units_entered) == (2, 2)
    assert (row.coverage.forms_expected, row.coverage.forms_approved) == (12, 2)


def test_the_year_of_the_reform_is_the_new_units_and_no_district_is_judged(reform_world):
    """2025 straddles 1/7/2025: an old commune cannot report it (it no longer existed at
    the end of the year's reporting window — the refusal names it, its version and the
    day), the new commune's 2025 figures make the city's, and the district part, ended on
    30/6/2025, is not applicable."""
    from danvan.datasets.queries import period_get, validity_problem
    from danvan.geography.territory import territory_of
    from danvan.indicators.engine import Status
    from danvan.indicators.results import results_read

    w = reform_world
    from danvan.datasets.models import DataSet

    data_set = DataSet.objects.get(code="nq06-org")
    problem = validity_problem(data_set, period_get("2025"), w.commune_a)
    assert problem and w.commune_a.name in problem and w.legacy.name in problem
    w.approved(
        w.commune,
        "hnd",
        "2025",
        {"members": "1550", "members_studied": "1500"},
        clerk=w.clerk,
        approver=w.approver,
    )
    rows = {
        r.part.code: r
        for r in results_read(
            w.resolution,
            units=[w.city],
            period_ids=["2025"],
            territory=territory_of(w.province, w.city),
        )
    }
    studied = rows["members-studied"]
    assert (studied.numerator, studied.denominator) == (Decimal(1500), Decimal(1550))
    assert rows["district-political"].status == Status.NOT_APPLICABLE
