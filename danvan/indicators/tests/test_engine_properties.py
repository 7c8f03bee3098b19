"""Properties of the roll-up, on random figures over the canonical small world."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.datasets.models import DataValue
from danvan.indicators.engine import results_compute
from danvan.indicators.models import IndicatorResult
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
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _load(world, figures):
    # Each example starts from nothing: no figures and no results of earlier examples.
    IndicatorResult.objects.all().delete()
    DataValue.objects.all().delete()
    for (commune, option), (members, studied) in figures.items():
        put(getattr(world, commune), "members", "2021", members, option)
        put(getattr(world, commune), "members_studied", "2021", studied, option)


def _rows():
    return {
        (r.unit_id, r.part.code): r
        for r in IndicatorResult.objects.filter(period_id="2021").select_related("part")
    }


@SETTINGS
@given(figures=cells)
def test_a_summed_figure_rolls_up_to_the_sum_of_its_leaves(world, resolution, figures):
    _load(world, figures)

    results_compute(resolution)

    rows = _rows()
    if not figures:
        assert rows == {}  # no figure for 2021 at all: nothing to compute
        return
    for unit, communes in (
        (world.province, COMMUNES),
        (world.district_one, COMMUNES[:2]),
        (world.district_two, COMMUNES[2:]),
    ):
        members = sum(m for (c, _), (m, _s) in figures.items() if c in communes)
        studied = sum(s for (c, _), (_m, s) in figures.items() if c in communes)
        row = rows[(unit.pk, "studied")]
        if not any(c in communes for c, _ in figures):
            assert row.status == IndicatorResult.Status.NO_DATA
            continue
        assert (row.numerator, row.denominator) == (studied, members)
        if members:
            assert row.value == (Decimal(studied) / Decimal(members) * 100).quantize(
                Decimal("0.000001")
            )
        else:
            assert row.value is None


@SETTINGS
@given(figures=cells, changed=cells)
def test_recomputing_is_idempotent_and_an_incremental_recompute_equals_a_full_one(
    world,
    resolution,
    commune_form,
    figures,
    changed,
):
    from danvan.datasets.models import DataElement
    from danvan.datasets.services import data_value_save

    _load(world, figures)
    results_compute(resolution)
    once = _snapshot()
    results_compute(resolution)
    assert _snapshot() == once

    members, studied = changed.get(("commune_one_a", "hnd"), (7, 3))
    for code, value in (("members", members), ("members_studied", studied)):
        data_value_save(
            actor=world.province_admin,
            form=commune_form,
            element=DataElement.objects.get(code=code),
            raw=str(value),
        )
    incremental = _snapshot()
    results_compute(resolution)

    assert _snapshot() == incremental


def _snapshot():
    return sorted(
        IndicatorResult.objects.values_list(
            "part__code", "unit_id", "period_id", "numerator", "denominator", "value", "status"
        )
    )
