"""DHIS2's own formats, proved with sample files written in them (tests/data/dhis2)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from danvan.datasets.exchange.metadata import MetadataError, dhis2_metadata_import
from danvan.datasets.exchange.options import ImportOptions
from danvan.datasets.tests.exchange_helpers import figures, import_bytes, snapshot

__all__ = ["figures"]

DATA = Path(__file__).parent / "data" / "dhis2"


def _file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _stored(code: str, option: str | None = None) -> object:
    from danvan.datasets.models import DataValue

    found = DataValue.objects.filter(
        element__code=code, unit__code="01101", organization_type__code=option
    ).first()
    return found.value if found else None


@pytest.fixture
def mapping(world, catalogue):  # type: ignore[no-untyped-def]
    return dhis2_metadata_import(
        actor=world.province_admin, stream=io.BytesIO(_file("metadata.json"))
    )


def test_data_value_set_xml_imports_values_and_deletes(world, figures):
    summary = import_bytes(world.district_clerk, _file("values.xml"), name="values.xml")

    assert summary.applied, summary.rejections or summary.file_error
    assert (summary.changed, summary.deleted) == (1, 1)
    assert _stored("members", "hnd") == 130 and _stored("works", "hnd") is None


def test_adx_imports_through_its_category_attribute_and_iso_period(world, figures):
    summary = import_bytes(world.district_clerk, _file("values.adx"), name="values.adx")

    assert summary.applied, summary.rejections or summary.file_error
    assert _stored("members", "hnd") == 131 and _stored("cadre_heads", "hnd") == 6


def test_adx_with_an_unknown_category_is_refused_by_name(world, figures):
    data = _file("values.adx").replace(b'ORGANIZATION_TYPE="hnd" value="131"', b'SEX="M" value="1"')

    summary = import_bytes(world.district_clerk, data)

    assert summary.rejections[0].code == "malformed" and "SEX" in summary.rejections[0].reason
    assert not summary.applied


def test_xml_with_a_doctype_is_refused_before_parsing(world, figures):
    data = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
        b'<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"></dataValueSet>'
    )

    summary = import_bytes(world.district_clerk, data)

    assert summary.file_error_code == "xml_doctype"


def test_two_values_that_differ_by_attribute_combo_refuse_the_combo_not_a_duplicate(world, figures):
    before = snapshot()

    summary = import_bytes(world.district_clerk, _file("attribute-combo.csv"))

    assert [(r.line, r.code) for r in summary.rejections] == [(3, "attribute_option_combo")]
    assert "fundingUSA1" in summary.rejections[0].reason
    assert snapshot() == before


def test_periods_of_other_dhis2_types_are_refused_naming_the_type(world, figures):
    summary = import_bytes(world.district_clerk, _file("weekly.json"))

    reasons = [r.reason for r in summary.rejections]
    assert len(reasons) == 3
    for kind, reason in zip(("Weekly", "SixMonthlyApril", "Quarterly"), reasons, strict=True):
        assert kind in reason


def test_metadata_maps_what_matches_and_lists_what_does_not(world, mapping):
    from danvan.datasets.exchange.models import Dhis2Identifier

    assert mapping.applied and mapping.mapped == 6
    assert mapping.unmatched == ["dataElements deUnknown01 (not_in_danvan)"]
    assert mapping.skipped_collections == ["indicators"]
    unit = Dhis2Identifier.objects.get(uid="ouXaMotA001")
    assert unit.unit == world.commune_one_a and unit.attributes == {"attrLegacy1": "HG-01101"}


def test_a_file_of_dhis2_uids_imports_through_the_mapping(world, figures, mapping):
    summary = import_bytes(world.district_clerk, _file("uid-values.json"))

    assert summary.applied, summary.rejections or summary.file_error
    assert _stored("dialogues") == 6 and _stored("households") is None


def test_uids_are_unknown_under_the_code_scheme(world, figures, mapping):
    summary = import_bytes(
        world.district_clerk,
        _file("uid-values.json"),
        options=ImportOptions(element_scheme="CODE", unit_scheme="CODE"),
    )

    assert not summary.applied
    assert {r.code for r in summary.rejections} <= {"unknown_element", "unknown_unit"}
    assert summary.rejected == 2


def test_the_attribute_scheme_reads_dhis2_attribute_values(world, figures, mapping):
    scheme = "ATTRIBUTE:attrLegacy1"

    summary = import_bytes(
        world.district_clerk,
        _file("attribute-scheme.json"),
        options=ImportOptions(element_scheme=scheme, unit_scheme=scheme),
    )

    assert summary.applied, summary.rejections
    assert _stored("dialogues") == 8


def test_the_name_scheme_reads_names(world, figures, mapping):
    data = json.dumps(
        {
            "dataValues": [
                {"dataElement": "Đối thoại", "period": "2021", "orgUnit": "Xã Một A", "value": "9"}
            ]
        }
    ).encode()

    summary = import_bytes(
        world.district_clerk,
        data,
        options=ImportOptions(element_scheme="NAME", unit_scheme="NAME"),
    )

    assert summary.applied, summary.rejections
    assert _stored("dialogues") == 9


def test_a_uid_mapped_elsewhere_refuses_the_whole_metadata_file(world, mapping):
    from danvan.datasets.exchange.models import Dhis2Identifier

    changed = _file("metadata.json").replace(b'"code": "dialogues"', b'"code": "households"')
    before = Dhis2Identifier.objects.count()

    with pytest.raises(MetadataError, match="deDialog001"):
        dhis2_metadata_import(actor=world.province_admin, stream=io.BytesIO(changed))

    assert Dhis2Identifier.objects.count() == before
    assert Dhis2Identifier.objects.get(uid="deDialog001").element.code == "dialogues"


def test_only_a_province_administrator_imports_metadata(world, catalogue):
    with pytest.raises(PermissionDenied):
        dhis2_metadata_import(actor=world.district_clerk, stream=io.BytesIO(_file("metadata.json")))


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def clerk_key(world):  # type: ignore[no-untyped-def]
    from danvan.datasets.exchange.tokens import api_token_create

    return api_token_create(actor=None, user=world.district_clerk, name="dhis2")[1]


def _post(client, key, body, content_type, query=""):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/dataValueSets{query}",
        body,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_api_imports_xml_and_answers_in_dhis2_shape(client, world, figures, clerk_key):
    response = _post(client, clerk_key, _file("values.xml"), "application/xml")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["responseType"] == "ImportSummary" and body["status"] == "SUCCESS"
    assert body["importCount"]["updated"] == 1 and body["importCount"]["deleted"] == 1
    assert body["forms"][0]["orgUnitName"] == "Xã Một A"


def test_api_imports_adx(client, world, figures, clerk_key):
    response = _post(client, clerk_key, _file("values.adx"), "application/adx+xml")

    assert response.status_code == 200, response.content
    assert _stored("members", "hnd") == 131


def test_api_conflicts_are_dhis2_shaped(client, world, figures, clerk_key):
    response = _post(client, clerk_key, _file("attribute-combo.csv"), "text/csv")

    assert response.status_code == 409
    conflict = response.json()["conflicts"][0]
    assert conflict["object"] == "dialogues" or conflict["property"] == "attributeOptionCombo"
    assert conflict["errorCode"] == "attribute_option_combo" and conflict["indexes"] == [3]
    assert "fundingUSA1" in conflict["value"]


@pytest.mark.parametrize("query", ["?skipExistingCheck=true", "?async=true", "?preheat=1"])
def test_api_refuses_an_option_it_does_not_honour_by_name(client, world, figures, clerk_key, query):
    before = snapshot()

    response = _post(client, clerk_key, _file("values.xml"), "application/xml", query)

    assert response.status_code == 400
    assert query[1:].split("=")[0] in response.json()["message"]
    assert snapshot() == before


def test_api_import_strategy_delete_deletes(client, world, figures, clerk_key):
    body = json.dumps(
        {"dataValues": [{"dataElement": "dialogues", "period": "2021", "orgUnit": "01101"}]}
    )

    response = _post(client, clerk_key, body, "application/json", "?importStrategy=DELETE")

    assert response.status_code == 200, response.content
    assert response.json()["importCount"]["deleted"] == 1 and _stored("dialogues") is None
