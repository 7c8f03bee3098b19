"""What keeps a form from being submitted, and how the refusal names the cells."""

import datetime

import pytest
from django.urls import reverse

from danvan.datasets.catalogue import CatalogueError, catalogue_load
from danvan.datasets.models import DataElement, DataSetElement, Submission
from danvan.datasets.queries import period_get
from danvan.datasets.services import SubmissionRefused, data_value_save, submission_submit
from danvan.datasets.validation import Problem


def fill(form, user, **values):
    for code, raw in values.items():
        data_value_save(actor=user, form=form, element=DataElement.objects.get(code=code), raw=raw)


def submit_url(form):
    return reverse(
        "datasets:submit-org",
        kwargs={
            "data_set": form.data_set.code,
            "period": form.period.id,
            "organization_pk": form.organization.pk,
        },
    )


def test_a_required_cell_left_empty_blocks_submission_and_is_named(commune_form, world):
    fill(commune_form, world.district_clerk, members_studied="80")

    with pytest.raises(SubmissionRefused) as refused:
        submission_submit(actor=world.district_clerk, form=commune_form)

    [problem] = refused.value.problems
    assert problem.kind == Problem.Kind.REQUIRED
    assert [cell.code for cell in problem.cells] == ["members"]
    assert "Tổng số đoàn viên, hội viên cuối kỳ" in problem.message
    assert commune_form.submission() is None


def test_the_catalogue_names_the_required_cells(catalogue, commune_form):
    required = DataSetElement.objects.filter(section__data_set=catalogue["nq06-org"], required=True)

    assert list(required.values_list("element__code", flat=True)) == ["members"]


def test_a_required_cell_not_on_the_form_is_refused_by_name(world, catalogue, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "data_sets:\n"
        "  - code: nq06-extra\n"
        "    name: Extra\n"
        "    required: [members, voters]\n"
        "    sections:\n"
        "      - {name: Một, elements: [members]}\n",
        encoding="utf-8",
    )

    with pytest.raises(CatalogueError) as error:
        catalogue_load(path)

    assert "required cell 'voters' is not on the form" in error.value.messages[0]
    assert not catalogue["nq06-org"].__class__.objects.filter(code="nq06-extra").exists()


def test_an_unusual_value_needs_its_note(commune_form, world):
    members = DataElement.objects.get(code="members")
    for year in ("2018", "2019", "2020"):
        form = commune_form.__class__(
            commune_form.data_set, commune_form.unit, commune_form.organization, period_get(year)
        )
        fill(form, world.district_clerk, members="100")
    fill(commune_form, world.district_clerk, members="900")

    with pytest.raises(SubmissionRefused) as refused:
        submission_submit(actor=world.district_clerk, form=commune_form)
    assert [p.kind for p in refused.value.problems] == [Problem.Kind.NOTE]
    data_value_save(
        actor=world.district_clerk,
        form=commune_form,
        element=members,
        raw="900",
        comment="Sáp nhập hai chi hội",
    )
    submission = submission_submit(actor=world.district_clerk, form=commune_form)

    assert submission.status == Submission.Status.SUBMITTED


def test_a_warning_is_listed_with_its_cells_until_the_comment_explains_it(commune_form, world):
    fill(
        commune_form,
        world.district_clerk,
        members_start="100",
        members_new="10",
        members_removed="5",
        members="100",
    )

    with pytest.raises(SubmissionRefused) as refused:
        submission_submit(actor=world.district_clerk, form=commune_form)

    [problem] = refused.value.problems
    assert problem.kind == Problem.Kind.WARNING
    assert [c.code for c in problem.cells] == [
        "members_start",
        "members_new",
        "members_removed",
        "members",
    ]
    assert "Đoàn viên, hội viên đầu kỳ + Đoàn viên, hội viên phát triển mới" in problem.message


def test_a_refused_submission_lists_each_cell_as_a_link(client, world, commune_form):
    fill(commune_form, world.district_clerk, members="100", members_studied="120")
    client.force_login(world.district_clerk)

    response = client.post(submit_url(commune_form), {"comment": "xin gửi"})

    body = response.content.decode()
    assert response.status_code == 422
    assert 'href="#cell-members_studied"' in body
    assert 'href="#cell-members"' in body
    assert "xin gửi" in body  # the typed comment is kept
    assert commune_form.submission() is None


def test_the_submit_button_follows_each_cell_save(client, world, commune_form):
    client.force_login(world.district_clerk)
    url = reverse(
        "datasets:cell-org",
        kwargs={
            "data_set": commune_form.data_set.code,
            "period": commune_form.period.id,
            "organization_pk": commune_form.organization.pk,
            "element": "members_studied",
        },
    )

    blocked = client.post(url, {"value": "10", "revision": "0"}).content.decode()
    fill(commune_form, world.district_clerk, members="100")
    open_ = client.post(url, {"value": "11", "revision": "1"}).content.decode()

    assert 'id="submit-check" class="submit-check" hx-swap-oob="true" data-blocked="1"' in blocked
    assert 'href="#cell-members"' in blocked
    assert 'data-blocked="0"' in open_
    assert "disabled" not in open_.split('id="submit-check"')[1]


def test_a_note_saved_with_the_cell_is_kept_and_audited(client, world, commune_form):
    client.force_login(world.district_clerk)
    url = reverse(
        "datasets:cell-org",
        kwargs={
            "data_set": commune_form.data_set.code,
            "period": commune_form.period.id,
            "organization_pk": commune_form.organization.pk,
            "element": "members",
        },
    )

    client.post(url, {"value": "100", "revision": "0"})
    client.post(url, {"value": "100", "note": "Số liệu ngày 15/12", "revision": "1"})

    value = commune_form.values().get(element__code="members")
    assert value.comment == "Số liệu ngày 15/12"
    assert value.revision == 2
    assert datetime.date.today() >= value.updated_at.date()
