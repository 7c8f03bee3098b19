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


def test_the_dashboard_says_what_counts_and_how_many_units_it_rests_on(
    client, world, computed, commune_form
):
    from danvan.datasets.services import submission_approve, submission_submit

    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    submission_approve(actor=world.district_approver, submission=submission)
    client.force_login(world.province_admin)
    url = reverse("indicators:dashboard", args=["01-NQ-TU"])

    approved = client.get(url, {"period": "2021", "basis": "approved"}).content.decode()
    entered = client.get(url, {"period": "2021", "basis": "entered"}).content.decode()

    # Approved only: Xã Một A's approved form (99/100), not Xã Zeta Một's draft; and no
    # commune counts as approved while its other organizations' forms are open.
    assert "99,00%" in approved and "74,50%" not in approved
    assert "số liệu của 0/3 đơn vị cấp xã đã duyệt" in approved
    assert "74,50%" in entered
    assert "số liệu của 2/3 đơn vị cấp xã đã nhập" in entered
    assert client.get(url, {"basis": "everything"}).status_code == 404


def test_without_a_year_the_dashboard_opens_on_the_latest_complete_one(client, world, computed):
    put(world.commune_one_b, "members", "2021", 100, "hnd")
    for commune in (world.commune_one_a, world.commune_one_b, world.commune_two_a):
        put(commune, "members", "2019", 10, "hnd")
    put(world.commune_one_a, "members", "2022", 10, "hnd")  # only one commune so far
    client.force_login(world.province_admin)

    body = client.get(reverse("indicators:dashboard", args=["01-NQ-TU"])).content.decode()

    assert "Đang xem Năm 2021: năm gần nhất đã có đủ số liệu." in body


def _admin_form_data(response):  # type: ignore[no-untyped-def]
    """The POST data of an admin change page as it was rendered, inlines included."""
    data = {}

    def put(form):  # type: ignore[no-untyped-def]
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form)
        for form in formset.forms:
            put(form)
    return data


def test_a_target_edited_in_the_admin_shows_on_the_dashboard_at_once(client, world, computed):
    """Issue 13, item 6: results are computed where they are read, so the target typed in
    the admin is the one the next dashboard judges against."""
    from danvan.indicators.models import IndicatorPart

    part = IndicatorPart.objects.get(code="studied")
    url = reverse("admin:indicators_indicatorpart_change", args=[part.pk])
    client.force_login(world.province_admin)
    data = _admin_form_data(client.get(url))
    prefix = next(k for k in data if k.endswith("-0-value")).removesuffix("-0-value")
    data[f"{prefix}-0-value"] = "80"

    saved = client.post(url, data)
    dashboard = client.get(reverse("indicators:dashboard", args=["01-NQ-TU"]), {"period": "2021"})

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert part.targets.get().value == 80
    body = dashboard.content.decode()
    assert "93,13%" in body  # 74,5 ÷ 80, no longer 76,02% (÷ 98)
    assert "76,02%" not in body


def test_the_drill_down_says_what_counts_and_what_the_number_rests_on(client, world, computed):
    client.force_login(world.province_admin)

    response = client.get(
        reverse("indicators:sources", args=["01-NQ-TU", "studied"]),
        {"unit": world.province.pk, "period": "2021", "basis": "approved"},
    )

    body = response.content.decode()
    assert response.context["result"].basis == "approved"
    assert "Số liệu được tính: Chỉ số liệu đã duyệt" in body
    assert response.context["result"].coverage.units_expected > 0
    assert "đơn vị cấp xã đã duyệt" in body
