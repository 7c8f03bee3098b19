"""Build the shipped Word template `bao-cao.docx` (docxtpl tags) from code.

    uv run python -m danvan.reports.templates_docx.make_template

The template follows the seed report and Hướng dẫn 36-HD/VPTW: A4, Times New Roman,
margins top 20, bottom 20, left 30, right 15 mm, body 14 pt, page numbers from page 2;
the annex on landscape pages. A province may open the result in Word and change fonts,
spacing or fixed words; keep the {{ … }} and {%p … %} / {%tr … %} tags (each in one run:
retype a tag in one go rather than editing inside it). The placeholders available are
listed in docs/reports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

TEMPLATE = Path(__file__).parent / "bao-cao.docx"
FONT = "Times New Roman"
BODY = "Report Body"
TABLE = "Report Table"


def _font(style_or_run: Any, size: float | None = None) -> None:
    """Times New Roman for every script (Vietnamese needs eastAsia/cs too), no theme font."""
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)
    if size is not None:
        style_or_run.font.size = Pt(size)


def _styles(document: Any) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _font(normal, 14)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(language)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    body = styles.add_style(BODY, 1)
    body.base_style = normal
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Cm(1.27)
    body.paragraph_format.space_before = Pt(6)
    for level, italic in ((1, False), (2, False), (3, True)):
        heading = styles[f"Heading {level}"]
        _font(heading, 14)
        heading.font.bold = True
        heading.font.italic = italic
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.first_line_indent = Cm(1.27)
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.space_after = Pt(0)
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    table = styles.add_style(TABLE, 1)
    table.base_style = normal
    _font(table, 12)
    table.paragraph_format.space_before = Pt(2)
    table.paragraph_format.space_after = Pt(2)
    table.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _para(
    container: Any,
    text: str,
    *,
    style: str | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align: int | None = None,
    highlight: int | None = None,
) -> Any:
    paragraph = container.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    if size:
        run.font.size = Pt(size)
    if highlight is not None:
        run.font.highlight_color = highlight
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _cell(table: Any, row: int, col: int) -> Any:
    cell = table.cell(row, col)
    cell._tc.remove(cell.paragraphs[0]._p)
    return cell


def _widths(table: Any, widths: list[float]) -> None:
    table.autofit = False
    # LibreOffice lays out by the grid, Word by the cells: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _page_number(section: Any) -> None:
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        run = paragraph.add_run()
        _font(run, 14)
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text or ""
    end = paragraph.add_run()
    field = OxmlElement("w:fldChar")
    field.set(qn("w:fldCharType"), "end")
    end._r.append(field)


def _margins(section: Any) -> None:
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def _repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    properties.append(header)


def template_build(path: Path = TEMPLATE) -> Path:
    document = Document()
    _styles(document)
    first = document.sections[0]
    first.page_width, first.page_height = Mm(210), Mm(297)
    _margins(first)
    first.different_first_page_header_footer = True
    _page_number(first)
    center = WD_ALIGN_PARAGRAPH.CENTER

    # Header: issuing body left, the Party's name and the place and date right.
    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = _cell(header, 0, 0), _cell(header, 0, 1)
    _para(left, "{%p if parent_body %}")
    _para(left, "{{ parent_body }}", align=center)
    _para(left, "{%p endif %}")
    _para(left, "{{ issuer }}", bold=True, align=center)
    _para(left, "*", align=center)
    _para(left, "{{ symbol }}", align=center)
    _para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=15, align=center)
    _para(right, "", align=center)
    _para(right, "{{ place_date }}", italic=True, align=center)
    _widths(header, [7.0, 9.5])

    _para(document, "", align=center)
    _para(document, "{{ title }}", bold=True, size=15, align=center)
    _para(document, "{{ subject }}", bold=True, align=center)
    _para(document, "-----", align=center)
    _para(document, "{{ intro }}", style=BODY)
    _para(document, "{%p for block in body %}")
    _para(document, '{%p if block.kind == "heading1" %}')
    _para(document, "{{ block.text }}", style="Heading 1")
    _para(document, '{%p elif block.kind == "heading2" %}')
    _para(document, "{{ block.text }}", style="Heading 2")
    _para(document, '{%p elif block.kind == "heading3" %}')
    _para(document, "{{ block.text }}", style="Heading 3")
    _para(document, '{%p elif block.kind == "assessment" %}')
    _para(document, "{{ block.text }}", style=BODY, italic=True, highlight=WD_COLOR_INDEX.YELLOW)
    _para(document, "{%p else %}")
    _para(document, "{{ block.text }}", style=BODY)
    _para(document, "{%p endif %}")
    _para(document, "{%p endfor %}")
    _para(document, "{{ closing }}", style=BODY)
    _para(document, "")

    signature = document.add_table(rows=1, cols=2)
    left, right = _cell(signature, 0, 0), _cell(signature, 0, 1)
    _para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    _para(left, "{%p for recipient in recipients %}")
    _para(left, "- {{ recipient }}", size=11)
    _para(left, "{%p endfor %}")
    _para(right, "{{ signing_for }}", bold=True, align=center)
    _para(right, "{{ signer_position }}", bold=True, align=center)
    for _ in range(4):
        _para(right, "", align=center)
    _para(right, "{{ signer_name }}", bold=True, align=center)
    _widths(signature, [8.0, 8.5])
    signature.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))

    # The annex, on landscape pages.
    annex_section = document.add_section(WD_SECTION.NEW_PAGE)
    annex_section.orientation = WD_ORIENT.LANDSCAPE
    annex_section.page_width, annex_section.page_height = Mm(297), Mm(210)
    _margins(annex_section)
    annex_section.different_first_page_header_footer = False
    _para(document, "{%p for line in annex_title %}")
    _para(document, "{{ line }}", bold=True, align=center)
    _para(document, "{%p endfor %}")
    _para(document, "{{ annex_attached }}", italic=True, align=center)
    _para(document, "")
    annex = document.add_table(rows=4, cols=5)
    annex.style = "Table Grid"
    annex.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col in range(5):
        cell = _cell(annex, 0, col)
        _para(cell, f"{{{{ annex_columns[{col}] }}}}", style=TABLE, bold=True, align=center)
    _repeat_header(annex.rows[0])
    _para(_cell(annex, 1, 0), "{%tr for row in annex %}", style=TABLE)
    for col in range(1, 5):
        _cell(annex, 1, col).add_paragraph(style=TABLE)
    cells = ["row.number", "row.name", "row.before", "row.result", "row.comparison"]
    for col, name in enumerate(cells):
        _para(
            _cell(annex, 2, col),
            f"{{{{ {name} }}}}",
            style=TABLE,
            align=center if col == 0 else None,
        )
    _para(_cell(annex, 3, 0), "{%tr endfor %}", style=TABLE)
    for col in range(1, 5):
        _cell(annex, 3, col).add_paragraph(style=TABLE)
    _widths(annex, [1.2, 5.6, 5.8, 7.2, 5.4])

    _para(document, "{%p if chart_rows %}")
    _para(document, "")
    _para(document, "{{ charts_title }}", bold=True, align=center)
    charts = document.add_table(rows=3, cols=3)
    charts.alignment = WD_TABLE_ALIGNMENT.CENTER
    _para(_cell(charts, 0, 0), "{%tr for trio in chart_rows %}")
    _para(_cell(charts, 2, 0), "{%tr endfor %}")
    for col in range(3):
        if col:
            _cell(charts, 0, col).add_paragraph()
            _cell(charts, 2, col).add_paragraph()
        _para(_cell(charts, 1, col), f"{{{{ trio[{col}] }}}}", align=center)
    _widths(charts, [8.4, 8.4, 8.4])
    _para(document, "{%p endif %}")
    document.core_properties.title = "Báo cáo sơ kết thực hiện Nghị quyết"
    document.core_properties.author = "danvan"
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(template_build())
