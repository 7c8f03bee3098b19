"""Reviewing forms: what changed since the return, decide and go on, approve several."""

import pytest
from django.urls import reverse

from danvan.datasets.models import DataElement, Submission, SubmissionEvent
from danvan.datasets.queries import EntryForm
from danvan.datasets.services import data_value_save, submission_return, submission_submit
from danvan.organizations.models import Organization


def fill(form, user, **values):
    for code, raw in values.items():
        data_value_save(actor=user, form=form, element=DataElement.objects.get(code=code), raw=raw)


def page_url(form):
    return reverse(
        "datasets:form-org",
        kwargs={
            "data_set": form.data_set.code,
            "period": form.period.id,
            "organization_pk": form.organization.pk,
        },
    )


def other_form(commune_form, code, unit=None):
    unit = unit or commune_form.unit
    organization = Organization.objects.get(unit=unit, type__code=code)
    return EntryForm(commune_form.data_set, unit, organization, commune_form.period)


@pytest.fixture
def two_waiting(world, commune_form):
    women = other_form(commune_form, "hlhpn")
    for form in (commune_form, women):
        fill(form, world.district_clerk, members="100")
        submission_submit(actor=world.district_clerk, form=form)
    return commune_form, women


def test_the_approver_sees_what_changed_since_the_return(client, world, commune_form):
    fill(commune_form, world.district_clerk, members="100", members_studied="90")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    submission_return(actor=world.district_approver, submission=submission, comment="Số học tập?")
    fill(commune_form, world.district_clerk, members_studied="95")
    fill(commune_form, world.district_clerk, members_studied="80")
    submission_submit(actor=world.district_clerk, form=commune_form)
    client.force_login(world.district_approver)

    response = client.get(page_url(commune_form))

    changes = response.context["changes"]
    assert [(c.element.code, c.old, c.new) for c in changes.rows] == [("members_studied", 90, 80)]
    assert changes.rows[0].users == ["one.clerk"]
    body = response.content.decode()
    assert "Số học tập?" in body
    assert ">80</strong>" in body


def test_a_first_submission_has_no_changes_view(client, world, two_waiting):
    client.force_login(world.district_approver)

    response = client.get(page_url(two_waiting[0]))

    assert response.context["changes"] is None


def test_after_approving_the_approver_lands_on_the_next_form(client, world, two_waiting):
    first, second = two_waiting
    submission = first.submission()
    client.force_login(world.district_approver)

    response = client.post(reverse("datasets:decide", args=[submission.pk, "approve"]))

    assert response.status_code == 302
    assert response["Location"] == page_url(second)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED


def test_after_the_last_decision_the_approver_stays_on_the_form(client, world, two_waiting):
    first, second = two_waiting
    client.force_login(world.district_approver)
    client.post(reverse("datasets:decide", args=[first.submission().pk, "approve"]))

    response = client.post(
        reverse("datasets:decide", args=[second.submission().pk, "return"]),
        {"comment": "Thiếu số liệu"},
    )

    assert response["Location"] == page_url(second)


def test_several_checked_forms_are_approved_each_with_its_own_audit(client, world, two_waiting):
    ids = [form.submission().pk for form in two_waiting]
    client.force_login(world.district_approver)

    response = client.post(reverse("datasets:approve-many"), {"submission": ids})

    assert response["Location"] == reverse("datasets:inbox")
    assert set(Submission.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        Submission.Status.APPROVED
    }
    events = SubmissionEvent.objects.filter(submission_id__in=ids, action="approve")
    assert sorted(events.values_list("submission_id", flat=True)) == sorted(ids)
    assert set(events.values_list("user__username", flat=True)) == {"one.approver"}


def test_a_form_out_of_scope_is_skipped_in_a_bulk_approval(client, world, commune_form):
    zeta = other_form(commune_form, "hnd", unit=world.commune_two_a)
    fill(zeta, world.province_admin, members="50")
    theirs = submission_submit(actor=world.province_admin, form=zeta)
    fill(commune_form, world.district_clerk, members="100")
    mine = submission_submit(actor=world.district_clerk, form=commune_form)
    client.force_login(world.district_approver)

    client.post(reverse("datasets:approve-many"), {"submission": [mine.pk, theirs.pk]})

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Submission.Status.APPROVED
    assert theirs.status == Submission.Status.SUBMITTED


def test_the_read_only_form_says_why_in_neutral_words(client, world, two_waiting):
    client.force_login(world.district_approver)

    body = client.get(page_url(two_waiting[0])).content.decode()

    assert "Bạn không có quyền" not in body
    assert "chờ cấp trên xem xét" in body


def test_a_viewer_reads_the_form_without_an_error_tone(client, world, commune_form):
    client.force_login(world.district_approver)

    body = client.get(page_url(commune_form)).content.decode()

    assert "Bạn không có quyền" not in body
    assert "Bạn đang xem biểu mẫu" in body


def test_a_refused_form_in_a_bulk_approval_leaves_the_others_approved(client, world, two_waiting):
    waiting, returned = (form.submission() for form in two_waiting)
    submission_return(actor=world.district_approver, submission=returned, comment="Thiếu")
    client.force_login(world.district_approver)

    response = client.post(
        reverse("datasets:approve-many"), {"submission": [waiting.pk, returned.pk]}, follow=True
    )

    waiting.refresh_from_db()
    returned.refresh_from_db()
    assert waiting.status == Submission.Status.APPROVED
    assert returned.status == Submission.Status.RETURNED
    approvals = SubmissionEvent.objects.filter(action="approve")
    assert list(approvals.values_list("submission_id", flat=True)) == [waiting.pk]
    assert "Chỉ duyệt được biểu đã gửi." in response.content.decode()
