"""A user restricted to one organization type decides and writes only that type's forms,
in the services, the entry pages and the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.datasets.models import DataElement, Submission
from danvan.datasets.queries import EntryForm, period_get
from danvan.datasets.services import (
    data_value_save,
    submission_approve,
    submission_get_or_create,
)
from danvan.organizations.models import Organization, OrganizationType


def _restricted(world, username, role, code):
    return user_create(
        actor=None,
        username=username,
        password="pw-for-tests-1",
        role=role,
        home_unit=world.district_one,
        organization_type=OrganizationType.objects.get(code=code),
    )


@pytest.fixture
def farmers_approver(world):
    return _restricted(world, "hnd.approver", User.Role.APPROVER, "hnd")


@pytest.fixture
def womens_submission(world, catalogue):
    """The Women's Union form of Xã Một A, submitted."""
    organization = Organization.objects.get(unit=world.commune_one_a, type__code="hlhpn")
    form = EntryForm(catalogue["nq06-org"], world.commune_one_a, organization, period_get("2021"))
    data_value_save(
        actor=world.province_admin,
        form=form,
        element=DataElement.objects.get(code="members"),
        raw="10",
    )
    submission = submission_get_or_create(form)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    submission.refresh_from_db()
    return submission


def test_a_farmers_union_approver_cannot_approve_a_womens_union_form(
    farmers_approver, womens_submission
):
    with pytest.raises(PermissionDenied):
        submission_approve(actor=farmers_approver, submission=womens_submission)

    womens_submission.refresh_from_db()
    assert womens_submission.status == Submission.Status.SUBMITTED


def test_a_farmers_union_approver_approves_a_farmers_union_form(
    farmers_approver, womens_submission
):
    farmers = Organization.objects.get(unit=womens_submission.unit, type__code="hnd")
    Submission.objects.filter(pk=womens_submission.pk).update(organization=farmers)
    womens_submission.refresh_from_db()

    approved = submission_approve(actor=farmers_approver, submission=womens_submission)

    assert approved.status == Submission.Status.APPROVED


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_the_decision_page_does_not_find_another_organizations_form(
    client, farmers_approver, womens_submission, action
):
    client.force_login(farmers_approver)

    response = client.post(
        reverse("datasets:decide", args=[womens_submission.pk, action]), {"comment": "x"}
    )

    assert response.status_code == 404
    womens_submission.refresh_from_db()
    assert womens_submission.status == Submission.Status.SUBMITTED


def test_the_api_does_not_find_another_organizations_form(
    client, farmers_approver, womens_submission
):
    client.force_login(farmers_approver)

    response = client.post(
        f"/api/submissions/{womens_submission.pk}/approve", {}, content_type="application/json"
    )

    assert response.status_code == 404
    womens_submission.refresh_from_db()
    assert womens_submission.status == Submission.Status.SUBMITTED


def test_an_organization_restricted_administrator_cannot_reopen_another_organizations_form(
    world, womens_submission
):
    farmers_admin = _restricted(world, "hnd.admin", User.Role.ADMINISTRATOR, "hnd")
    Submission.objects.filter(pk=womens_submission.pk).update(status=Submission.Status.APPROVED)
    womens_submission.refresh_from_db()

    with pytest.raises(PermissionDenied):
        from danvan.datasets.services import submission_reopen

        submission_reopen(actor=farmers_admin, submission=womens_submission, comment="sửa")

    womens_submission.refresh_from_db()
    assert womens_submission.status == Submission.Status.APPROVED


def test_an_organization_restricted_clerk_cannot_write_the_units_own_form(world, catalogue):
    clerk = _restricted(world, "hnd.clerk", User.Role.DATA_CLERK, "hnd")
    form = EntryForm(catalogue["nq06-unit"], world.commune_one_a, None, period_get("2021"))

    with pytest.raises(PermissionDenied):
        data_value_save(
            actor=clerk, form=form, element=DataElement.objects.get(code="households"), raw="5"
        )

    assert not form.values().exists()


def test_an_organization_restricted_clerk_cannot_import_the_units_own_figures(world, catalogue):
    from danvan.datasets.exchange.parsers import RawRow
    from danvan.datasets.exchange.pipeline import values_import
    from danvan.datasets.models import DataValue

    clerk = _restricted(world, "hnd.clerk", User.Role.DATA_CLERK, "hnd")
    rows = [RawRow(1, "households", "2021", "01101", "", "5")]

    summary = values_import(actor=clerk, rows=rows, dry_run=False)

    assert not summary.applied
    assert [r.code for r in summary.rejections] == ["out_of_scope"]
    assert not DataValue.objects.filter(element__code="households").exists()


def test_an_organization_restricted_clerk_imports_their_bodys_figures_and_no_other(
    world, catalogue
):
    from danvan.datasets.exchange.parsers import RawRow
    from danvan.datasets.exchange.pipeline import values_import
    from danvan.datasets.models import DataValue

    clerk = _restricted(world, "hnd.clerk", User.Role.DATA_CLERK, "hnd")
    own = [RawRow(1, "members", "2021", "01101", "hnd", "40")]
    other = [*own, RawRow(2, "members", "2021", "01101", "hlhpn", "50")]

    refused = values_import(actor=clerk, rows=other, dry_run=False)
    summary = values_import(actor=clerk, rows=own, dry_run=False)

    assert [(r.line, r.code) for r in refused.rejections] == [(2, "out_of_scope")]
    assert refused.rejections[0].reason == (
        "Ngoài phạm vi: bạn không được nhập số liệu cho tổ chức này."
    )
    assert summary.applied and summary.new == 1
    stored = DataValue.objects.get(element__code="members", unit=world.commune_one_a)
    assert (stored.organization_type.code, stored.value) == ("hnd", 40)
