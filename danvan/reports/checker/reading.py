"""Turn a .docx, .txt or .md report into a Document.

Text reports are read the way the seed is written: one paragraph per line or per block of
lines, footnotes as `^[n]` (inline reference) and `^[n] …` (the note itself; Markdown's `[^n]`
and `[^n]: …` too), tables as tab- or pipe-separated rows whose cells may hold `<p>` tags.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from danvan.lib.archives import ArchiveError, zip_check
from danvan.reports.checker.document import Block, BlockKind, Document, FootnoteRef, Location, Table
from danvan.reports.checker.text import shorten

MAX_BYTES = 5 * 1024 * 1024
# What a .docx may inflate to: a long report with pictures is a few tens of MB.
MAX_INFLATED_BYTES = 100 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ""})


class ReadError(Exception):
    """The file cannot be checked; `message` is written for the person who uploaded it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_file(source: str | Path | bytes, filename: str | None = None) -> Document:
    """Read a report from a path, or from bytes whose original name is `filename`."""
    if isinstance(source, bytes):
        data = source
        name = filename or ""
    else:
        path = Path(source)
        name = filename or path.name
        try:
            if path.stat().st_size > MAX_BYTES:
                raise _too_large()
            data = path.read_bytes()
        except OSError as error:
            raise ReadError(
                "unreadable", f"Không đọc được tệp {path.name}: {error.strerror}."
            ) from None
    return read_bytes(data, name)


def read_bytes(data: bytes, filename: str) -> Document:
    suffix = Path(filename).suffix.lower()
    if len(data) > MAX_BYTES:
        raise _too_large()
    if not data.strip():
        raise ReadError("empty", "Tệp rỗng, không có nội dung để kiểm tra.")
    if suffix == ".docx":
        return read_docx(data)
    if suffix == ".doc":
        raise ReadError(
            "unsupported",
            "Định dạng .doc (Word 97-2003) chưa được hỗ trợ. Hãy mở tệp bằng Word và lưu lại "
            "dưới dạng .docx.",
        )
    if suffix not in TEXT_SUFFIXES:
        raise ReadError(
            "unsupported",
            f"Không hỗ trợ tệp {suffix}. Chỉ nhận tệp .docx, .txt hoặc .md.",
        )
    return read_text(decode(data))


def _too_large() -> ReadError:
    return ReadError("too_large", "Tệp lớn hơn 5 MB. Hãy tải lên bản báo cáo không kèm hình ảnh.")


def decode(data: bytes) -> str:
    """UTF-8 first; then UTF-16 (Windows Notepad) and Windows-1258 (older Vietnamese files)."""
    candidates: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "utf-16-le", "cp1258"] if b"\x00" in data else ["utf-8", "cp1258"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise ReadError(
        "undecodable",
        "Không đọc được nội dung văn bản (không phải UTF-8, UTF-16 hay Windows-1258). "
        "Hãy lưu lại tệp với bảng mã UTF-8.",
    )


# Unicode's control characters (category Cc) other than tab, newlines and form feed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _looks_like_text(text: str) -> bool:
    return _CONTROL.search(text) is None


# Plain text and Markdown -------------------------------------------------------------------

_FOOTNOTE_BODY = re.compile(r"^\s*(?:\^\[(\d+)\]|\[\^(\d+)\]:)\s*(.*)$")
_FOOTNOTE_REF = re.compile(r"\^\[(\d+)\]|\[\^(\d+)\](?!:)")
_TAG = re.compile(r"<\s*(/?)\s*(\w+)[^>]*>")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]\s|\d+(?:\.\d+)*[.)]\s)")
_ROMAN_HEADING = re.compile(r"^[IVXLC]+\.\s+\S")
_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.\s+\S")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def clean_inline(raw: str) -> tuple[str, tuple[FootnoteRef, ...]]:
    """Strip tags and emphasis, take out footnote references and remember where they were."""
    text = _TAG.sub(lambda match: "\n" if match.group(2).lower() in {"p", "br", "li"} else "", raw)
    text = html.unescape(text)
    text = _EMPHASIS.sub("", text)
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    text = "\n".join(line for line in text.split("\n") if line)
    refs: list[FootnoteRef] = []
    parts: list[str] = []
    length = 0
    pos = 0
    for match in _FOOTNOTE_REF.finditer(text):
        parts.append(text[pos : match.start()])
        length += match.start() - pos
        refs.append(FootnoteRef(length, int(match.group(1) or match.group(2))))
        pos = match.end()
    parts.append(text[pos:])
    return "".join(parts), tuple(refs)


