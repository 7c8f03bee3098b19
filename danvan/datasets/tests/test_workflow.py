import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.datasets.models import DataElement, Submission
from danvan.datasets.services import (
    data_value_save,
    submission_approve,
    submission_reopen,
    submission_return,
    submission_submit,
)


def fill(form, user, **values):
    for code, raw in values.items():
        data_value_save(actor=user, form=form, element=DataElement.objects.get(code=code), raw=raw)


@pytest.fixture
def other_approver(world):
    return user_create(
        actor=None,
        username="two.approver",
        password="pw-for-tests-1",
        role=User.Role.APPROVER,
        home_unit=world.district_two,
    )


def test_an_empty_form_cannot_be_submitted(commune_form, world):
    with pytest.raises(ValidationError) as error:
        submission_submit(actor=world.district_clerk, form=commune_form)

    assert "chưa có số liệu" in error.value.messages[0]


def test_errors_block_submission(commune_form, world):
    fill(commune_form, world.district_clerk, members="100", members_studied="120")

    with pytest.raises(ValidationError) as error:
        submission_submit(actor=world.district_clerk, form=commune_form)

    assert "học tập" in error.value.messages[0]
    assert "nghị quyết: 120; Tổng số đoàn viên, hội viên cuối kỳ: 100)" in error.value.messages[0]
    assert commune_form.submission() is None  # nothing was written


def test_warnings_need_a_comment(commune_form, world):
    fill(
        commune_form,
        world.district_clerk,
        members_start="100",
        members_new="10",
        members_removed="5",
        members="100",
    )

    with pytest.raises(ValidationError):
        submission_submit(actor=world.district_clerk, form=commune_form)
    submission = submission_submit(
        actor=world.district_clerk, form=commune_form, comment="Chuyển sinh hoạt 5 hội viên"
    )

    assert submission.status == Submission.Status.SUBMITTED
    assert submission.last_comment == "Chuyển sinh hoạt 5 hội viên"


def test_the_full_cycle_is_audited(commune_form, world):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)

    submission = submission_return(
        actor=world.district_approver, submission=submission, comment="Kiểm tra lại"
    )
    fill(commune_form, world.district_clerk, members="101")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    submission = submission_approve(actor=world.district_approver, submission=submission)

    assert submission.status == Submission.Status.APPROVED
    assert list(
        submission.events.values_list("action", "from_status", "to_status", "user__username")
    ) == [
        ("submit", "draft", "submitted", "one.clerk"),
        ("return", "submitted", "returned", "one.approver"),
        ("submit", "returned", "submitted", "one.clerk"),
        ("approve", "submitted", "approved", "one.approver"),
    ]


def test_returning_needs_a_comment(commune_form, world):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)

    with pytest.raises(ValidationError):
        submission_return(actor=world.district_approver, submission=submission, comment=" ")

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_only_the_approver_of_the_parent_unit_decides(commune_form, world, other_approver):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)

    for intruder in (world.district_clerk, other_approver, world.commune_viewer):
        with pytest.raises(PermissionDenied):
            submission_approve(actor=intruder, submission=submission)

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_an_approver_cannot_approve_twice_or_a_draft(commune_form, world):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    submission_approve(actor=world.district_approver, submission=submission)

    with pytest.raises(ValidationError):
        submission_approve(actor=world.district_approver, submission=submission)


def test_reopening_unlocks_the_figures(commune_form, world):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    submission_approve(actor=world.district_approver, submission=submission)

    with pytest.raises(ValidationError):
        fill(commune_form, world.district_clerk, members="101")
    submission_reopen(
        actor=world.district_approver, submission=submission, comment="Sai số hội viên"
    )
    fill(commune_form, world.district_clerk, members="101")

    assert commune_form.submission().status == Submission.Status.RETURNED
