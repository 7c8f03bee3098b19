"""The demo figures: the seed report's counts at province level, valid forms, one generation
like the next, and a workflow with something to do in 2021.

The real Hậu Giang world is built once for the module (inside a transaction rolled back at
the end), as `make demo-db` builds it.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.models import (
    DataElement,
    DataSet,
    DataValue,
    DataValueAudit,
    Submission,
    SubmissionEvent,
)
from danvan.datasets.queries import EntryForm, ValueLookup, period_get
from danvan.datasets.services import data_value_save, submission_submit
from danvan.datasets.validation import outlier_check, rules_check, rules_for
from danvan.demo.figures import (
    demo_figures_compute,
    demo_figures_generate,
    proportional_split,
)
from danvan.geography.models import AdministrativeUnit
from danvan.lib.numbers import format_vn_number
from danvan.organizations.models import Organization

# Ordered with the other database tests, before any that flush the database.
pytestmark = pytest.mark.django_db

TERM = (2017, 2018, 2019, 2020, 2021)
ALL_YEARS = (2016, *TERM)
PROVINCE, DISTRICTS, COMMUNES = 1, 2, 3


def _snapshot(province):
    return list(
        # The seed's years; the synthetic years after 2021 are tested in test_history.py.
        DataValue.objects.filter(
            unit__path__startswith=province.path,
            unit__version=province.version,
            period__in=[str(year) for year in ALL_YEARS],
        )
        .order_by("element__code", "unit__code", "organization_type__code", "period_id")
        .values_list(
            "element__code",
            "unit__code",
            "unit__level",
            "organization_type__code",
            "period_id",
            "value",
        )
    )


@pytest.fixture(scope="module")
def figures(province, django_db_blocker):
    """(code, unit code, level, option, year) -> value."""
    with django_db_blocker.unblock():
        return {
            (code, unit, level, option, int(period)): value
            for code, unit, level, option, period, value in _snapshot(province)
        }


def total(figures, code, level, years, option=None):
    return sum(
        value
        for (c, _, lv, opt, year), value in figures.items()
        if c == code and lv == level and year in years and (option is None or opt == option)
    )


def rate(part, whole):
    return format_vn_number(Decimal(part) * 100 / Decimal(whole), 2)


def test_a_split_is_proportional_and_adds_up_exactly():
    shares = proportional_split(10, [1, 1, 1])

    assert shares == [4, 3, 3]
    assert proportional_split(100, [0.5, 0.25, 0.25, 0]) == [50, 25, 25, 0]


def test_a_split_gives_the_rounding_to_the_largest_remainders():
    shares = proportional_split(7, [2.6, 2.6, 4.8])

    assert shares == [2, 2, 3]
    assert proportional_split(5, [1, 2, 3, 4]) == [1, 1, 1, 2]  # a tie goes to the first


def test_a_split_never_exceeds_its_caps():
    shares = proportional_split(9, [10, 1, 1, 1], caps=[3, 5, 5, 5])

    assert shares == [3, 2, 2, 2]
    assert proportional_split(418, [1.0] * 450, caps=[1] * 450).count(1) == 418


def test_a_split_with_weights_equal_to_the_caps_stays_below_them():
    caps = [7, 0, 3, 12, 1]

    shares = proportional_split(20, caps, caps)

    assert sum(shares) == 20
    assert all(s <= c for s, c in zip(shares, caps, strict=True))


def test_a_split_refuses_what_the_caps_cannot_hold():
    with pytest.raises(ValueError):
        proportional_split(5, [1, 1, 0], caps=[2, 2, 9])


# (element, level, years summed, seed count)
SEED_COUNTS = [
    # Annex, indicator 1: key cadres, baseline 2016 and result 2021.
    ("cadre_heads", PROVINCE, (2016,), 50),
    ("cadre_heads_political", PROVINCE, (2016,), 27),
    ("cadre_heads_assessed", PROVINCE, (2016,), 50),
    ("cadre_heads_professional", PROVINCE, (2016,), 34),
    ("cadre_heads", DISTRICTS, (2016,), 133),
    ("cadre_heads_political", DISTRICTS, (2016,), 118),
    ("cadre_heads_assessed", DISTRICTS, (2016,), 133),
    ("cadre_heads_professional", DISTRICTS, (2016,), 110),
    ("cadre_heads", COMMUNES, (2016,), 456),
    ("cadre_heads_political", COMMUNES, (2016,), 366),
    ("cadre_heads_assessed", COMMUNES, (2016,), 456),
    ("cadre_heads_professional", COMMUNES, (2016,), 402),
    ("cadre_heads_university", COMMUNES, (2016,), 242),
    ("cadre_heads", PROVINCE, (2021,), 52),
    ("cadre_heads_political", PROVINCE, (2021,), 52),
    ("cadre_heads_assessed", PROVINCE, (2021,), 52),
    ("cadre_heads_professional", PROVINCE, (2021,), 52),
    ("cadre_heads", DISTRICTS, (2021,), 113),
    ("cadre_heads_political", DISTRICTS, (2021,), 113),
    ("cadre_heads_assessed", DISTRICTS, (2021,), 113),
    ("cadre_heads_professional", DISTRICTS, (2021,), 113),
    ("cadre_heads", COMMUNES, (2021,), 450),
    ("cadre_heads_political", COMMUNES, (2021,), 418),
    ("cadre_heads_assessed", COMMUNES, (2021,), 449),
    ("cadre_heads_professional", COMMUNES, (2021,), 426),
    ("cadre_heads_university", COMMUNES, (2021,), 353),
    # Indicator 2: grassroots organizations and households.
    ("grassroots_orgs", COMMUNES, (2016,), 372),
    ("grassroots_orgs_strong", COMMUNES, (2016,), 336),
    ("grassroots_orgs", COMMUNES, (2020,), 375),
    ("grassroots_orgs_strong", COMMUNES, (2020,), 373),
    ("grassroots_orgs", COMMUNES, (2021,), 375),
    ("grassroots_orgs_strong", COMMUNES, (2021,), 374),
    ("households", COMMUNES, (2021,), 199_274),
    ("households_with_member", COMMUNES, (2021,), 166_573),
    # Indicator 3: members who studied; the new members of the term.
    ("members", COMMUNES, (2016,), 313_900),
    ("members_studied", COMMUNES, (2016,), 251_120),
    ("members", COMMUNES, (2021,), 322_915),
    ("members_studied", COMMUNES, (2021,), 308_222),
    ("members_new", COMMUNES, TERM, 172_537),
    # Indicator 4: equipment.
    ("equipment_computers", COMMUNES, (2016,), 140),
    ("equipment_printers", COMMUNES, (2016,), 66),
    ("equipment_desks", COMMUNES, (2016,), 531),
    ("equipment_cabinets", COMMUNES, (2016,), 201),
    ("equipment_computers", COMMUNES, (2021,), 432),
    ("equipment_printers", COMMUNES, (2021,), 374),
    ("equipment_desks", COMMUNES, (2021,), 750),
    ("equipment_cabinets", COMMUNES, (2021,), 377),
    # Indicator 5 and footnote 8: cadre transfers, 2016–2021.
    ("transfers_in", PROVINCE, ALL_YEARS, 12),
    ("transfers_in_leaders", PROVINCE, ALL_YEARS, 5),
    ("transfers_out", PROVINCE, ALL_YEARS, 9),
    ("transfers_in", DISTRICTS, ALL_YEARS, 82),
    ("transfers_in_leaders", DISTRICTS, ALL_YEARS, 60),
    ("transfers_out", DISTRICTS, ALL_YEARS, 60),
    ("transfers_out_leaders", DISTRICTS, ALL_YEARS, 51),
    # Footnotes 2, 6, 10, 14 and section 2.5: totals of the term.
    ("supervisions", PROVINCE, TERM, 94),
    ("supervisions", DISTRICTS, TERM, 580),
    ("supervisions", COMMUNES, TERM, 873),
    ("social_critiques", PROVINCE, TERM, 9),
    ("social_critiques", DISTRICTS, TERM, 34),
    ("social_critiques", COMMUNES, TERM, 34),
    ("mediation_received", COMMUNES, TERM, 14_243),
    ("mediation_mediated", COMMUNES, TERM, 14_144),
    ("mediation_settled", COMMUNES, TERM, 12_983),
    ("party_inspections", DISTRICTS, TERM, 412),
    ("party_inspections", COMMUNES, TERM, 205),
    ("surveys", PROVINCE, (2017, 2018, 2019, 2020), 20),
    ("dialogues", PROVINCE, TERM, 1),
    ("dialogue_attendees", PROVINCE, TERM, 214),
    ("dialogue_opinions", PROVINCE, TERM, 1_497),
    ("dialogues", DISTRICTS, TERM, 8),
    ("dialogue_attendees", DISTRICTS, TERM, 1_559),
    ("dialogue_opinions", DISTRICTS, TERM, 4_977),
]
# Totals over every level, 2017–2021.
SEED_TERM_TOTALS = [
    ("contributions", 23_788),
    ("welfare_houses", 5_448),
    ("welfare_houses_value", 140_512_000_000),
    ("scholarships", 55_463),
    ("scholarships_value", 31_208_000_000),
    ("works", 209_668),
    ("members_out_of_poverty", 8_750),
]


@pytest.mark.parametrize(("code", "level", "years", "expected"), SEED_COUNTS)
def test_province_totals_equal_the_seed_counts(figures, code, level, years, expected):
    assert total(figures, code, level, years) == expected


@pytest.mark.parametrize(("code", "expected"), SEED_TERM_TOTALS)
def test_term_totals_over_every_level_equal_the_seed(figures, code, expected):
    assert sum(total(figures, code, level, TERM) for level in (1, 2, 3)) == expected


def test_the_seed_rates_follow_from_the_counts(figures):
    def at(code, year, level=COMMUNES):
        return total(figures, code, level, (year,))

    assert rate(at("households_with_member", 2016), at("households", 2016)) == "72,14"
    assert rate(at("households_with_member", 2021), at("households", 2021)) == "83,59"
    assert rate(at("grassroots_orgs_strong", 2016), at("grassroots_orgs", 2016)) == "90,32"
    assert rate(at("members_studied", 2021), at("members", 2021)) == "95,45"
    assert rate(at("voters_voted", 2021), at("voters", 2021)) == "99,99"
    dissemination = [
        sum(total(figures, f"dissemination_{code}", level, (2016,)) for level in (1, 2, 3))
        for code in ("sessions", "attendees", "expected")
    ]
    assert dissemination == [278, 29_576, 29_824]
    assert rate(dissemination[1], dissemination[2]) == "99,17"


def test_rates_of_members_informed_in_2021_are_footnote_one(figures):
    def informed_rate(option=None):
        informed = total(figures, "members_informed", COMMUNES, (2021,), option)
        return rate(informed, total(figures, "members", COMMUNES, (2021,), option))

    rates = {o: informed_rate(o) for o in ("cd", "hnd", "dtn", "hlhpn", "hccb")}

    assert rates == {
        "cd": "99,76",
        "hnd": "98,00",
        "dtn": "100,00",
        "hlhpn": "95,00",
        "hccb": "100,00",
    }
    assert informed_rate() == "98,55"


def test_members_at_start_are_last_years_members_and_flows_add_up(figures):
    cells = {(unit, option) for (c, unit, _, option, _) in figures if c == "members"}

    broken = []
    for unit, option in sorted(cells):
        for year in ALL_YEARS:
            start, new, removed, end = (
                figures[(code, unit, COMMUNES, option, year)]
                for code in ("members_start", "members_new", "members_removed", "members")
            )
            before = figures.get(("members", unit, COMMUNES, option, year - 1), start)
            if end != start + new - removed or start != before or removed < 0:
                broken.append((unit, option, year))

    assert len(cells) == 75 * 5
    assert broken == []


def test_each_commune_has_at_most_one_grassroots_body_per_organization(figures):
    cells = [v for (c, _, _, _, _), v in figures.items() if c.startswith("grassroots_orgs")]

    assert set(cells) == {0, 1}


def test_operating_funds_span_the_seeds_range(figures):
    funds = {
        (unit, option, year): value
        for (c, unit, _, option, year), value in figures.items()
        if c == "operating_funds"
    }
    in_2021 = {k: v for k, v in funds.items() if k[2] == 2021}

    assert all(1_800_000 <= v <= 15_000_000 for k, v in funds.items() if k[2] == 2016)
    assert [k for k, v in in_2021.items() if v == max(in_2021.values())] == [
        ("31318", "mttq", 2021)
    ]
    assert max(in_2021.values()) == 31_000_000
    assert [k for k, v in in_2021.items() if v == min(in_2021.values())] == [
        ("31336", "hlhpn", 2021)
    ]
    assert min(in_2021.values()) == 2_800_000


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (PROVINCE, {"mttq": (1, 0), "cd": (0, 1), "hnd": (0, 1), "dtn": (0, 1), "hlhpn": (0, 1)}),
        (DISTRICTS, {"mttq": (8, 0), "cd": (1, 5), "hnd": (0, 7), "dtn": (0, 8), "hlhpn": (0, 8)}),
        (
            COMMUNES,
            {"mttq": (68, 0), "hnd": (0, 55), "dtn": (0, 49), "hlhpn": (0, 64), "hccb": (1, 9)},
        ),
    ],
)
def test_heads_on_party_committees_in_2021_are_footnote_seven(figures, level, expected):
    found = {}
    for option in ("mttq", "cd", "hnd", "dtn", "hlhpn", "hccb"):
        pair = tuple(
            total(figures, f"cadre_heads_party_{kind}", level, (2021,), option)
            for kind in ("standing", "executive")
        )
        if pair != (0, 0):
            found[option] = pair

    assert found == expected


def test_every_figure_a_form_asks_for_is_filled_and_nothing_else(province, figures):
    units = AdministrativeUnit.objects.filter(path__startswith=province.path)
    expected = set()
    for data_set in DataSet.objects.filter(code__in=["nq06-org", "nq06-unit"]):
        for level in data_set.levels:
            sample = units.filter(level=level).first()
            bodies = [None]
            if data_set.reported_by_organizations:
                bodies = list(Organization.objects.filter(unit=sample, kind="territorial"))
            for body in bodies:
                form = EntryForm(data_set, sample, body, period_get("2021"))
                codes = [item.element.code for item in form.placements()]
                option = body.type.code if body is not None else None
                for unit in units.filter(level=level).values_list("code", flat=True):
                    for year in ALL_YEARS:
                        expected |= {(c, unit, level, option, year) for c in codes}
    # Voters only in election years.
    expected -= {k for k in expected if k[0].startswith("voters") and k[4] not in (2016, 2021)}

    assert set(figures) == expected


def test_no_form_breaks_a_validation_rule(province, figures):
    rows = defaultdict(list)
    for (code, unit, level, option, year), value in figures.items():
        rows[(unit, level, year)].append((code, option, value))
    violations = []
    for data_set in DataSet.objects.filter(code__in=["nq06-org", "nq06-unit"]):
        rules = rules_for(data_set)
        options = [None]
        if data_set.reported_by_organizations:
            options = list(data_set.organization_types.values_list("code", flat=True))
        for (unit, level, year), unit_rows in rows.items():
            for option in options if level in data_set.levels else []:
                lookup = ValueLookup(unit_rows, option)
                violations += [(unit, option, year, v) for v in rules_check(rules, lookup)]

    assert violations == []


def test_figures_of_2019_to_2021_raise_no_outlier_in_vi_thanh(province):
    vi_thanh = AdministrativeUnit.objects.get(version=province.version, code="930")
    units = [province, vi_thanh, *vi_thanh.children.order_by("code")]
    outliers = []
    for data_set in DataSet.objects.filter(code__in=["nq06-org", "nq06-unit"]):
        for unit in units:
            bodies = [None]
            if data_set.reported_by_organizations:
                bodies = list(Organization.objects.filter(unit=unit, kind="territorial"))
            for body in bodies:
                for year in ("2019", "2020", "2021"):
                    form = EntryForm(data_set, unit, body, period_get(year))
                    for value in form.values().select_related("element"):
                        found = outlier_check(form, value.element, value.value)
                        if found is not None:
                            outliers.append((unit.code, str(body), year, found.element_code))

    assert outliers == []


def test_every_figure_is_imported_with_its_audit_row(province):
    values = DataValue.objects.filter(unit__path__startswith=province.path)
    audits = DataValueAudit.objects.filter(unit__path__startswith=province.path)

    assert set(values.values_list("source", flat=True)) == {"imported"}
    assert audits.count() == values.count()
    assert set(audits.values_list("action", "source", "user")) == {("create", "imported", None)}
    assert set(
        audits.values_list("element", "organization_type", "unit", "period", "new_value")
    ) == (set(values.values_list("element", "organization_type", "unit", "period", "value")))


def test_figures_are_the_same_on_every_computation_and_written_as_computed(province, figures):
    codes = dict(AdministrativeUnit.objects.values_list("pk", "code"))

    first = demo_figures_compute(province=province)
    second = demo_figures_compute(province=province)

    assert first == second
    assert {(c, codes[u], o, y): v for (c, u, o, y), v in first.items()} == {
        (c, u, o, y): v for (c, u, _, o, y), v in figures.items()
    }


def test_generating_again_leaves_the_figures_as_they_are(province):
    count = DataValue.objects.count()

    written = demo_figures_generate(province=province, progress=lambda line: None)

    assert written == 0
    assert DataValue.objects.count() == count


def test_forms_of_2016_to_2020_are_approved_by_the_level_above(province):
    earlier = Submission.objects.filter(
        period__in=["2016", "2017", "2018", "2019", "2020"],
        unit__path__startswith=province.path,
        unit__version=province.version,
    )
    vi_thanh_communes = earlier.filter(unit__parent__code="930", unit__level=COMMUNES)

    assert set(earlier.values_list("status", flat=True)) == {"approved"}
    assert earlier.count() == 5 * (6 * (1 + 8 + 75) + (1 + 8 + 75))
    assert SubmissionEvent.objects.filter(submission__in=earlier).count() == 2 * earlier.count()
    assert set(vi_thanh_communes.values_list("decided_by__username", flat=True)) == {
        "vithanh.approver"
    }
    assert all(
        s.submitted_at.date() <= s.data_set.deadline(s.period.spec)
        for s in earlier.select_related("data_set", "period")
    )


def test_in_2021_the_workflow_has_drafts_returns_waiting_and_late_forms(province):
    forms = Submission.objects.filter(
        period="2021", unit__path__startswith=province.path, unit__version=province.version
    ).select_related("data_set", "period", "unit")
    approver = User.objects.get(username="vithanh.approver")
    waiting = [
        s for s in forms.filter(status="submitted") if access.can_approve_for_unit(approver, s.unit)
    ]
    late = [
        s
        for s in forms
        if s.submitted_at and s.submitted_at.date() > s.data_set.deadline(s.period.spec)
    ]
    returned = forms.get(unit__code="31318", organization__type__code="hnd")

    assert set(forms.filter(unit__code="31318").values_list("status", flat=True)) == {
        "draft",
        "returned",
    }
    assert returned.last_comment == "Đề nghị kiểm tra lại số tổ chức cơ sở vững mạnh."
    assert list(returned.events.values_list("action", "user__username", "comment")) == [
        ("submit", "phuong1.clerk", ""),
        ("return", "vithanh.approver", "Đề nghị kiểm tra lại số tổ chức cơ sở vững mạnh."),
    ]
    assert forms.filter(status="draft").values("unit").distinct().count() >= 2
    assert {s.unit.code for s in waiting} == {"31321"}
    assert {s.unit.code for s in late} == {"31333", "31408"}
    assert forms.filter(status="approved").count() > 0.8 * forms.count()
    assert (
        datetime.date(2021, 12, 1)
        <= returned.events.get(action="submit").created_at.date()
        <= datetime.date(2021, 12, 31)
    )


def test_the_phuong_i_clerk_can_correct_and_submit_the_returned_form(province):
    clerk = User.objects.get(username="phuong1.clerk")
    phuong_1 = AdministrativeUnit.objects.get(version=province.version, code="31318")
    farmers = Organization.objects.get(unit=phuong_1, type__code="hnd", kind="territorial")
    form = EntryForm(DataSet.objects.get(code="nq06-org"), phuong_1, farmers, period_get("2021"))
    strong = DataElement.objects.get(code="grassroots_orgs_strong")

    saved = data_value_save(actor=clerk, form=form, element=strong, raw="1")
    submission = submission_submit(actor=clerk, form=form)

    assert saved.violations == []
    assert submission.status == "submitted"
    assert list(submission.events.values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
    ]
