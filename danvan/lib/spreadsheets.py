"""Text that a spreadsheet program would run: CSV and XLSX cells carry it inert.

A cell starting with = + - @ (or a tab or carriage return) is read as a formula by Excel
and LibreOffice when a CSV is opened, so a comment typed as `=HYPERLINK(...)` would act.
"""

from __future__ import annotations

from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """A free-text CSV cell, prefixed with an apostrophe when it would start a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def formulas_neutralise(workbook: Any) -> None:
    """Store every string openpyxl took for a formula (it starts with "=") as text.

    danvan writes no formulas of its own; names and comments come from users.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
