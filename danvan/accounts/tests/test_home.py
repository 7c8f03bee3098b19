"""The home page lists each person's work, most urgent first."""

import datetime

import pytest
from django.urls import reverse

from danvan.datasets.models import DataElement
from danvan.datasets.queries import period_get
from danvan.datasets.services import data_value_save, submission_return, submission_submit


def fill(form, user, **values):
    for code, raw in values.items():
        data_value_save(actor=user, form=form, element=DataElement.objects.get(code=code), raw=raw)


@pytest.fixture
def returned(world, commune_form):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    return submission_return(
        actor=world.district_approver, submission=submission, comment="Xem lại số hội viên"
    )


def test_a_clerk_sees_the_returned_form_first_with_the_approvers_note(client, world, returned):
    client.force_login(world.district_clerk)

    body = client.get(reverse("home")).content.decode()

    assert "Biểu mẫu bị trả lại cần sửa" in body
    assert "Xem lại số hội viên" in body
    assert body.index("Biểu mẫu bị trả lại cần sửa") < body.index("Phạm vi của bạn")
    assert f"/figures/nq06-org/2021/organization/{returned.organization_id}/" in body


def test_an_approver_sees_the_forms_waiting_for_a_decision(client, world, commune_form):
    fill(commune_form, world.district_clerk, members="100")
    submission_submit(actor=world.district_clerk, form=commune_form)
    client.force_login(world.district_approver)

    response = client.get(reverse("home"))

    waiting = [s for s, _url, _deadline in response.context["to_decide"]]
    assert [s.organization for s in waiting] == [commune_form.organization]
    assert "Biểu mẫu chờ bạn duyệt" in response.content.decode()


def test_the_other_districts_clerk_sees_none_of_it(client, world, returned):
    client.force_login(world.other_clerk)

    response = client.get(reverse("home"))

    assert response.context["returned"] == []
    assert "Xem lại số hội viên" not in response.content.decode()


def test_a_clerk_sees_the_forms_of_the_open_period_with_their_deadline(
    client, world, catalogue, settings
):
    from danvan.accounts.models import User
    from danvan.accounts.services import user_create

    world.commune_one_a.__class__.objects.filter(pk=world.commune_one_a.pk).update(valid_to=None)
    clerk = user_create(
        actor=None,
        username="mot-a.clerk",
        password="pw-for-tests-1",
        role=User.Role.DATA_CLERK,
        home_unit=world.commune_one_a,
    )
    client.force_login(clerk)

    response = client.get(reverse("home"))

    to_enter = [item for item, _url in response.context["to_enter"]]
    assert to_enter, "a commune clerk always has this period's forms to enter"
    today = datetime.date.today()
    for item in to_enter:
        opens, _ = item.form.data_set.window(item.form.period.spec)
        assert opens <= today
        assert item.deadline == item.form.data_set.deadline(item.form.period.spec)
        assert item.form.unit == world.commune_one_a


def test_a_unit_that_ended_before_the_open_period_has_nothing_to_enter(client, world, catalogue):
    from danvan.accounts.models import User
    from danvan.accounts.services import user_create

    clerk = user_create(
        actor=None,
        username="mot-a.clerk",
        password="pw-for-tests-1",
        role=User.Role.DATA_CLERK,
        home_unit=world.commune_one_a,  # valid until 30/6/2025, like every unit of the world
    )
    client.force_login(clerk)

    to_enter = client.get(reverse("home")).context["to_enter"]

    assert [
        item.form.period.id
        for item, _url in to_enter
        if item.form.period.start_date > world.commune_one_a.valid_to
    ] == []


def test_the_form_list_and_the_form_page_say_the_same_state(client, world, commune_form):
    fill(commune_form, world.district_clerk, members="100")  # figures, never submitted
    client.force_login(world.district_clerk)
    listing = client.get(
        reverse("datasets:entry"),
        {"data_set": "nq06-org", "period": "2021", "unit": world.commune_one_a.pk},
    )
    page = client.get(
        reverse(
            "datasets:form-org",
            kwargs={
                "data_set": "nq06-org",
                "period": "2021",
                "organization_pk": commune_form.organization.pk,
            },
        )
    )

    states = {
        form.organization.type.code: label for form, _s, _u, _st, label in listing.context["forms"]
    }
    assert states["hnd"] == "Đang nhập" == page.context["state_label"]
    assert states["cd"] == "Chưa nhập"


def test_the_entry_page_opens_on_the_period_being_collected(client, world, returned):
    client.force_login(world.district_clerk)

    response = client.get(reverse("datasets:entry"))

    assert response.context["period"] == period_get("2021")
    assert '<select name="period" data-autosubmit>' in response.content.decode()