@dataclass
class _Sections:
    """Headings seen so far, so each block knows the section it belongs to."""

    levels: dict[int, str] = field(default_factory=dict)

    def enter(self, level: int, title: str) -> None:
        self.levels = {key: value for key, value in self.levels.items() if key < level}
        self.levels[level] = shorten(title, 60)

    @property
    def label(self) -> str:
        return " › ".join(self.levels[key] for key in sorted(self.levels))


def heading_level(text: str) -> int | None:
    """A guess from the numbering ("II.", "2.1.") or capitals; None for an ordinary paragraph."""
    line = text.strip()
    if not line or "\n" in line or len(line) > 200:
        return None
    if _ROMAN_HEADING.match(line):
        return 0
    numbered = _NUMBERED_HEADING.match(line)
    if numbered and len(line) <= 160 and line[-1] not in ".;,:":
        return numbered.group(1).count(".") + 1
    letters = [char for char in line if char.isalpha()]
    if len(letters) >= 6 and all(char.isupper() for char in letters) and len(line.split()) >= 2:
        return 0
    return None


class _Builder:
    def __init__(self) -> None:
        self.document = Document()
        self.sections = _Sections()
        self.paragraph_count = 0

    def paragraph(self, raw: str, level: int | None = None) -> None:
        text, refs = clean_inline(raw)
        self.paragraph_clean(text, refs, level)

    def paragraph_clean(self, text: str, refs: tuple[FootnoteRef, ...], level: int | None) -> None:
        if not text.strip():
            return
        if level is None:
            level = heading_level(text)
        if level is not None:
            self.sections.enter(level, text)
        location = Location(section=self.sections.label, paragraph=self.paragraph_count)
        kind = BlockKind.HEADING if level is not None else BlockKind.PARAGRAPH
        self.document.blocks.append(Block(kind, text, location, refs))
        self.paragraph_count += 1

    def table(self, rows: list[list[tuple[str, tuple[FootnoteRef, ...]]]]) -> None:
        index = len(self.document.tables)
        section = self.sections.label
        table = Table(index=index, rows=[], section=section)
        for row_index, row in enumerate(rows):
            cells = []
            for col_index, (text, refs) in enumerate(row):
                location = Location(section=section, table=index, row=row_index, col=col_index)
                cell = Block(BlockKind.CELL, text, location, refs)
                cells.append(cell)
                self.document.blocks.append(cell)
            table.rows.append(cells)
        self.document.tables.append(table)

    def footnote(self, number: int, raw: str) -> None:
        text, refs = clean_inline(raw)
        location = Location(section="", footnote=number)
        self.document.footnotes[number] = Block(BlockKind.FOOTNOTE, text, location, refs)


def _is_caps(line: str) -> bool:
    letters = [char for char in clean_inline(line)[0] if char.isalpha()]
    return len(letters) >= 4 and all(char.isupper() for char in letters)


def _table_cells(line: str) -> list[str] | None:
    if "\t" in line and line.strip():
        return line.split("\t")
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return [cell.strip() for cell in stripped[1:-1].split("|")]
    return None


