"""The checked document as HTML, with each finding's quoted span highlighted."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from danvan.reports.checker import Block, Document, Finding
from danvan.reports.checker.document import BlockKind


@dataclass
class RenderedBlock:
    kind: str
    html: SafeString
    key: str


@dataclass
class RenderedTable:
    rows: list[list[SafeString]]
    kind: str = "table"


@dataclass
class RenderedDocument:
    items: list[RenderedBlock | RenderedTable] = field(default_factory=list)
    footnotes: list[tuple[int, SafeString]] = field(default_factory=list)


def anchor(index: int) -> str:
    return f"finding-{index}"


def render_document(document: Document, findings: list[Finding]) -> RenderedDocument:
    marks: dict[str, list[tuple[int, int, str, int]]] = {}
    for index, item in enumerate(findings):
        marks.setdefault(item.location.key, []).append(
            (item.start, item.end, str(item.severity), index)
        )
    rendered = RenderedDocument()
    tables_done: set[int] = set()
    for block in document.blocks:
        table_index = block.location.table
        if table_index is not None:
            if table_index in tables_done:
                continue
            tables_done.add(table_index)
            table = document.tables[table_index]
            rendered.items.append(
                RenderedTable(
                    rows=[
                        [_highlight(cell, marks.get(cell.location.key, [])) for cell in row]
                        for row in table.rows
                    ]
                )
            )
            continue
        kind = "heading" if block.kind is BlockKind.HEADING else "paragraph"
        html = _highlight(block, marks.get(block.location.key, []))
        rendered.items.append(RenderedBlock(kind, html, block.location.key))
    for number, note in sorted(document.footnotes.items()):
        rendered.footnotes.append((number, _highlight(note, marks.get(note.location.key, []))))
    return rendered


def _highlight(block: Block, marks: list[tuple[int, int, str, int]]) -> SafeString:
    """Escape the text, wrap each quoted span in <mark>, put footnote numbers back."""
    events: list[tuple[int, int, str]] = []
    taken_until = -1
    for start, end, severity, index in sorted(marks):
        if start < taken_until or end <= start:
            continue  # overlapping spans: the finding is still listed, only drawn once
        taken_until = end
        events.append((start, 1, f'<mark class="finding-{severity}" id="{anchor(index)}">'))
        events.append((end, 0, "</mark>"))
    for ref in block.refs:
        events.append((ref.offset, 0, f"<sup>[{ref.number}]</sup>"))
    events.sort(key=lambda event: (event[0], event[1]))
    parts: list[str] = []
    position = 0
    for offset, _, tag in events:
        parts.append(_escape(block.text[position:offset]))
        parts.append(tag)
        position = max(position, offset)
    parts.append(_escape(block.text[position:]))
    # Safe: every piece of document text above went through escape().
    return mark_safe("".join(parts))


def _escape(text: str) -> str:
    return str(escape(text)).replace("\n", "<br>")
