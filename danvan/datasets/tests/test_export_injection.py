"""A comment or name that a spreadsheet would run as a formula comes out inert."""

import csv
import io

import pytest
from openpyxl import load_workbook

from danvan.datasets.models import DataValue
from danvan.datasets.tests.exchange_helpers import figures
from danvan.geography.models import AdministrativeUnit

__all__ = ["figures"]

QUERY = {"data_set": "nq06-org", "period": "2021", "children": "1"}


@pytest.mark.parametrize("comment", ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-2+3"])
def test_csv_export_neutralises_a_comment_that_starts_a_formula(client, world, figures, comment):
    DataValue.objects.filter(element__code="members").update(comment=comment)
    client.force_login(world.district_clerk)

    response = client.get(
        "/figures/exchange/download/", {**QUERY, "unit": world.district_one.pk, "format": "csv"}
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    members = next(r for r in rows[1:] if r[0] == "members")
    assert members[header.index("comment")] == "'" + comment


def test_xlsx_template_stores_a_unit_name_starting_with_equals_as_text(client, world, figures):
    AdministrativeUnit.objects.filter(pk=world.commune_one_a.pk).update(name="=1+1")
    client.force_login(world.district_clerk)

    response = client.get(
        "/figures/exchange/download/", {**QUERY, "unit": world.district_one.pk, "format": "xlsx"}
    )

    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any(c.value == "=1+1" for c in cells)
    assert all(c.data_type != "f" for c in cells)
