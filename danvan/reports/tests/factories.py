"""Small reports built for the tests, in text and in DOCX."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from danvan.reports.checker import Finding, Severity, check_document, read_text

SEED = Path(__file__).parent / "data" / "bao-cao-so-ket-06-NQ-TU-hau-giang.txt"

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def check(text: str, rule: str | None = None) -> list[Finding]:
    findings = check_document(read_text(text))
    return [f for f in findings if rule is None or f.rule == rule]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps tone marks apart from the letter, as old Vietnamese files do."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            marks = "".join(c for c in parts[1:] if c not in _TONES)
            tones = "".join(c for c in parts[1:] if c in _TONES)
            out += (unicodedata.normalize("NFC", parts[0] + marks) + tones).encode("cp1258")
    return bytes(out)


def docx_report(
    paragraphs: list[str],
    table: list[list[str]] | None = None,
    footnotes: dict[int, str] | None = None,
) -> bytes:
    """A .docx; "[^n]" in a paragraph becomes a real footnote reference to footnotes[n]."""
    document = docx.Document()
    document.add_heading("BÁO CÁO KIỂM TRA", level=1)
    for text in paragraphs:
        paragraph = document.add_paragraph()
        for piece in re.split(r"(\[\^\d+\])", text):
            marker = re.fullmatch(r"\[\^(\d+)\]", piece)
            if marker:
                run = paragraph.add_run()
                reference = OxmlElement("w:footnoteReference")
                reference.set(qn("w:id"), marker.group(1))
                run._r.append(reference)
            elif piece:
                paragraph.add_run(piece)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row_index, row in enumerate(table):
            for col_index, value in enumerate(row):
                cell = grid.cell(row_index, col_index)
                lines = value.split("\n")
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    return add_footnotes(data, footnotes) if footnotes else data


def add_footnotes(data: bytes, footnotes: dict[int, str]) -> bytes:
    """python-docx cannot write footnotes: add word/footnotes.xml and its relationship by hand."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = "".join(
        f'<w:footnote w:id="{number}"><w:p><w:r><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        for number, text in footnotes.items()
    )
    footnotes_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f"</w:footnote>{notes}</w:footnotes>"
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif item.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", footnotes_xml.encode("utf-8"))
    return output.getvalue()
