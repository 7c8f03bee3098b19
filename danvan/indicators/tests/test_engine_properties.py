"""Properties of the maintained sums and the results read from them, on random figures
and random sequences of writes over the canonical small world."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.datasets.models import DataElement, DataValue, Submission, SubmissionEvent
from danvan.indicators.engine import Status
from danvan.indicators.models import ElementSum
from danvan.indicators.results import results_read
from danvan.indicators.sums import sums_differences, sums_rebuild
from danvan.indicators.tests.helpers import put

OPTIONS = ["hnd", "dtn", "hlhpn"]
COMMUNES = ["commune_one_a", "commune_one_b", "commune_two_a"]

# For each commune and organization: (members, studied) with studied ≤ members, or nothing.
cells = st.dictionaries(
    st.tuples(st.sampled_from(COMMUNES), st.sampled_from(OPTIONS)),
    st.integers(min_value=0, max_value=5000).flatmap(
        lambda members: st.tuples(st.just(members), st.integers(min_value=0, max_value=members))
    ),
    max_size=9,
)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


def _reset():
    # Each example starts from nothing: no figures, forms or sums of earlier examples.
    ElementSum.objects.all().delete()
    DataValue.objects.all().delete()
    SubmissionEvent.objects.all().delete()
    Submission.objects.all().delete()


def _load(world, figures):
    _reset()
    for (commune, option), (members, studied) in figures.items():
        put(getattr(world, commune), "members", "2021", members, option)
        put(getattr(world, commune), "members_studied", "2021", studied, option)


@SETTINGS
@given(figures=cells)
def test_a_summed_figure_rolls_up_to_the_sum_of_its_leaves(world, resolution, figures):
    _load(world, figures)
    units = [world.province, world.district_one, world.district_two]
    part = resolution.indicators.get().parts.get(code="studied")

    rows = {
        r.unit_id: r
        for r in results_read(resolution, units=units, period_ids=["2021"], parts=[part])
    }

    for unit, communes in (
        (world.province, COMMUNES),
        (world.district_one, COMMUNES[:2]),
        (world.district_two, COMMUNES[2:]),
    ):
        members = sum(m for (c, _), (m, _s) in figures.items() if c in communes)
        studied = sum(s for (c, _), (_m, s) in figures.items() if c in communes)
        row = rows[unit.pk]
        if not any(c in communes for c, _ in figures):
            assert row.status == Status.NO_DATA
            continue
        assert (row.numerator, row.denominator) == (studied, members)
        if members:
            assert row.value == Decimal(studied) / Decimal(members) * 100
        else:
            assert row.value is None


# One step of a session: (operation, commune, organization, number). Few forms, so that
# a session often takes one form through save, submit, approve, return and reopen.
steps = st.lists(
    st.tuples(
        st.sampled_from(
            ["save"] * 3
            + ["submit"] * 3
            + ["approve"] * 2
            + ["approve_all", "return", "reopen", "clear"]
            + ["import", "move"]
        ),
        st.sampled_from(COMMUNES[1:2]),
        st.sampled_from(OPTIONS[:2]),
        st.integers(min_value=0, max_value=900),
    ),
    max_size=24,
)


def _form(world, catalogue, commune, option):
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.organizations.models import Organization

    unit = getattr(world, commune)
    organization = Organization.objects.get(unit=unit, type__code=option)
    return EntryForm(catalogue["nq06-org"], unit, organization, period_get("2021"))


def _run(world, catalogue, step):
    from danvan.datasets.exchange.parsers import RawRow
    from danvan.datasets.exchange.pipeline import values_import
    from danvan.datasets.services import (
        data_value_save,
        submission_approve,
        submission_reopen,
        submission_return,
        submission_submit,
        submissions_approve,
    )

    operation, commune, option, number = step
    form = _form(world, catalogue, commune, option)
    admin = world.province_admin
    members = DataElement.objects.get(code="members")
    submission = form.submission()
    try:
        if operation == "save":
            data_value_save(actor=admin, form=form, element=members, raw=str(number))
        elif operation == "clear":
            data_value_save(actor=admin, form=form, element=members, raw="")
        elif operation == "import":
            rows = [RawRow(1, "members_studied", "2021", form.unit.code, option, str(number))]
            values_import(actor=admin, rows=rows, dry_run=False)
        elif operation == "move":
            from danvan.geography.services import unit_save

            unit = form.unit
            unit.refresh_from_db()
            unit.parent = (
                world.district_two
                if unit.parent_id == world.district_one.pk
                else world.district_one
            )
            unit_save(actor=admin, unit=unit)
        elif operation == "submit":
            submission_submit(actor=admin, form=form, comment="giải trình")
        elif operation == "approve_all":
            # The inbox's bulk approval of every form of the commune, whatever its state:
            # the submitted ones are approved, the others refused and left alone.
            submissions_approve(
                actor=admin, submissions=Submission.objects.filter(unit=form.unit).order_by("pk")
            )
        elif submission is not None and operation == "approve":
            submission_approve(actor=admin, submission=submission)
        elif submission is not None and operation == "return":
            submission_return(actor=admin, submission=submission, comment="sửa lại")
        elif submission is not None and operation == "reopen":
            submission_reopen(actor=admin, submission=submission, comment="mở lại")
    except ValidationError:
        pass  # refused in this state (a locked form, an empty one): nothing changed


@SETTINGS
@given(figures=cells, session=steps)
def test_after_any_writes_and_decisions_the_sums_equal_a_rebuild(
    world, resolution, catalogue, figures, session
):
    _load(world, figures)
    for step in session:
        _run(world, catalogue, step)

    assert sums_differences() == []


@SETTINGS
@given(figures=cells, session=steps)
def test_results_in_every_basis_equal_a_count_over_the_forms(
    world, resolution, catalogue, figures, session
):
    _load(world, figures)
    for step in session:
        _run(world, catalogue, step)
    sums_rebuild()  # whatever the maintained rows: the bases themselves are what is checked
    part = resolution.indicators.get().parts.get(code="studied")
    states = {
        (s.unit_id, s.organization.type.code): s.status
        for s in Submission.objects.select_related("organization__type")
    }
    for basis, allowed in (
        ("entered", None),
        ("submitted", {"submitted", "approved"}),
        ("approved", {"approved"}),
    ):
        expected = Decimal(0)
        found = False
        for value in DataValue.objects.filter(element__code="members").select_related(
            "organization_type"
        ):
            state = states.get((value.unit_id, value.organization_type.code), "draft")
            if allowed is None or state in allowed:
                expected += value.value
                found = True
        (row,) = results_read(
            resolution, units=[world.province], period_ids=["2021"], parts=[part], basis=basis
        )
        assert row.denominator == (expected if found else None)


def _counted_coverage(root, data_set, period):
    """Coverage at `root` counted form by form: the reporting communes under it, the forms
    their territorial bodies are expected to fill and the state each has reached."""
    from danvan.geography.models import AdministrativeUnit
    from danvan.organizations.models import Organization

    allowed = {t.pk for t in data_set.organization_types.all()}
    codes = set(
        DataElement.objects.filter(placements__section__data_set=data_set).values_list(
            "code", flat=True
        )
    )
    counts = dict.fromkeys(
        ["units", "entered", "submitted", "approved", "forms", "forms_sent", "forms_approved"], 0
    )
    for commune in AdministrativeUnit.objects.within(root).filter(level=3):
        bodies = [
            body
            for body in Organization.objects.filter(unit=commune, kind="territorial")
            if not allowed or body.type_id in allowed
        ]
        if not bodies or commune.level not in data_set.levels:
            continue
        states = [
            Submission.objects.filter(
                unit=commune, organization=body, period_id=period, data_set=data_set
            )
            .values_list("status", flat=True)
            .first()
            for body in bodies
        ]
        sent = sum(state in ("submitted", "approved") for state in states)
        approved = sum(state == "approved" for state in states)
        counts["units"] += 1
        counts["entered"] += DataValue.objects.filter(
            unit=commune, period_id=period, element__code__in=codes
        ).exists()
        counts["submitted"] += sent == len(bodies)
        counts["approved"] += approved == len(bodies)
        counts["forms"] += len(bodies)
        counts["forms_sent"] += sent
        counts["forms_approved"] += approved
    return counts


@SETTINGS
@given(figures=cells, session=steps)
def test_coverage_equals_a_count_over_the_forms(world, resolution, catalogue, figures, session):
    from danvan.geography.models import AdministrativeUnit
    from danvan.indicators.results import coverage_read

    _load(world, figures)
    for step in session:
        _run(world, catalogue, step)
    data_set = catalogue["nq06-org"]
    units = list(AdministrativeUnit.objects.within(world.province).filter(level__lte=3))

    covered = coverage_read(units, {3}, {"2021"}, [data_set])

    for unit in units:
        found = covered[(3, unit.pk, "2021")]
        counted = _counted_coverage(unit, data_set, "2021")
        assert (
            found.units_expected,
            found.units_entered,
            found.units_submitted,
            found.units_approved,
            found.forms_expected,
            found.forms_submitted,
            found.forms_approved,
        ) == tuple(counted.values()), unit.code
