import pytest
from django.urls import reverse

from danvan.indicators.tests.helpers import put


@pytest.fixture
def computed(world, resolution):
    put(world.commune_one_a, "members", "2021", 100, "hnd")
    put(world.commune_one_a, "members_studied", "2021", 99, "hnd")
    put(world.commune_two_a, "members", "2021", 100, "hnd")
    put(world.commune_two_a, "members_studied", "2021", 50, "hnd")
    return resolution


def test_the_dashboard_shows_cards_with_counts_and_achievement(
    client, world, computed, django_assert_max_num_queries
):
    client.force_login(world.province_admin)

    with django_assert_max_num_queries(32):
        response = client.get(
            reverse("indicators:dashboard", args=["01-NQ-TU"]), {"period": "2021"}
        )

    body = response.content.decode()
    assert "74,50%" in body  # (99 + 50) / 200
    assert "149/200" in body
    assert "76,02%" in body  # 74,5 ÷ 98
    assert "Huyện Một" in body  # ranked children


def test_a_district_user_sees_only_the_own_district(client, world, computed):
    client.force_login(world.district_clerk)

    response = client.get(reverse("indicators:dashboard", args=["01-NQ-TU"]), {"period": "2021"})

    body = response.content.decode()
    assert "99,00%" in body
    assert "Zeta" not in body
    assert (
        client.get(
            reverse("indicators:dashboard", args=["01-NQ-TU"]), {"unit": world.province.pk}
        ).status_code
        == 404
    )


def test_drill_down_lists_the_figures_behind_a_number(client, world, computed):
    client.force_login(world.district_clerk)

    response = client.get(
        reverse("indicators:sources", args=["01-NQ-TU", "studied"]),
        {"unit": world.district_one.pk, "period": "2021"},
    )

    body = response.content.decode()
    assert "Xã Một A" in body
    assert "Zeta" not in body
    assert response.context["count"] == 2


def test_an_unknown_resolution_is_not_found(client, world):
    client.force_login(world.province_admin)

    assert client.get(reverse("indicators:dashboard", args=["99-NQ-TU"])).status_code == 404


def test_a_part_name_with_a_closing_script_tag_stays_inside_the_chart_data(client, world, computed):
    computed.indicators.get().parts.filter(code="studied").update(
        name='</script><script>alert("x")</script>'
    )
    client.force_login(world.province_admin)

    response = client.get(reverse("indicators:dashboard", args=["01-NQ-TU"]), {"period": "2021"})

    body = response.content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "\\u003C/script\\u003E" in body
