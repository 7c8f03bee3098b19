"""The DOCX writer: any Report through a docxtpl Word template, then real footnotes.

docxtpl fills the template; python-docx has no footnote API, so the references the
exporter left as [[fn:N]] become <w:footnoteReference> runs and word/footnotes.xml is
written here. The indicator number and name cells of the annex are merged vertically
over the rows of one indicator, as in the seed.
"""

from __future__ import annotations

import copy
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError as JinjaTemplateError

from danvan.reports.exporter import Report

DEFAULT_TEMPLATE = Path(__file__).parent / "templates_docx" / "bao-cao.docx"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MARKER = re.compile(r"\[\[fn:(\d+)\]\]")
FONT = "Times New Roman"
DRAFT_MARK = "DỰ THẢO"
# Word's own text watermark (Design → Watermark): a VML text path behind the page, in
# every header the document's sections use, so it is on every page.
WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    "<w:rPr><w:noProof/></w:rPr><w:pict>"
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    '<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
    '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>'
    '<v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
    '<v:shape id="DanvanDraftWatermark{index}" o:spid="_x0000_s{spid}" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:430pt;height:140pt;'
    "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#c0c0c0" '
    'stroked="f"><v:fill opacity=".5"/>'
    f'<v:textpath style="font-family:&quot;{FONT}&quot;;font-size:1pt" string="{DRAFT_MARK}"/>'
    "</v:shape></w:pict></w:r>"
)


class TemplateError(ValueError):
    pass


def _context(report: Report, template: DocxTemplate, pngs: list[bytes]) -> dict[str, Any]:
    profile = report.profile
    rows = []
    previous = None
    for row in report.annex:
        first = row.number != previous
        previous = row.number
        rows.append(
            {
                "number": row.number if first else "",
                "name": row.name if first else "",
                "before": "\a".join(row.before),
                "result": "\a".join(row.result + row.coverage),
                "comparison": "\a".join(row.comparison),
                "first": first,
            }
        )
    images: list[Any] = [InlineImage(template, io.BytesIO(png), width=Mm(80)) for png in pngs]
    chart_rows = [
        images[i : i + 3] + [""] * (3 - len(images[i : i + 3])) for i in range(0, len(images), 3)
    ]
    return {
        **report.header,
        "title": report.title,
        "subject": report.subject,
        "intro": report.intro,
        "body": [{"kind": block.kind, "text": block.text} for block in report.body],
        "closing": report.closing,
        "recipients": profile.recipient_lines,
        "signing_for": profile.signing_for,
        "signer_position": profile.signer_position,
        "signer_name": profile.signer_name or "[Họ và tên người ký]",
        "annex_title": report.annex_title,
        "annex_attached": report.annex_attached,
        "annex_columns": report.annex_columns,
        "annex": rows,
        "charts_title": "BIỂU ĐỒ TIẾN ĐỘ THỰC HIỆN CÁC CHỈ TIÊU",
        "chart_rows": chart_rows,
        "unit": report.unit.name,
        "period": report.period.id,
        "resolution": report.resolution.number,
    }


def template_check(path: Path, context: dict[str, Any]) -> DocxTemplate:
    """The template, once every variable it uses is known; else TemplateError naming them."""
    try:
        template = DocxTemplate(str(path))
        unknown = template.get_undeclared_template_variables(context=context)
    except JinjaTemplateError as error:
        raise TemplateError(f"Mẫu Word {path.name} có lỗi cú pháp: {error}") from error
    except (OSError, KeyError, ValueError) as error:
        raise TemplateError(f"Không mở được mẫu Word {path.name}: {error}") from error
    if unknown:
        known = ", ".join(sorted(context))
        raise TemplateError(
            f"Mẫu Word {path.name} dùng biến không có trong báo cáo: "
            f"{', '.join(sorted(unknown))}. Các biến dùng được: {known}."
        )
    return template


