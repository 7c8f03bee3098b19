"""The XLSX writer: the annex as in the Word report, and the figures behind it (one row
per part × unit × period, with numerator and denominator) on a second sheet."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from danvan.lib.spreadsheets import formulas_neutralise
from danvan.reports.exporter import Report

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
FONT = "Times New Roman"
FIGURE_COLUMNS = [
    ("Chỉ tiêu", 9, None),
    ("Mã nội dung", 22, None),
    ("Nội dung", 34, None),
    ("Cấp số liệu", 11, None),
    ("Mã đơn vị", 10, None),
    ("Đơn vị", 28, None),
    ("Cấp đơn vị", 10, None),
    ("Kỳ", 8, None),
    ("Tử số", 12, "#,##0.##"),
    ("Mẫu số", 12, "#,##0.##"),
    ("Giá trị", 12, "#,##0.00"),
    ("Chỉ tiêu (mức)", 12, "#,##0.##"),
    ("Mức trên", 10, "#,##0.##"),
    ("So sánh chỉ tiêu (%)", 14, "#,##0.00"),
    ("Đánh giá", 14, None),
    ("Số liệu của", 34, None),
]
DRAFT_MARK = "DỰ THẢO"


def _number(value: Decimal | None) -> Decimal | None:
    return value.normalize() if value is not None else None


def xlsx_render(report: Report) -> bytes:
    book = Workbook()
    annex = book.active
    assert isinstance(annex, Worksheet)
    annex.title = "Phụ lục"
    _annex(annex, report)
    _figures(book.create_sheet("Số liệu theo đơn vị"), report)
    _status_marks(book, report)
    buffer = io.BytesIO()
    formulas_neutralise(book)
    if not report.final:
        book.save(buffer)
        return buffer.getvalue()
    # The file's own dates are the report's, so a final report regenerated from its
    # snapshot is the same file, byte for byte (book.save stamps the time of saving).
    day = datetime.datetime.combine(report.date, datetime.time())
    book.properties.created = book.properties.modified = day
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _dated(buffer.getvalue(), report.date)


def _dated(content: bytes, day: datetime.date) -> bytes:
    """The same archive with every member dated `day` (zip writes the time of writing)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(
                member.filename, date_time=(day.year, day.month, day.day, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, source.read(member.filename))
    return output.getvalue()


def _annex(sheet: Worksheet, report: Report) -> None:
    columns = list(report.annex_columns)
    widths = [6, 40, 40, 48, 36]
    if report.midterm_column:  # a ten-year review: the mid-term figures after "before"
        columns.insert(3, report.midterm_column)
        widths.insert(3, 44)
    last = len(widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    row = 1
    for line in [*report.annex_title, report.annex_attached]:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = sheet.cell(row, 1, line)
        cell.font = Font(name=FONT, bold=line != report.annex_attached, size=13)
        cell.alignment = Alignment(horizontal="center")
        row += 1
    row += 1
    header = row
    for col, title in enumerate(columns, start=1):
        cell = sheet.cell(row, col, title)
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    first_of_indicator = row + 1
    previous = None
    for item in report.annex:
        row += 1
        if item.number != previous and previous is not None and row - 1 > first_of_indicator:
            _merge(sheet, first_of_indicator, row - 1)
        if item.number != previous:
            first_of_indicator = row
        values = [
            int(item.number) if item.number.isdigit() else item.number,
            item.name if item.number != previous else None,
            "\n".join(item.before),
            *(["\n".join(item.midterm)] if report.midterm_column else []),
            "\n".join(item.result + item.coverage),
            "\n".join(item.comparison),
        ]
        previous = item.number
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col, value)
            cell.font = Font(name=FONT)
            cell.alignment = WRAP if col > 1 else Alignment(horizontal="center", vertical="top")
            cell.border = BOX
    if row > first_of_indicator:
        _merge(sheet, first_of_indicator, row)
    notes = [report.coverage_note] if report.coverage_note else []
    if report.final:
        notes.append(f"Mã kiểm chứng (SHA-256) của số liệu: {report.snapshot_hash}")
    if notes:
        row += 1
    for note in notes:
        row += 1
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        cell = sheet.cell(row, 1, note)
        cell.font = Font(name=FONT, italic=True)
    sheet.freeze_panes = sheet.cell(header + 1, 1)
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _status_marks(book: Workbook, report: Report) -> None:
    """A draft says so beside the title and on every printed page; a final report carries
    its snapshot's hash on every printed page and in the file's properties."""
    for sheet in book.worksheets:
        if report.final:
            sheet.oddFooter.left.text = f"SHA-256: {report.snapshot_hash}"
        else:
            sheet.oddHeader.center.text = DRAFT_MARK
            sheet.oddHeader.center.size = 20
            sheet.oddHeader.center.color = "C00000"
    if report.final:
        book.properties.identifier = f"sha256:{report.snapshot_hash}"
        book.properties.category = "Báo cáo chính thức"
    else:
        book.properties.category = DRAFT_MARK
        annex = book.worksheets[0]
        # Beside the title, right of the annex's columns (six with a mid-term column).
        cell = annex.cell(1, annex.max_column + 1, DRAFT_MARK)
        cell.font = Font(name=FONT, bold=True, size=16, color="C00000")


def _merge(sheet: Worksheet, first: int, last: int) -> None:
    for col in (1, 2):
        sheet.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)


def _figures(sheet: Worksheet, report: Report) -> None:
    for col, (title, width, _) in enumerate(FIGURE_COLUMNS, start=1):
        cell = sheet.cell(1, col, title)
        cell.font = Font(name=FONT, bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = width
    formats = [fmt for _, _, fmt in FIGURE_COLUMNS]
    for row, item in enumerate(report.figures, start=2):
        values = [
            item.indicator,
            item.part,
            " ".join(t for t in (item.level_label, item.part_name) if t),
            item.level_label,
            item.unit_code,
            item.unit_name,
            item.unit_level,
            item.period,
            _number(item.numerator),
            _number(item.denominator),
            _number(item.value),
            _number(item.target),
            _number(item.target_upper),
            _number(item.achievement),
            item.status,
            item.coverage,
        ]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col, value)
            if formats[col - 1] and value is not None:
                cell.number_format = formats[col - 1]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FIGURE_COLUMNS))}{len(report.figures) + 1}"
