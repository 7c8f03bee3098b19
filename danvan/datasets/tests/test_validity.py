"""Across the 2025 reform: forms, expected forms, completeness, approval and writes follow
the units and bodies in force at the end of the period's reporting window."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.datasets.exchange.parsers import source_open
from danvan.datasets.exchange.pipeline import values_import
from danvan.datasets.models import DataElement, DataValue, DataValueAudit, Submission
from danvan.datasets.queries import EntryForm, completeness_for, forms_of_unit, period_get
from danvan.datasets.services import data_value_save, submission_approve, submission_submit
from danvan.geography.models import AdministrativeUnit, HierarchyVersion, UnitSuccession
from danvan.organizations.models import Organization
from danvan.organizations.services import organization_bodies_load

Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level
REFORM = datetime.date(2025, 7, 1)
IN_2026 = datetime.date(2026, 1, 10)  # the 2025 and 2026 windows are both open


@pytest.fixture
def reformed(world, catalogue):
    """Tỉnh A's three communes merged into two communes directly under a new city."""
    version = HierarchyVersion.objects.create(
        code="vn-2025", name="Từ 01/7/2025", valid_from=REFORM, has_district_level=False
    )

    def unit(code, name, kind, level, parent=None):
        return AdministrativeUnit.objects.create(
            version=version, code=code, name=name, kind=kind, level=level, parent=parent,
            valid_from=REFORM,
        )  # fmt: skip

    city = unit("02", "Thành phố Mới", Kind.CITY, Level.PROVINCE)
    first = unit("02001", "Xã Mới Một", Kind.COMMUNE, Level.COMMUNE, city)
    second = unit("02002", "Xã Mới Hai", Kind.COMMUNE, Level.COMMUNE, city)
    for old, new in ((world.commune_one_a, first), (world.commune_one_b, first)):
        UnitSuccession.objects.create(predecessor=old, successor=new, effective_date=REFORM)
    UnitSuccession.objects.create(
        predecessor=world.commune_two_a, successor=second, effective_date=REFORM
    )
    organization_bodies_load()
    world.city, world.new_commune, world.other_new_commune = city, first, second
    world.city_approver = user_create(
        actor=None, username="city.approver", password="pw-for-tests-1",
        role=User.Role.APPROVER, home_unit=city,
    )  # fmt: skip
    world.new_clerk = user_create(
        actor=None, username="new.clerk", password="pw-for-tests-1",
        role=User.Role.DATA_CLERK, home_unit=first,
    )  # fmt: skip
    world.data_sets = catalogue
    return world


def _body(unit, code):
    return Organization.objects.get(unit=unit, type__code=code, kind="territorial")


def test_a_2025_figure_for_an_abolished_commune_is_refused_naming_unit_version_and_date(
    reformed,
):
    form = EntryForm(
        reformed.data_sets["nq06-org"],
        reformed.commune_one_a,
        _body(reformed.commune_one_a, "hnd"),
        period_get("2025"),
    )

    with pytest.raises(ValidationError) as error:
        data_value_save(
            actor=reformed.district_clerk,
            form=form,
            element=DataElement.objects.get(code="members"),
            raw="100",
            today=IN_2026,
        )

    message = error.value.messages[0]
    assert "Xã Một A" in message
    assert "Trước 01/7/2025" in message
    assert "14/12/2025" in message
    assert "Xã Mới Một" in message
    assert not DataValue.objects.exists()
    assert not DataValueAudit.objects.exists()


def test_the_same_commune_still_takes_its_2024_figures(reformed):
    form = EntryForm(
        reformed.data_sets["nq06-org"],
        reformed.commune_one_a,
        _body(reformed.commune_one_a, "hnd"),
        period_get("2024"),
    )

    result = data_value_save(
        actor=reformed.district_clerk,
        form=form,
        element=DataElement.objects.get(code="members"),
        raw="100",
        today=IN_2026,
    )

    assert result.changed


