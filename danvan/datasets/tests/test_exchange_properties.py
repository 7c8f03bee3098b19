"""Random and malformed files: the database is either fully updated or untouched, and every
rejected row says why."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.datasets.exchange.parsers import machine_to_vn
from danvan.datasets.tests.exchange_helpers import figures, import_bytes, snapshot

__all__ = ["figures"]

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

valid_row = st.one_of(
    st.tuples(
        st.sampled_from(["members", "members_new", "works", "scholarships"]),
        st.just("2021"),
        st.sampled_from(["01101", "01102"]),
        st.sampled_from(["hnd", "cd"]),
        st.integers(min_value=0, max_value=10**6).map(str),
        st.one_of(st.none(), st.text(max_size=10)),
    ),
    st.tuples(
        st.sampled_from(["households", "dialogues"]),
        st.just("2021"),
        st.sampled_from(["01101", "01102"]),
        st.sampled_from(["default", ""]),
        st.integers(min_value=0, max_value=10**6).map(str),
        st.none(),
    ),
)
any_row = st.tuples(
    st.sampled_from(["members", "members_new", "works", "households", "nope", "", "Ấp"]),
    st.sampled_from(["2021", "2020", "2021Q1", "x", ""]),
    st.sampled_from(["01101", "01102", "01201", "99999", "011", ""]),
    st.sampled_from(["hnd", "mttq", "default", "", "zzz"]),
    st.one_of(
        st.sampled_from(["1", "0", "12", "1.234", "1,5", "-3", "abc", "", "1e9", "7.5"]),
        st.integers(min_value=-5, max_value=10**16).map(str),
        st.text(max_size=6),
    ),
    st.one_of(st.none(), st.text(max_size=10)),
)
rows = st.lists(st.one_of(valid_row, valid_row, any_row), max_size=8)


def _expected(summary, data_rows, before):  # type: ignore[no-untyped-def]
    after = snapshot()
    assert (
        summary.new + summary.changed + summary.unchanged + summary.skipped + summary.rejected
        == (summary.rows)
        or summary.file_error
    )
    assert all(r.reason and r.code for r in summary.rejections)
    assert summary.rejected == len(summary.rejections)
    if not summary.applied:
        assert after == before
        return
    assert summary.rejected == 0 and not summary.file_error
    stored = {(e, o or "default", u, p): v for e, o, u, p, v, _c in after[0]}
    for element, period, unit, option, value, _comment in data_rows:
        if not value.strip():
            continue
        from danvan.lib.numbers import parse_vn_number

        key = (element, option or "default", unit, period)
        assert stored[key] == parse_vn_number(machine_to_vn(value))
    assert after[1] - before[1] == summary.new + summary.changed


@SETTINGS
@given(data_rows=rows)
def test_random_csv_is_imported_whole_or_not_at_all(world, figures, data_rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["dataelement", "period", "orgunit", "categoryoptioncombo", "value", "comment"])
    for element, period, unit, option, value, comment in data_rows:
        writer.writerow([element, period, unit, option, value, comment or ""])
    before = snapshot()

    summary = import_bytes(world.district_clerk, buffer.getvalue().encode())

    _expected(summary, data_rows, before)


@SETTINGS
@given(data_rows=rows)
def test_random_json_is_imported_whole_or_not_at_all(world, figures, data_rows):
    document = {
        "dataValues": [
            {
                "dataElement": element,
                "period": period,
                "orgUnit": unit,
                "categoryOptionCombo": option,
                "value": value,
                **({"comment": comment} if comment is not None else {}),
            }
            for element, period, unit, option, value, comment in data_rows
        ]
    }
    before = snapshot()

    summary = import_bytes(world.district_clerk, json.dumps(document).encode())

    _expected(summary, data_rows, before)


@SETTINGS
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_garbage_never_crashes_and_never_writes(world, figures, data):
    before = snapshot()

    for name in ("x.csv", "x.json", "x.xlsx"):
        summary = import_bytes(world.district_clerk, data, name=name)

        assert summary.file_error or summary.rows >= 0
        assert all(r.reason for r in summary.rejections)
        if not summary.applied:
            assert snapshot() == before