def read_text(text: str) -> Document:
    """Read a plain-text or Markdown report."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    builder = _Builder()
    pending: list[str] = []
    table_rows: list[list[tuple[str, tuple[FootnoteRef, ...]]]] = []
    footnote: tuple[int, list[str]] | None = None

    def flush_paragraph() -> None:
        nonlocal pending
        if pending:
            joined = " ".join(line.strip() for line in pending)
            markdown = _MARKDOWN_HEADING.match(joined)
            if markdown:
                builder.paragraph(markdown.group(2), level=len(markdown.group(1)) - 1)
            else:
                builder.paragraph(joined)
        pending = []

    def flush_footnote() -> None:
        nonlocal footnote
        if footnote is not None:
            builder.footnote(footnote[0], " ".join(footnote[1]))
        footnote = None

    def flush_table() -> None:
        nonlocal table_rows
        if table_rows:
            builder.table(table_rows)
        table_rows = []

    after_blank = False
    blank_before_last_row = False
    for line in text.split("\n"):
        body = _FOOTNOTE_BODY.match(line)
        cells = None if body else _table_cells(line)
        if body:
            flush_paragraph()
            flush_footnote()
            flush_table()
            footnote = (int(body.group(1) or body.group(2)), [body.group(3)])
        elif cells is not None:
            flush_paragraph()
            flush_footnote()
            if _PIPE_SEPARATOR.match(line):
                if len(table_rows) >= 2 and blank_before_last_row:
                    # "| a | b |" then "|---|" after a blank line: the header of a new table.
                    header = table_rows.pop()
                    flush_table()
                    table_rows = [header]
                continue
            blank_before_last_row = after_blank
            after_blank = False
            table_rows.append([clean_inline(cell) for cell in cells])
        elif not line.strip():
            # A blank line ends a paragraph or a note; a table may go on after it.
            flush_paragraph()
            flush_footnote()
            after_blank = True
        else:
            flush_table()
            if footnote is not None:
                footnote[1].append(line.strip())
                continue
            if (
                _BULLET.match(line)
                or _MARKDOWN_HEADING.match(line)
                or (pending and _is_caps(" ".join(pending)) and not _is_caps(line))
            ):
                # A capitalised title ends where ordinary text starts, blank line or not.
                flush_paragraph()
            pending.append(line)
    flush_paragraph()
    flush_footnote()
    flush_table()
    return builder.document


# DOCX --------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def read_docx(data: bytes) -> Document:
    """Read paragraphs, tables and footnotes (python-docx does not expose footnotes)."""
    import docx  # python-docx; imported here so text-only use stays light
    from docx.table import Table as DocxTable

    try:
        zip_check(data, max_uncompressed=MAX_INFLATED_BYTES)
    except ArchiveError as error:
        if error.code == "too_large":
            raise ReadError(
                "too_large",
                "Tệp .docx giải nén ra quá lớn "
                f"(quá {MAX_INFLATED_BYTES // (1024 * 1024)} MB): không kiểm tra được.",
            ) from error
        raise ReadError(
            "corrupt", "Tệp .docx bị hỏng hoặc không phải tài liệu Word, không mở được."
        ) from error
    try:
        source = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReadError(
            "corrupt",
            "Tệp .docx bị hỏng hoặc không phải tài liệu Word, không mở được.",
        ) from error
    except Exception as error:
        # Untrusted upload: whatever python-docx or lxml trips over, the answer is "unreadable".
        raise ReadError("corrupt", "Tệp .docx bị hỏng, không mở được.") from error

    notes = _footnote_texts(source)
    numbering = _footnote_numbering(source.element.body, notes)
    builder = _Builder()
    for child in source.element.body.iterchildren():
        if child.tag == f"{_W}p":
            text, refs = _paragraph_text(child, numbering)
            builder.paragraph_clean(text, refs, _style_level(child))
        elif child.tag == f"{_W}tbl":
            table = DocxTable(child, source)
            rows = []
            for row in table.rows:
                cells: list[tuple[str, tuple[FootnoteRef, ...]]] = []
                previous: Any = None
                for cell in row.cells:
                    if previous is not None and cell._tc is previous:
                        # A horizontally merged cell repeats; count its text once.
                        cells.append(("", ()))
                        continue
                    previous = cell._tc
                    cells.append(_cell_text(cell._tc, numbering))
                rows.append(cells)
            builder.table(rows)
    for note_id, (raw, refs) in notes.items():
        number = numbering.get(note_id, note_id)
        builder.document.footnotes[number] = Block(
            BlockKind.FOOTNOTE, raw, Location(footnote=number), refs
        )
    return builder.document


def _paragraph_text(
    paragraph: Any, numbering: dict[int, int]
) -> tuple[str, tuple[FootnoteRef, ...]]:
    parts: list[str] = []
    refs: list[FootnoteRef] = []
    length = 0
    for element in paragraph.iter():
        tag = element.tag
        piece = ""
        if tag == f"{_W}t":
            piece = element.text or ""
        elif tag == f"{_W}tab":
            piece = "\t"
        elif tag in {f"{_W}br", f"{_W}cr"}:
            piece = "\n"
        elif tag == f"{_W}footnoteReference":
            note_id = int(element.get(f"{_W}id", "0"))
            refs.append(FootnoteRef(length, numbering.get(note_id, note_id)))
        if piece:
            parts.append(piece)
            length += len(piece)
    raw = "".join(parts)
    text = unicodedata.normalize("NFC", raw)
    if len(text) != len(raw):
        # Normalising changed offsets; keep the references at the end of their paragraph.
        refs = [FootnoteRef(len(text), ref.number) for ref in refs]
    return text, tuple(refs)


def _cell_text(tc: Any, numbering: dict[int, int]) -> tuple[str, tuple[FootnoteRef, ...]]:
    lines: list[str] = []
    refs: list[FootnoteRef] = []
    length = 0
    for paragraph in tc.iterchildren(f"{_W}p"):
        text, paragraph_refs = _paragraph_text(paragraph, numbering)
        if not text.strip():
            continue
        if lines:
            length += 1
        refs.extend(FootnoteRef(length + ref.offset, ref.number) for ref in paragraph_refs)
        lines.append(text)
        length += len(text)
    return "\n".join(lines), tuple(refs)


def _style_level(paragraph: Any) -> int | None:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    if style is None:
        return None
    name = (style.get(f"{_W}val") or "").lower()
    if name == "title":
        return 0
    match = re.match(r"heading\s*(\d)", name)
    return int(match.group(1)) - 1 if match else None


def _footnote_texts(source: Any) -> dict[int, tuple[str, tuple[FootnoteRef, ...]]]:
    from docx.oxml import parse_xml

    part = None
    for rel in source.part.rels.values():
        if rel.reltype == _FOOTNOTES_RELTYPE and not rel.is_external:
            part = rel.target_part
    if part is None:
        return {}
    root = parse_xml(part.blob)
    notes: dict[int, tuple[str, tuple[FootnoteRef, ...]]] = {}
    for note in root.iterchildren(f"{_W}footnote"):
        note_id = int(note.get(f"{_W}id", "0"))
        if note.get(f"{_W}type") or note_id <= 0:
            continue  # separators, not notes
        text, _refs = _cell_text(note, {})
        notes[note_id] = (" ".join(text.split("\n")).strip(), ())
    return notes


def _footnote_numbering(body: Any, notes: dict[int, Any]) -> dict[int, int]:
    """Word numbers notes in the order they are referenced, whatever their ids."""
    numbering: dict[int, int] = {}
    for element in body.iter(f"{_W}footnoteReference"):
        note_id = int(element.get(f"{_W}id", "0"))
        if note_id not in numbering:
            numbering[note_id] = len(numbering) + 1
    for note_id in notes:
        if note_id not in numbering:
            numbering[note_id] = len(numbering) + 1
    return numbering