def test_a_body_closed_before_the_window_ends_takes_no_figures(reformed):
    veterans = _body(reformed.new_commune, "hccb")
    veterans.valid_to = datetime.date(2025, 12, 1)
    veterans.save()
    form = EntryForm(
        reformed.data_sets["nq06-org"], reformed.new_commune, veterans, period_get("2025")
    )

    with pytest.raises(ValidationError) as error:
        data_value_save(
            actor=reformed.new_clerk,
            form=form,
            element=DataElement.objects.get(code="members"),
            raw="40",
            today=IN_2026,
        )

    assert veterans.name in error.value.messages[0]
    assert "14/12/2025" in error.value.messages[0]
    assert not DataValue.objects.exists()


def test_an_import_row_for_an_abolished_unit_is_rejected_and_nothing_is_written(reformed):
    data = (
        b"dataelement,period,orgunit,categoryoptioncombo,value,comment\n"
        b"members,2024,01101,hnd,90,\n"
        b"members,2025,01101,hnd,100,\n"
    )

    summary = values_import(
        actor=reformed.district_clerk,
        rows=source_open(io.BytesIO(data), name="x.csv", size=len(data)),
        today=IN_2026,
    )

    assert [(r.line, r.code) for r in summary.rejections] == [(3, "outside_validity")]
    assert "Xã Một A" in summary.rejections[0].reason
    assert not DataValue.objects.exists()


def test_forms_of_2025_exist_only_for_the_new_units_and_bodies(reformed):
    data_set = reformed.data_sets["nq06-org"]
    everything = Organization.objects.all()

    old = forms_of_unit(data_set, reformed.commune_one_a, period_get("2025"), everything)
    old_2024 = forms_of_unit(data_set, reformed.commune_one_a, period_get("2024"), everything)
    new = forms_of_unit(data_set, reformed.new_commune, period_get("2025"), everything)

    assert old == []
    assert len(old_2024) == 6
    assert [f.organization.type.code for f in new] == ["mttq", "hnd", "dtn", "hlhpn", "hccb"]


def test_completeness_of_2025_counts_only_the_new_units(reformed):
    data_set = reformed.data_sets["nq06-org"]
    everything = Organization.objects.all()

    old = completeness_for(data_set, period_get("2025"), reformed.province, IN_2026, everything)
    old_2024 = completeness_for(
        data_set, period_get("2024"), reformed.province, IN_2026, everything
    )
    new = completeness_for(data_set, period_get("2025"), reformed.city, IN_2026, everything)

    assert old.total.expected == 0
    assert old_2024.total.expected == 6 * (1 + 2 + 3)
    # The city's six bodies, five at each commune: no district, no commune Trade Union.
    assert new.total.expected == 6 + 2 * 5
    assert {r.unit.code for r in new.rows} == {"02", "02001", "02002"}


def test_a_new_commune_form_goes_straight_to_the_city(reformed, client):
    form = EntryForm(
        reformed.data_sets["nq06-org"],
        reformed.new_commune,
        _body(reformed.new_commune, "hnd"),
        period_get("2026"),
    )
    for code, raw in (("members", "300"), ("members_studied", "280")):
        data_value_save(
            actor=reformed.new_clerk,
            form=form,
            element=DataElement.objects.get(code=code),
            raw=raw,
            today=IN_2026,
        )
    submission = submission_submit(
        actor=reformed.new_clerk, form=form, comment="Số liệu năm 2026", today=IN_2026
    )

    client.force_login(reformed.city_approver)
    waiting = client.get(reverse("datasets:inbox")).context["to_decide"]
    approved = submission_approve(actor=reformed.city_approver, submission=submission)

    assert waiting == [submission]
    assert not access.can_decide_submission(reformed.district_approver, submission)
    assert approved.status == Submission.Status.APPROVED
    assert approved.decided_by == reformed.city_approver


def test_the_completeness_page_of_an_abolished_province_points_to_its_successor(reformed, client):
    admin = User.objects.create_superuser("root", password="pw-for-tests-1")
    client.force_login(admin)

    page = client.get(
        reverse("datasets:completeness"),
        {"data_set": "nq06-org", "period": "2025", "unit": reformed.commune_one_a.pk},
    )

    assert page.context["report"].total.expected == 0
    assert [u.name for u in page.context["report"].holding_place] == ["Xã Mới Một"]
    assert "14/12/2025" in page.content.decode()
