"""Walk every URL of the project as users of Huyện Một and try to reach Huyện Zeta."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.organizations.models import Organization

CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _routes(patterns=None, prefix=""):  # type: ignore[no-untyped-def]
    """Every route of the URL conf as a template string, regexes turned into <name>."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        text = str(entry.pattern)
        if text.startswith("^"):
            text = REGEX_GROUP.sub(lambda m: f"<{m['name']}>", text.lstrip("^").rstrip("$"))
            text = text.replace("\\", "")
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            yield prefix + text


# Parameters that name things other than database ids get a valid name, so the walk
# reaches the code that resolves the id.
NAMED = {
    "data_set": "nq06-org",
    "period": "2021",
    "element": "members",
    "action": "approve",
    "slug": "06-NQ-TU",
    "format": "docx",
}


def _fill(route: str, value: object) -> str:
    return "/" + CONVERTER.sub(lambda m: NAMED.get(m["name"], str(value)), route)


@pytest.fixture
def foreign_ids(world, catalogue):  # type: ignore[no-untyped-def]
    """Ids of Huyện Zeta's units, organizations and a submitted form with figures."""
    from danvan.datasets.models import DataElement
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import data_value_save, submission_get_or_create

    units = [world.district_two, world.commune_two_a, world.hamlets[("01201", 1)]]
    organizations = list(
        Organization.objects.filter(unit__in=units).order_by("unit__level", "type__sort_order")
    )
    farmers = next(
        o for o in organizations if o.unit == world.commune_two_a and o.type.code == "hnd"
    )
    form = EntryForm(catalogue["nq06-org"], world.commune_two_a, farmers, period_get("2021"))
    for code, raw in (("members", "10"), ("members_studied", "12")):
        data_value_save(
            actor=world.other_clerk, form=form, element=DataElement.objects.get(code=code), raw=raw
        )
    submission = submission_get_or_create(form)  # a draft: its figures break a rule
    return [u.pk for u in units] + [o.pk for o in organizations] + [submission.pk]


@pytest.fixture(params=["clerk", "administrator"])
def intruder(request, world):  # type: ignore[no-untyped-def]
    if request.param == "clerk":
        return world.district_clerk
    return user_create(
        actor=None,
        username="one.admin",
        password="pw-for-tests-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=world.district_one,
    )


def test_the_walk_covers_the_units_organizations_and_admin(world):
    routes = set(_routes())

    assert "units/<int:pk>/" in routes
    assert "organizations/<int:pk>/" in routes
    assert any(r.startswith("admin/geography/administrativeunit/") for r in routes)
    assert any(r.startswith("admin/organizations/organization/") for r in routes)


def test_a_district_user_cannot_reach_another_districts_units_through_any_url(
    client, world, foreign_ids, intruder
):
    from danvan.datasets.models import DataValue, DataValueAudit, Submission, SubmissionEvent

    client.force_login(intruder)
    leaks = []
    before = _snapshot(DataValue, DataValueAudit, Submission, SubmissionEvent)

    for route in sorted(set(_routes())):
        if "logout" in route or "setlang" in route:
            continue
        targets = foreign_ids if CONVERTER.search(route) else [foreign_ids[0]]
        for pk in targets:
            url = _fill(route, pk)
            # "zet" finds "Zeta" by word prefix; pages may echo the query, never the name.
            query = {"q": "zet", "unit": pk, "organization": pk, "parent": pk}
            for method in (client.get, client.post):
                data = {**query, "value": "99", "revision": "1", "comment": "x"}
                response = method(url, query if method == client.get else data, follow=False)
                body = response.content.decode(errors="replace")
                if response.status_code >= 500 or "Zeta" in body:
                    leaks.append((method.__name__, url, response.status_code))

    assert leaks == []
    assert _snapshot(DataValue, DataValueAudit, Submission, SubmissionEvent) == before


def _snapshot(*models):  # type: ignore[no-untyped-def]
    return [sorted(map(str, model.objects.values_list())) for model in models]


def test_the_other_district_is_not_found_not_forbidden(client, world):
    client.force_login(world.district_clerk)

    response = client.get(f"/units/{world.commune_two_a.pk}/")

    assert response.status_code == 404


def test_the_same_pages_are_reachable_for_a_user_of_that_district(client, world):
    client.force_login(world.other_clerk)

    response = client.get(f"/units/{world.commune_two_a.pk}/")

    assert response.status_code == 200
    assert "Zeta" in response.content.decode()


def test_admin_autocomplete_offers_only_units_in_scope(client, world):
    district_admin = user_create(
        actor=None,
        username="one.admin",
        password="pw-for-tests-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=world.district_one,
    )
    client.force_login(district_admin)

    response = client.get(
        "/admin/autocomplete/",
        {"term": "xa", "app_label": "accounts", "model_name": "user", "field_name": "home_unit"},
    )

    names = [item["text"] for item in response.json()["results"]]
    assert "Xã Một A" in names
    assert not [n for n in names if "Zeta" in n]