def docx_render(report: Report, template_path: Path | None = None) -> bytes:
    path = template_path or DEFAULT_TEMPLATE
    if not path.exists():
        raise TemplateError(f"Không có mẫu Word {path}.")
    pngs = charts_render(report)
    # The context holds images bound to a template: check with a throwaway one first.
    template = template_check(path, _context(report, DocxTemplate(str(path)), []))
    context = _context(report, template, pngs)
    try:
        template.render(context, autoescape=True)
    except JinjaTemplateError as error:
        raise TemplateError(f"Mẫu Word {path.name}: {error}") from error
    document = template.docx
    _midterm_column(document, report)
    _merge_annex(document, report)
    _footnote_references(document)
    _footnotes_part(document, report.footnotes)
    _coverage_note(document, report)
    if report.final:
        _snapshot_mark(document, report)
    else:
        _draft_mark(document)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def charts_render(report: Report) -> list[bytes]:
    """PNGs of the report's charts. vl-convert releases the GIL: a few threads help."""
    if not report.charts:
        return []
    from danvan.indicators.charts import spec_to_png

    workers = min(4, os.cpu_count() or 1, len(report.charts))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(spec_to_png, [chart.spec for chart in report.charts]))


def _annex_table(document: Any, report: Report) -> Any | None:
    """The annex table of the rendered document: a header row and a row per annex row,
    its first header cell the annex's first column title."""
    for table in document.tables:
        rows = table.rows
        if len(rows) != len(report.annex) + 1 or len(table.columns) < 2:
            continue
        if rows[0].cells[0].text.strip() == (report.annex_columns or [""])[0]:
            return table
    return None


