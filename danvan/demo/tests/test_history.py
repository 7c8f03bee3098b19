"""The demo across the reform: synthetic figures for the old provinces and years beyond the
seed, the new Cần Thơ's communes in 2025–2026, and the two-level workflow at work."""

import datetime
from collections import defaultdict

import pytest
from django.urls import reverse

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.models import (
    DataElement,
    DataSet,
    DataValue,
    DataValueAudit,
    Submission,
)
from danvan.datasets.queries import EntryForm, ValueLookup, completeness_for, period_get
from danvan.datasets.services import data_value_save
from danvan.datasets.validation import rules_check, rules_for
from danvan.demo.history import AUDIT_NOTE, demo_history_generate
from danvan.geography.models import AdministrativeUnit
from danvan.organizations.models import Organization

pytestmark = pytest.mark.django_db

LEGACY, NEW = "vn-legacy", "vn-2025"
TODAY = datetime.date(2026, 12, 2)


def _province(version, code):
    return AdministrativeUnit.objects.get(version__code=version, code=code)


def _years(unit):
    return set(
        DataValue.objects.filter(unit__path__startswith=unit.path, unit__version=unit.version)
        .values_list("period_id", flat=True)
        .distinct()
    )


def test_old_can_tho_and_soc_trang_have_figures_2016_to_2024_and_hau_giang_to_2024(province):
    years = {str(y) for y in range(2016, 2025)}

    assert _years(_province(LEGACY, "92")) == years
    assert _years(_province(LEGACY, "94")) == years
    assert _years(province) == years


def test_every_new_commune_has_predecessors_and_figures_for_2025_and_2026(province):
    city = _province(NEW, "92")
    communes = AdministrativeUnit.objects.filter(parent=city)
    with_figures = defaultdict(set)
    for unit, period in DataValue.objects.filter(unit__in=communes).values_list(
        "unit_id", "period_id"
    ):
        with_figures[period].add(unit)

    assert communes.count() == 103
    assert not communes.filter(successions_in__isnull=True).exists()
    assert _years(city) == {"2025", "2026"}
    assert len(with_figures["2025"]) == len(with_figures["2026"]) == 103


def test_synthetic_figures_are_marked_as_such_in_their_audit_rows(province):
    city = _province(NEW, "92")
    soc_trang = _province(LEGACY, "94")

    notes = set(
        DataValueAudit.objects.filter(unit__in=[city, soc_trang]).values_list("comment", flat=True)
    )
    hau_giang_2024 = set(
        DataValueAudit.objects.filter(unit=province, period="2024").values_list(
            "comment", flat=True
        )
    )

    assert notes == {AUDIT_NOTE}
    assert hau_giang_2024 == {AUDIT_NOTE}
    assert "không phải số liệu thật" in AUDIT_NOTE


def test_no_synthetic_form_breaks_a_validation_rule(province):
    # Sóc Trăng in every year, Hậu Giang after the seed, the new city.
    samples = (
        DataValue.objects.filter(unit__version__code=LEGACY, unit__path__startswith="/94/"),
        DataValue.objects.filter(unit__version__code=LEGACY, period__in=["2022", "2023", "2024"]),
        DataValue.objects.filter(unit__version__code=NEW),
    )
    rows = defaultdict(list)
    for query in samples:
        for unit, period, code, option, value in query.values_list(
            "unit_id", "period_id", "element__code", "organization_type__code", "value"
        ):
            rows[(unit, period)].append((code, option, value))
    violations = []
    for data_set in DataSet.objects.filter(code__in=["nq06-org", "nq06-unit"]):
        rules = rules_for(data_set)
        options = [None]
        if data_set.reported_by_organizations:
            options = list(data_set.organization_types.values_list("code", flat=True))
        for (unit, period), unit_rows in rows.items():
            for option in options:
                lookup = ValueLookup(unit_rows, option)
                violations += [(unit, period, option, v) for v in rules_check(rules, lookup)]

    assert len(rows) > 1000
    assert violations == []


def test_members_at_the_start_of_a_year_are_last_years_members(province):
    city = _province(NEW, "92")
    in_city = DataValue.objects.filter(unit__path__startswith=city.path, unit__version=city.version)
    members = {
        (unit, option): value
        for unit, option, value in in_city.filter(
            element__code="members", period="2025"
        ).values_list("unit_id", "organization_type_id", "value")
    }
    starts = in_city.filter(element__code="members_start", period="2026").values_list(
        "unit_id", "organization_type_id", "value"
    )

    assert len(starts) > 400
    assert all(value == members[(unit, option)] for unit, option, value in starts)


def test_no_form_of_2025_or_2026_belongs_to_a_unit_abolished_in_2025(province):
    late = Submission.objects.filter(period__in=["2025", "2026"])

    assert late.exists()
    assert not late.exclude(unit__version__code=NEW).exists()
    assert not late.filter(unit__level=3, organization__type__code="cd").exists()


def test_completeness_of_2025_counts_only_the_103_new_communes_and_the_city(province):
    city = _province(NEW, "92")
    data_set = DataSet.objects.get(code="nq06-org")

    report = completeness_for(data_set, period_get("2025"), city, TODAY, Organization.objects.all())
    old = completeness_for(
        data_set, period_get("2025"), province, TODAY, Organization.objects.all()
    )

    assert report.total.expected == 6 + 103 * 5
    assert len([r for r in report.rows if not r.own_forms_only]) == 103
    assert old.total.expected == 0
    assert report.total.submitted == report.total.expected


def test_in_2026_the_cycle_is_visible_and_communes_go_straight_to_the_city(province):
    forms = Submission.objects.filter(period="2026")
    decided = forms.filter(status__in=["approved", "returned"], unit__level=3)

    assert set(forms.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "approved",
    }
    assert set(decided.values_list("decided_by__username", flat=True)) == {"cantho.approver"}
    assert all(s.submitted_at.date() < TODAY for s in forms.exclude(submitted_at=None))


def test_the_city_approver_waits_for_commune_forms_of_2026(client, province):
    approver = User.objects.get(username="cantho.approver")
    client.force_login(approver)

    waiting = client.get(reverse("datasets:inbox")).context["to_decide"]

    assert waiting
    assert {s.unit.level for s in waiting if s.period_id == "2026"} == {3}
    assert all(access.can_decide_submission(approver, s) for s in waiting)


def test_the_new_commune_clerk_enters_a_2026_figure_and_not_a_2024_one(province):
    clerk = User.objects.get(username="phuongvithanh.clerk")
    commune = clerk.home_unit
    farmers = Organization.objects.get(unit=commune, type__code="dtn", kind="territorial")
    data_set = DataSet.objects.get(code="nq06-org")
    members = DataElement.objects.get(code="members_new")
    submission = Submission.objects.get(
        data_set=data_set, unit=commune, organization=farmers, period="2026"
    )

    saved = data_value_save(
        actor=clerk,
        form=EntryForm(data_set, commune, farmers, period_get("2026")),
        element=members,
        raw="12",
        today=TODAY,
    )
    with pytest.raises(Exception) as refused:
        data_value_save(
            actor=clerk,
            form=EntryForm(data_set, commune, farmers, period_get("2024")),
            element=members,
            raw="12",
            today=TODAY,
        )

    assert submission.status == "draft"
    assert saved.changed
    assert commune.name in str(refused.value)


def test_generating_the_history_again_writes_nothing(province):
    count = DataValue.objects.count()

    written = demo_history_generate(
        hau_giang=province,
        old_provinces=[],
        city=_province(NEW, "92"),
        progress=lambda line: None,
    )

    assert written == 0
    assert DataValue.objects.count() == count