@pytest.fixture
def womens_ids(world, catalogue):  # type: ignore[no-untyped-def]
    """Ids of the Women's Union bodies of Huyện Một and of one submitted, one approved form."""
    from danvan.datasets.models import DataElement, Submission
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import data_value_save, submission_get_or_create

    womens = list(
        Organization.objects.filter(
            unit__path__startswith=world.district_one.path, type__code="hlhpn"
        ).order_by("unit__level")
    )
    ids = [o.pk for o in womens]
    communes = [o for o in womens if o.unit.level == 3][:2]
    for organization, status in zip(
        communes, [Submission.Status.SUBMITTED, Submission.Status.APPROVED], strict=True
    ):
        form = EntryForm(catalogue["nq06-org"], organization.unit, organization, period_get("2021"))
        data_value_save(
            actor=world.province_admin,
            form=form,
            element=DataElement.objects.get(code="members"),
            raw="10",
        )
        submission = submission_get_or_create(form)
        Submission.objects.filter(pk=submission.pk).update(status=status)
        ids.append(submission.pk)
    return ids


@pytest.fixture(params=[User.Role.DATA_CLERK, User.Role.APPROVER, User.Role.ADMINISTRATOR])
def farmers_persona(request, world):  # type: ignore[no-untyped-def]
    from danvan.organizations.models import OrganizationType

    return user_create(
        actor=None,
        username=f"hnd.{request.param}",
        password="pw-for-tests-1",
        role=request.param,
        home_unit=world.district_one,
        organization_type=OrganizationType.objects.get(code="hnd"),
    )


def test_an_organization_restricted_user_changes_nothing_of_another_organization(
    client, world, womens_ids, farmers_persona
):
    """Every URL (pages, API, admin), by GET and POST, with the ids of the Women's Union's
    bodies and forms, as a Farmers' Union clerk, approver and administrator of the district."""
    from danvan.accounts.models import User as UserModel
    from danvan.datasets.models import DataValue, DataValueAudit, Submission, SubmissionEvent

    client.force_login(farmers_persona)
    failures = []
    before = _snapshot(DataValue, DataValueAudit, Submission, SubmissionEvent, UserModel)

    for route in sorted(set(_routes())):
        if "logout" in route or "setlang" in route or "password" in route:
            continue
        targets = womens_ids if CONVERTER.search(route) else [womens_ids[0]]
        for pk in targets:
            url = _fill(route, pk)
            query = {"unit": world.commune_one_a.pk, "organization": pk}
            data = {
                **query,
                "value": "99",
                "revision": "1",
                "comment": "x",
                "organization_type": "",
                "role": User.Role.ADMINISTRATOR,
            }
            for method, payload in ((client.get, query), (client.post, data)):
                response = method(url, payload, follow=False)
                if response.status_code >= 500:
                    failures.append((method.__name__, url, response.status_code))

    assert failures == []
    assert _snapshot(DataValue, DataValueAudit, Submission, SubmissionEvent, UserModel) == before


def test_a_commune_that_took_over_nothing_reaches_no_former_territory_through_any_url(
    client, reform_world
):
    """Across the 2025 reform: a user of a new commune of the city that took over no part
    of old Tỉnh Sông Hậu walks every URL with the ids and codes of the old units, of the
    new commune that took them over and of the city, and the inherited resolution's
    slug, number and periods: nothing names the former territory or its taker, nothing
    fails, nothing changes."""
    from danvan.accounts.models import User
    from danvan.datasets.models import DataValue, DataValueAudit, Submission, SubmissionEvent
    from danvan.geography.models import AdministrativeUnit

    w = reform_world
    other = AdministrativeUnit.objects.create(
        version=w.newer,
        code="70002",
        name="Xã Tân Lập",
        kind=AdministrativeUnit.Kind.COMMUNE,
        level=AdministrativeUnit.Level.COMMUNE,
        parent=w.city,
        valid_from=w.newer.valid_from,
    )
    intruder = user_create(
        actor=None,
        username="tanlap.analyst",
        password="pw-for-tests-1",
        role=User.Role.BOARD_ANALYST,
        home_unit=other,
    )
    client.force_login(intruder)
    named = {**NAMED, "slug": w.resolution.slug}
    units = [w.commune, w.commune_a, w.district, w.province]
    foreign = [u.pk for u in units]
    secrets = ("Phú An", "Phú Bình", "Phú Mỹ", "Sông Hậu")
    leaks = []
    before = _snapshot(DataValue, DataValueAudit, Submission, SubmissionEvent)

    for route in sorted(set(_routes())):
        if "logout" in route or "setlang" in route or route.startswith("admin/"):
            continue
        targets = foreign if CONVERTER.search(route) else [foreign[0]]
        for pk, unit in zip(targets, units, strict=False):
            url = "/" + CONVERTER.sub(lambda m: named.get(m["name"], str(pk)), route)  # noqa: B023
            for ident in (pk, unit.code):
                query = {
                    "resolution": w.resolution.number,
                    "period": "2021",
                    "unit": ident,
                    "part": "members-studied",
                    "children": "true",
                }
                for method in (client.get, client.post):
                    response = method(url, query, follow=False)
                    body = response.content.decode(errors="replace")
                    if response.status_code >= 500 or any(name in body for name in secrets):
                        leaks.append((method.__name__, url, ident, response.status_code))

    assert leaks == []
    assert _snapshot(DataValue, DataValueAudit, Submission, SubmissionEvent) == before
