"""danvan's Excel templates as offices change them: formulas, errors, merged cells, titles."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook

from danvan.datasets.exchange.writers import Selection, workbook_write
from danvan.datasets.tests.exchange_helpers import figures, import_bytes, snapshot

__all__ = ["figures"]


def _template(world, catalogue, figures):  # type: ignore[no-untyped-def]
    selection = Selection(catalogue["nq06-unit"], figures["period"], world.district_one, True)
    return load_workbook(io.BytesIO(workbook_write(world.district_clerk, selection, "units")))


def _first_unit_row(sheet) -> int:  # type: ignore[no-untyped-def]
    return next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == "01101")


def _column(sheet, code: str) -> int:  # type: ignore[no-untyped-def]
    return next(c for c in range(1, sheet.max_column + 1) if sheet.cell(2, c).value == code)


def _bytes(book) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_formula_without_a_computed_value_is_a_row_error(world, catalogue, figures):
    book = _template(world, catalogue, figures)
    sheet = book.worksheets[0]
    row = _first_unit_row(sheet)
    sheet.cell(row, _column(sheet, "dialogues")).value = "=2+3"
    before = snapshot()

    summary = import_bytes(world.district_clerk, _bytes(book), name="t.xlsx")

    assert [r.code for r in summary.rejections] == ["malformed"]
    assert "formula" in summary.rejections[0].reason or "công thức" in summary.rejections[0].reason
    assert snapshot() == before


def test_an_error_value_is_a_row_error_naming_the_cell(world, catalogue, figures):
    book = _template(world, catalogue, figures)
    sheet = book.worksheets[0]
    row = _first_unit_row(sheet)
    column = _column(sheet, "dialogues")
    sheet.cell(row, column).value = "=1/0"
    data = _bytes(book)
    # Give the formula the cached error value Excel would have stored.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet1"):
                content = re.sub(
                    rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>1/0</f><v\s*/?>(</v>)?',
                    rb'<c r="\1"\2 t="e"><f>1/0</f><v>#DIV/0!</v>',
                    content,
                )
            target.writestr(item, content)

    summary = import_bytes(world.district_clerk, out.getvalue(), name="t.xlsx")

    assert summary.rejected == 1
    assert "#DIV/0!" in summary.rejections[0].reason


def test_merged_data_cells_are_row_errors(world, catalogue, figures):
    book = _template(world, catalogue, figures)
    sheet = book.worksheets[0]
    row = _first_unit_row(sheet)
    column = _column(sheet, "dialogues")
    sheet.cell(row, column).value = 7
    sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + 1)

    summary = import_bytes(world.district_clerk, _bytes(book), name="t.xlsx")

    assert summary.rejected >= 1 and not summary.applied
    assert all("merged" in r.reason or "gộp" in r.reason for r in summary.rejections)


def test_a_template_retitled_for_another_year_is_refused(world, catalogue, figures):
    book = _template(world, catalogue, figures)
    sheet = book.worksheets[0]
    sheet.cell(3, 1).value = sheet.cell(3, 1).value.replace("Năm 2021", "Năm 2023")
    sheet.cell(_first_unit_row(sheet), _column(sheet, "dialogues")).value = 5

    summary = import_bytes(world.district_clerk, _bytes(book), name="t.xlsx")

    assert summary.file_error_code == "title_period"
    assert "2023" in summary.file_error and "2021" in summary.file_error


def test_a_template_without_its_code_row_is_an_error_not_applied(world, catalogue, figures):
    book = _template(world, catalogue, figures)
    for sheet in book.worksheets:
        for column in range(1, sheet.max_column + 1):
            sheet.cell(2, column).value = None

    summary = import_bytes(world.district_clerk, _bytes(book), name="t.xlsx")

    assert summary.file_error_code == "no_figures" and not summary.applied
