"""A resolution's indicators, parts and targets are edited only at the level that issued it."""

import pytest
from django.urls import reverse

from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.datasets.models import DataElement
from danvan.indicators.models import IndicatorPart


@pytest.fixture
def commune_admin(world):
    return user_create(
        actor=None,
        username="one-a.admin",
        password="pw-for-tests-1",
        role=User.Role.ADMINISTRATOR,
        home_unit=world.commune_one_a,
    )


def test_a_commune_administrator_may_read_but_not_change_the_province_resolutions_parts(
    client, resolution, commune_admin
):
    part = IndicatorPart.objects.get(code="studied")
    url = reverse("admin:indicators_indicatorpart_change", args=[part.pk])
    client.force_login(commune_admin)

    seen = client.get(url)
    posted = client.post(url, {"numerator": "#{members}", "name": "</script>"})

    assert seen.status_code == 200
    assert posted.status_code == 403
    part.refresh_from_db()
    assert part.numerator == "#{members_studied}"


@pytest.mark.parametrize(
    "name", ["admin:indicators_indicator_change", "admin:indicators_resolution_change"]
)
def test_a_commune_administrator_cannot_change_the_indicator_or_the_resolution(
    client, resolution, commune_admin, name
):
    target = resolution if "resolution" in name else resolution.indicators.get()
    client.force_login(commune_admin)

    response = client.post(reverse(name, args=[target.pk]), {"name": "x", "number": "x"})

    assert response.status_code == 403


def test_the_province_administrator_edits_the_province_resolutions_parts(client, world, resolution):
    part = IndicatorPart.objects.get(code="studied")
    client.force_login(world.province_admin)

    response = client.post(reverse("admin:indicators_indicatorpart_change", args=[part.pk]), {})

    assert response.status_code == 200  # the form, with its errors: the edit is allowed


def test_a_commune_administrator_cannot_change_the_shared_catalogue(
    client, catalogue, commune_admin
):
    element = DataElement.objects.get(code="members")
    client.force_login(commune_admin)

    response = client.post(
        reverse("admin:datasets_dataelement_change", args=[element.pk]), {"name": "x"}
    )

    assert response.status_code == 403
    element.refresh_from_db()
    assert element.name != "x"
