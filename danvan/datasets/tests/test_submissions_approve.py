"""Approving several forms at once (`submissions_approve`, the inbox's bulk approval):
each form checked and audited on its own, all written together."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danvan.datasets.models import DataElement, Submission, SubmissionEvent
from danvan.datasets.queries import EntryForm, period_get
from danvan.datasets.services import (
    data_value_save,
    submission_approve,
    submission_return,
    submission_submit,
    submissions_approve,
)
from danvan.indicators.models import ElementSum
from danvan.indicators.sums import sums_differences
from danvan.organizations.models import Organization


def submitted(world, catalogue, unit, code, members, clerk=None):
    organization = Organization.objects.get(unit=unit, type__code=code)
    form = EntryForm(catalogue["nq06-org"], unit, organization, period_get("2021"))
    element = DataElement.objects.get(code="members")
    data_value_save(actor=clerk or world.district_clerk, form=form, element=element, raw=members)
    return submission_submit(actor=clerk or world.district_clerk, form=form)


def approved_members(unit):
    """The approved basis of the members' sum at `unit`: (total, count)."""
    members = DataElement.objects.get(code="members")
    rows = ElementSum.objects.filter(unit=unit, element_id=members.pk)
    return (
        sum(row.approved_total for row in rows),
        sum(row.approved_count for row in rows),
    )


@pytest.fixture
def three_waiting(world, catalogue):
    """Three forms of Xã Một A submitted, with 100, 20 and 3 members."""
    return [
        submitted(world, catalogue, world.commune_one_a, code, members)
        for code, members in (("hnd", "100"), ("hlhpn", "20"), ("dtn", "3"))
    ]


def test_a_refused_form_is_named_and_left_alone_while_the_others_are_approved(
    world, catalogue, three_waiting
):
    first, returned, last = three_waiting
    submission_return(actor=world.district_approver, submission=returned, comment="Thiếu")
    theirs = submitted(
        world, catalogue, world.commune_two_a, "hnd", "7", clerk=world.province_admin
    )
    before = approved_members(world.district_two)

    outcomes = submissions_approve(
        actor=world.district_approver, submissions=[first, returned, theirs, last]
    )

    assert [submission.pk for submission, _ in outcomes] == [
        first.pk,
        returned.pk,
        theirs.pk,
        last.pk,
    ]
    refusals = [refused for _, refused in outcomes]
    assert refusals[0] is None and refusals[3] is None
    assert isinstance(refusals[1], ValidationError)
    assert refusals[1].messages == ["Chỉ duyệt được biểu đã gửi."]
    assert isinstance(refusals[2], PermissionDenied)
    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[last.pk] == Submission.Status.APPROVED
    assert statuses[returned.pk] == Submission.Status.RETURNED
    assert statuses[theirs.pk] == Submission.Status.SUBMITTED
    approvals = SubmissionEvent.objects.filter(action="approve")
    assert sorted(approvals.values_list("submission_id", flat=True)) == sorted([first.pk, last.pk])
    assert approved_members(world.district_one) == (103, 2)
    assert approved_members(world.district_two) == before == (0, 0)
    assert sums_differences() == []


def test_the_approved_forms_come_back_decided_and_audited_like_a_single_approval(
    world, three_waiting
):
    outcomes = submissions_approve(
        actor=world.district_approver, submissions=three_waiting, remote_address="10.0.0.9"
    )

    for (decided, refused), chosen in zip(outcomes, three_waiting, strict=True):
        assert refused is None
        assert decided.pk == chosen.pk
        assert decided.status == Submission.Status.APPROVED
        assert decided.decided_by == world.district_approver
        stored = Submission.objects.get(pk=chosen.pk)
        assert stored.decided_at == decided.decided_at is not None
        assert stored.decided_by == world.district_approver
        assert list(
            stored.events.values_list(
                "action", "from_status", "to_status", "user__username", "remote_address"
            )
        ) == [
            ("submit", "draft", "submitted", "one.clerk", None),
            ("approve", "submitted", "approved", "one.approver", "10.0.0.9"),
        ]


def test_a_form_chosen_twice_is_approved_once(world, three_waiting):
    first = three_waiting[0]

    outcomes = submissions_approve(actor=world.district_approver, submissions=[first, first])

    assert outcomes[0][1] is None
    assert isinstance(outcomes[1][1], ValidationError)
    assert SubmissionEvent.objects.filter(submission=first, action="approve").count() == 1
    assert approved_members(world.district_one) == (100, 1)
    assert sums_differences() == []


def test_approving_three_forms_takes_as_many_statements_as_approving_one(
    world, catalogue, three_waiting
):
    alone = submitted(world, catalogue, world.commune_one_b, "hnd", "50")
    approver = world.district_approver
    assert approver.home_unit is not None  # read once, before counting
    # As the inbox reads them: with the unit and body whose scope is checked.
    chosen = Submission.objects.select_related("unit", "organization")
    alone = chosen.get(pk=alone.pk)
    three_forms = list(chosen.filter(pk__in=[s.pk for s in three_waiting]))

    with CaptureQueriesContext(connection) as one:
        submissions_approve(actor=approver, submissions=[alone])
    with CaptureQueriesContext(connection) as three:
        submissions_approve(actor=approver, submissions=three_forms)

    assert len(three) == len(one)
    assert approved_members(world.district_one) == (173, 4)
    assert sums_differences() == []


def test_a_single_approval_refuses_as_before(world, three_waiting):
    first = three_waiting[0]
    submission_approve(actor=world.district_approver, submission=first)

    with pytest.raises(ValidationError) as again:
        submission_approve(actor=world.district_approver, submission=first)
    with pytest.raises(PermissionDenied):
        submission_approve(actor=world.district_clerk, submission=three_waiting[1])

    assert again.value.messages == ["Chỉ duyệt được biểu đã gửi."]
    assert SubmissionEvent.objects.filter(action="approve").count() == 1
