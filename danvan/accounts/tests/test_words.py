"""The Vietnamese interface speaks in words: no status code, no `#{…}` formula on a page."""

import re

import pytest
from django.urls import reverse

from danvan.datasets.models import DataElement
from danvan.datasets.queries import EntryForm
from danvan.datasets.services import (
    data_value_save,
    submission_approve,
    submission_return,
    submission_submit,
)
from danvan.indicators.tests.conftest import resolution  # noqa: F401  (a fixture)
from danvan.organizations.models import Organization

CODES = re.compile(
    r"\b(draft|submitted|returned|approved|not_started|no_target|no_data|not_met|exceeded)\b"
)


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


def fill(form, user, **values):
    for code, raw in values.items():
        data_value_save(actor=user, form=form, element=DataElement.objects.get(code=code), raw=raw)


@pytest.fixture
def every_state(world, commune_form):
    """Forms of Xã Một A in each state: approved, returned, submitted, draft."""
    forms = {
        code: EntryForm(
            commune_form.data_set,
            world.commune_one_a,
            Organization.objects.get(unit=world.commune_one_a, type__code=code),
            commune_form.period,
        )
        for code in ("hnd", "hlhpn", "dtn", "hccb")
    }
    for form in forms.values():
        fill(form, world.district_clerk, members="100", members_studied="90")
    approved = submission_submit(actor=world.district_clerk, form=forms["hnd"])
    submission_approve(actor=world.district_approver, submission=approved)
    returned = submission_submit(actor=world.district_clerk, form=forms["hlhpn"])
    submission_return(actor=world.district_approver, submission=returned, comment="Xem lại")
    submission_submit(actor=world.district_clerk, form=forms["dtn"])
    return forms


def test_no_page_shows_a_status_code_or_a_formula(
    client,
    world,
    every_state,
    resolution,  # noqa: F811
):
    form = every_state["hlhpn"]
    form_page = reverse(
        "datasets:form-org",
        kwargs={"data_set": "nq06-org", "period": "2021", "organization_pk": form.organization.pk},
    )
    pick = {"data_set": "nq06-org", "period": "2021"}
    pages = [
        (reverse("home"), {}),
        (reverse("datasets:entry"), {**pick, "unit": world.commune_one_a.pk}),
        (form_page, {}),
        (reverse("datasets:inbox"), {}),
        (reverse("datasets:completeness"), pick),
        (reverse("datasets:validation"), pick),
        (reverse("indicators:list"), {}),
        (reverse("indicators:dashboard", args=[resolution.slug]), {"period": "2021"}),
        (reverse("reports:make"), {}),
    ]
    sources = reverse("indicators:sources", args=[resolution.slug, "studied"])
    shown = {}
    for user in (world.province_admin, world.district_clerk, world.district_approver):
        client.force_login(user)
        own = {"period": "2021", "unit": user.home_unit.pk}
        for url, query in [*pages, (sources, own)]:
            response = client.get(url, query)
            assert response.status_code == 200, url
            text = visible_text(response.content.decode())
            shown[(user.username, url)] = (CODES.findall(text), "#{" in text)

    assert {key: found for key, found in shown.items() if found != ([], False)} == {}


def test_the_drill_down_names_its_formula_in_element_names(
    client,
    world,
    every_state,
    resolution,  # noqa: F811
):
    client.force_login(world.province_admin)

    response = client.get(
        reverse("indicators:sources", args=[resolution.slug, "studied"]),
        {"period": "2021", "unit": world.province.pk},
    )

    text = visible_text(response.content.decode())
    assert (
        "Đoàn viên, hội viên tham gia học tập các chỉ thị, nghị quyết ÷ "
        "Tổng số đoàn viên, hội viên cuối kỳ"
    ) in text
    assert "Đã duyệt" in text


def test_english_shows_a_target_year_without_a_thousands_separator():
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    target = SimpleNamespace(value=80, upper=None, every_year=False, year=2020)
    part = SimpleNamespace(
        level_label="",
        name="Học tập",
        code="studied",
        is_rate=False,
        unit_of_measure="%",
        baseline_period=None,
        target_kind="at_least",
        decimals=2,
    )
    card = SimpleNamespace(result=SimpleNamespace(value=None, target=target, status=""), part=part)
    context = {
        "card": card,
        "resolution": SimpleNamespace(slug="x"),
        "unit": None,
        "period": None,
    }

    with translation.override("en"):
        html = render_to_string("indicators/_card.html", context)

    assert "by 2020" in html
    assert "2,020" not in html
