"""Export → import gives back the same figures, and reports zero changes."""

from __future__ import annotations

import json

from danvan.datasets.exchange.writers import (
    Selection,
    csv_chunks,
    export_values,
    json_chunks,
    workbook_write,
)
from danvan.datasets.tests.exchange_helpers import figures, import_bytes, snapshot

__all__ = ["figures"]


def _selection(world, catalogue, figures, code="nq06-org", children=True):  # type: ignore[no-untyped-def]
    return Selection(catalogue[code], figures["period"], world.district_one, children)


def test_csv_round_trip_changes_nothing(world, catalogue, figures):
    before = snapshot()

    for code, count in (("nq06-org", 4), ("nq06-unit", 3)):
        selection = _selection(world, catalogue, figures, code)
        data = "".join(csv_chunks(export_values(world.district_clerk, selection))).encode()
        summary = import_bytes(world.district_clerk, data)

        assert summary.file_error == ""
        assert summary.rejected == 0, summary.rejections
        assert (summary.new, summary.changed, summary.unchanged) == (0, 0, count)
    assert snapshot() == before


def test_json_round_trip_changes_nothing(world, catalogue, figures):
    selection = _selection(world, catalogue, figures)
    data = "".join(json_chunks(export_values(world.district_clerk, selection), selection))
    document = json.loads(data)
    before = snapshot()

    summary = import_bytes(world.district_clerk, data.encode())

    assert document["dataSet"] == "nq06-org" and document["orgUnit"] == "011"
    assert {v["dataElement"] for v in document["dataValues"]} == {
        "members",
        "members_studied",
        "cadre_heads",
        "works",
    }
    assert summary.rejected == 0, summary.rejections
    assert (summary.new, summary.changed, summary.unchanged) == (0, 0, 4)
    assert snapshot() == before


def test_xlsx_round_trip_in_both_layouts_changes_nothing(world, catalogue, figures):
    before = snapshot()

    for code in ("nq06-org", "nq06-unit"):
        for layout in ("units", "form"):
            selection = _selection(world, catalogue, figures, code)
            data = workbook_write(world.district_clerk, selection, layout)
            summary = import_bytes(world.district_clerk, data, name="x.xlsx")

            assert summary.file_error == ""
            assert summary.rejected == 0, summary.rejections
            assert (summary.new, summary.changed) == (0, 0), (code, layout)
            assert summary.unchanged == (4 if code == "nq06-org" else 3)
    assert snapshot() == before


def test_an_imported_change_is_written_with_its_audit(world, catalogue, figures):
    data = (
        "dataelement,period,orgunit,categoryoptioncombo,value,comment\n"
        "members,2021,01101,hnd,130,\n"
        "members_new,2021,01101,hnd,12.0,mới\n"
        "households,2021,01101,default,1500,\n"
    ).encode()

    summary = import_bytes(world.district_clerk, data)

    from danvan.datasets.models import DataValue, DataValueAudit

    assert summary.applied
    assert (summary.new, summary.changed, summary.unchanged) == (1, 1, 1)
    members = DataValue.objects.get(element__code="members", unit=world.commune_one_a)
    assert (members.value, members.source, members.revision, members.comment) == (
        130,
        "imported",
        2,
        "",
    )
    audit = DataValueAudit.objects.filter(element__code="members").order_by("-pk").first()
    assert (audit.old_value, audit.new_value, audit.source, audit.user) == (
        120,
        130,
        "imported",
        world.district_clerk,
    )
    again = import_bytes(world.district_clerk, data)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 3)