def _midterm_column(document: Any, report: Report) -> None:
    """A ten-year review's mid-term figures, as a column after "before": each row's
    "before" cell copied (its borders, widths and paragraph style) and refilled. Any
    template with the annex table gets it, so templates need no second layout."""
    if not report.midterm_column:
        return
    table = _annex_table(document, report)
    if table is None:
        return
    grid = table._tbl.tblGrid
    columns = grid.findall(qn("w:gridCol"))
    if len(columns) > 3:
        # Take the mid-term's width from the name and result columns, keeping the page.
        wide = [columns[1], columns[3]]
        share = sum(int(c.get(qn("w:w"))) // 4 for c in wide)
        for column in wide:
            column.set(qn("w:w"), str(int(column.get(qn("w:w"))) * 3 // 4))
        added = copy.deepcopy(columns[2])
        added.set(qn("w:w"), str(share))
        columns[2].addnext(added)
    lines_of = [[report.midterm_column], *(row.midterm for row in report.annex)]
    for row, lines in zip(table.rows, lines_of, strict=True):
        before = row._tr.findall(qn("w:tc"))[2]
        cell = copy.deepcopy(before)
        before.addnext(cell)
        paragraphs = cell.findall(qn("w:p"))
        for extra in paragraphs[1:]:
            cell.remove(extra)
        template = paragraphs[0]
        for line in lines or [""]:
            paragraph = copy.deepcopy(template)
            runs = paragraph.findall(qn("w:r"))
            for run in runs[1:]:
                paragraph.remove(run)
            if runs:
                texts = runs[0].findall(qn("w:t"))
                for text in texts[1:]:
                    runs[0].remove(text)
                for br in runs[0].findall(qn("w:br")):
                    runs[0].remove(br)
                if texts:
                    texts[0].text = line
                    texts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            cell.insert(list(cell).index(template), paragraph)
        cell.remove(template)


def _merge_annex(document: Any, report: Report) -> None:
    table = _annex_table(document, report)
    if table is None:
        return
    previous = None
    for row, annex_row in zip(table.rows[1:], report.annex, strict=True):
        first = annex_row.number != previous
        previous = annex_row.number
        for col in (0, 1):
            properties = row.cells[col]._tc.get_or_add_tcPr()
            merge = OxmlElement("w:vMerge")
            if first:
                merge.set(qn("w:val"), "restart")
            properties.append(merge)


def _paragraph_after(element: Any, text: str, *, italic: bool = False) -> Any:
    paragraph = OxmlElement("w:p")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for side in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(side), FONT)
    properties.append(fonts)
    if italic:
        properties.append(OxmlElement("w:i"))
    run.append(properties)
    content = OxmlElement("w:t")
    content.set(qn("xml:space"), "preserve")
    content.text = text
    run.append(content)
    paragraph.append(run)
    element.addnext(paragraph)
    return paragraph


def _coverage_note(document: Any, report: Report) -> None:
    """The coverage every annex row shares, once, under the table."""
    if not report.coverage_note:
        return
    table = _annex_table(document, report)
    if table is not None:
        _paragraph_after(table._tbl, report.coverage_note, italic=True)


def _draft_mark(document: Any) -> None:
    """'DỰ THẢO' behind every page: in each header definition the sections use. The
    first section gets its own definitions for the pages it has none for (a title page
    without a header), so no page is left without the mark."""
    first = document.sections[0]
    for header in (first.header, first.first_page_header, first.even_page_header):
        if header.is_linked_to_previous:
            header.is_linked_to_previous = False
    # Through the relationships, not section.header: docxtpl replaced the header parts
    # when it rendered them, and python-docx's cached map still holds the old ones. A
    # section without a reference of a kind shows the previous section's, which has it.
    index = 0
    for section in document.sections:
        for reference in section._sectPr.findall(qn("w:headerReference")):
            part = document.part.rels[reference.get(qn("r:id"))].target_part
            paragraph = part.element.find(qn("w:p"))
            if paragraph is None:
                paragraph = OxmlElement("w:p")
                part.element.append(paragraph)
            index += 1
            paragraph.append(parse_xml(WATERMARK.format(index=index, spid=2048 + index)))
    document.core_properties.category = DRAFT_MARK


def _snapshot_mark(document: Any, report: Report) -> None:
    """A final report names the snapshot its figures come from: on its last page, and in
    the document's properties."""
    line = f"Số liệu của báo cáo chính thức — mã kiểm chứng SHA-256: {report.snapshot_hash}"
    body = document.element.body
    last = body[-1] if body[-1].tag != qn("w:sectPr") else body[-2]
    _paragraph_after(last, line, italic=True)
    document.core_properties.identifier = f"sha256:{report.snapshot_hash}"
    document.core_properties.category = "Báo cáo chính thức"


def _footnote_references(document: Any) -> None:
    body = document.element.body
    for text in list(body.iter(qn("w:t"))):
        content = text.text or ""
        if "[[fn:" not in content:
            continue
        run = text.getparent()
        pieces = MARKER.split(content)
        text.text = pieces[0]
        text.set(qn("xml:space"), "preserve")
        # Whatever followed the text in the run stays after the last piece.
        tail = list(text.itersiblings())
        for element in tail:
            run.remove(element)
        anchor = run
        for index in range(1, len(pieces), 2):
            reference = _run_like(run)
            properties = reference.get_or_add_rPr()
            align = OxmlElement("w:vertAlign")
            align.set(qn("w:val"), "superscript")
            properties.append(align)
            mark = OxmlElement("w:footnoteReference")
            mark.set(qn("w:id"), pieces[index])
            reference.append(mark)
            anchor.addnext(reference)
            anchor = reference
            following = pieces[index + 1]
            if following:
                piece = _run_like(run)
                element = OxmlElement("w:t")
                element.set(qn("xml:space"), "preserve")
                element.text = following
                piece.append(element)
                anchor.addnext(piece)
                anchor = piece
        for element in tail:
            anchor.append(element)


def _run_like(run: Any) -> Any:
    """A new run with the same formatting as `run` and no content."""
    new = OxmlElement("w:r")
    properties = run.find(qn("w:rPr"))
    if properties is not None:
        new.append(copy.deepcopy(properties))
    return new


def _footnotes_part(document: Any, footnotes: dict[int, str]) -> None:
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    notes = "".join(
        f'<w:footnote w:id="{number}"><w:p><w:pPr><w:jc w:val="both"/></w:pPr>'
        f'<w:r><w:rPr>{fonts}<w:vertAlign w:val="superscript"/><w:sz w:val="24"/></w:rPr>'
        f"<w:footnoteRef/></w:r>"
        f'<w:r><w:rPr>{fonts}<w:sz w:val="24"/></w:rPr>'
        f'<w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
        for number, text in sorted(footnotes.items())
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        f"{notes}</w:footnotes>"
    ).encode()
    existing = [rel for rel in document.part.rels.values() if rel.reltype == RT.FOOTNOTES]
    if existing:
        existing[0].target_part._blob = xml
        return
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
