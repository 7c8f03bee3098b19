"""GET /api/dataValueSets with DHIS2's export parameters: repeatable dataSet, period and
orgUnit, startDate/endDate, lastUpdated, children; anything else refused by name."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from danvan.datasets.exchange.tokens import api_token_create
from danvan.datasets.tests.exchange_helpers import figures, import_bytes

__all__ = ["figures"]

MORE = (
    b"dataelement,period,orgunit,categoryoptioncombo,value\n"
    b"members,2020,01101,hnd,110\n"
    b"members,2021,01102,hnd,80\n"
)


@pytest.fixture
def key(world, figures):  # type: ignore[no-untyped-def]
    summary = import_bytes(world.district_clerk, MORE, name="more.csv")
    assert summary.applied, summary.rejections
    return api_token_create(actor=None, user=world.district_clerk, name="t")[1]


def _get(client, key: str, query: list[tuple[str, str]], path: str = "/api/dataValueSets"):  # type: ignore[no-untyped-def]
    return client.get(
        path + "?" + "&".join(f"{k}={v}" for k, v in query), HTTP_AUTHORIZATION=f"ApiToken {key}"
    )


def _values(response) -> set[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    document = json.loads(b"".join(response.streaming_content))
    return {
        (v["dataElement"], v["period"], v["orgUnit"], v["value"]) for v in document["dataValues"]
    }


def test_repeated_periods_export_each_period_and_the_document_names_none(client, world, key):
    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("period", "2020"), ("period", "2021"), ("orgUnit", "01101")],
    )

    values = _values(response)
    assert ("members", "2020", "01101", "110") in values
    assert ("members", "2021", "01101", "120") in values
    assert "period" not in json.loads(b"".join(_get(
        client, key,
        [("dataSet", "nq06-org"), ("period", "2020"), ("period", "2021"), ("orgUnit", "01101")],
    ).streaming_content))  # fmt: skip


def test_repeated_units_without_children_export_those_units_only(client, world, key):
    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("period", "2021"), ("orgUnit", "01101"), ("orgUnit", "01102")],
    )
    district = _get(client, key, [("dataSet", "nq06-org"), ("period", "2021"), ("orgUnit", "011")])

    assert {u for _e, _p, u, _v in _values(response)} == {"01101", "01102"}
    assert _values(district) == set()  # the district itself holds no figure


def test_repeated_data_sets_export_both_forms(client, world, key):
    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("dataSet", "nq06-unit"), ("period", "2021"),
         ("orgUnit", "011"), ("children", "true")],
    )  # fmt: skip

    elements = {e for e, _p, _u, _v in _values(response)}
    assert {"members", "households"} <= elements


def test_a_date_span_exports_the_periods_within_it(client, world, key):
    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("startDate", "2020-01-01"), ("endDate", "2020-12-31"),
         ("orgUnit", "011"), ("children", "true")],
    )  # fmt: skip

    assert _values(response) == {("members", "2020", "01101", "110")}


def test_last_updated_exports_only_values_changed_since(client, world, key):
    from danvan.datasets.models import DataValue

    DataValue.objects.update(updated_at=timezone.make_aware(datetime.datetime(2024, 1, 1)))
    DataValue.objects.filter(unit__code="01102").update(updated_at=timezone.now())

    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("lastUpdated", "2025-06-01"), ("orgUnit", "011"),
         ("children", "true")],
    )  # fmt: skip

    assert _values(response) == {("members", "2021", "01102", "80")}


def test_unknown_parameters_are_refused_by_name(client, world, key):
    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("period", "2021"), ("orgUnit", "01101"),
         ("includeDeleted", "true"), ("limit", "5")],
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_parameter"
    assert "includeDeleted" in response.json()["message"]
    assert "limit" in response.json()["message"]


def test_period_and_a_date_span_together_are_refused(client, world, key):
    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("period", "2021"), ("startDate", "2021-01-01"),
         ("endDate", "2021-12-31"), ("orgUnit", "01101")],
    )  # fmt: skip

    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_one_unit_out_of_scope_refuses_the_whole_export(client, world, key):
    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("period", "2021"), ("orgUnit", "01101"), ("orgUnit", "01201")],
    )

    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"


def test_the_csv_export_takes_the_same_parameters(client, world, key):
    response = _get(
        client,
        key,
        [("dataSet", "nq06-org"), ("period", "2020"), ("period", "2021"), ("orgUnit", "01101")],
        path="/api/dataValueSets.csv",
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {(r["dataelement"], r["period"]) for r in rows if r["dataelement"] == "members"} == {
        ("members", "2020"),
        ("members", "2021"),
    }
