"""Readers that turn a file into rows, one at a time, whatever its format.

Every reader streams: it never holds the whole file (an .xlsx is the exception: a sheet is
read at once by calamine, and uploads of workbooks are capped). A problem with the whole
file raises `FileError`; a problem with one row is carried on the row (`RawRow.problem`)
so that the pipeline reports it with its row number.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from danvan.lib.archives import ArchiveError, zip_check

CSV_COLUMNS = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
)
REQUIRED_CSV_COLUMNS = ("dataelement", "period", "orgunit", "value")
TEMPLATE_MARKER = "danvan:v1"
TEMPLATE_FIRST_DATA_ROW = 5  # rows 1-2 hidden codes, 3 title, 4 headers
FORMATS = ("csv", "json", "xlsx")
_CHUNK = 64 * 1024
_MAX_JSON_VALUE = 1024 * 1024
_MACHINE_DECIMAL = re.compile(r"^-?\d+\.\d+$")


class FileError(Exception):
    """The file as a whole cannot be read: nothing of it is imported."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(slots=True)
class RawRow:
    """One figure as written in the file, before any check."""

    line: int
    element: str
    period: str
    unit: str
    option: str
    value: str
    comment: str | None = None
    sheet: str = ""
    problem: str = ""


def machine_to_vn(text: str) -> str:
    """'1234.5' (DHIS2, CSV, JSON) -> '1234,5', the form `value_parse` reads unambiguously."""
    text = text.strip()
    if _MACHINE_DECIMAL.match(text):
        return text.replace(".", ",")
    return text


def machine_number(value: Decimal) -> str:
    """Decimal('1234.5000') -> '1234.5'; Decimal('12.0000') -> '12'."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def format_detect(head: bytes, name: str = "") -> str:
    """The format of a file from its first bytes (its name only breaks ties)."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(
            "encrypted_or_xls",
            _(
                "This is a password-protected workbook or an old .xls file. Remove the "
                "password, or save it as .xlsx, and upload it again."
            ),
        )
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "json"
    if stripped.startswith(b"["):
        raise FileError(
            "not_data_value_set",
            _("This JSON is not a dataValueSets document: it must be an object {…}."),
        )
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        raise FileError("corrupt_xlsx", _("This .xlsx file is damaged: it cannot be opened."))
    if lowered.endswith(".json"):
        raise FileError("not_data_value_set", _("This file is not a dataValueSets JSON document."))
    return "csv"


class Source:
    """Rows of a file plus how far reading has got (for progress)."""

    format = ""

    def __init__(self, stream: IO[bytes], size: int = 0) -> None:
        self.stream = stream
        self.size = size

    @property
    def fraction(self) -> float:
        if not self.size:
            return 0.0
        try:
            return min(1.0, self.stream.tell() / self.size)
        except (OSError, ValueError):
            return 0.0

    def __iter__(self) -> Iterator[RawRow]:
        raise NotImplementedError


def source_open(stream: IO[bytes], *, name: str = "", size: int = 0, fmt: str = "") -> Source:
    """A reader for `stream` (binary, seekable), its format detected unless given."""
    head = stream.read(_CHUNK)
    stream.seek(0)
    if not head:
        raise FileError("empty", _("The file is empty."))
    fmt = fmt or format_detect(head, name)
    if fmt == "csv":
        return CsvSource(stream, size, head)
    if fmt == "json":
        return JsonSource(stream, size)
    if fmt == "xlsx":
        return XlsxSource(stream, size)
    raise FileError("unknown_format", _("Unknown format: use CSV, JSON or XLSX."))


# --- CSV -----------------------------------------------------------------------------------


def _encoding_detect(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        sample = head[:4096]
        odd, even = sample[1::2], sample[0::2]
        if odd and odd.count(0) > len(odd) * 0.9:
            return "utf-16-le"
        if even and even.count(0) > len(even) * 0.9:
            return "utf-16-be"
        raise FileError("binary", _("This is a binary file, not a CSV text file."))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8-sig"


class CsvSource(Source):
    """DHIS2 CSV: a header row naming the columns (any order, any case)."""

    format = "csv"

    def __init__(self, stream: IO[bytes], size: int, head: bytes) -> None:
        super().__init__(stream, size)
        self.encoding = _encoding_detect(head)

    def __iter__(self) -> Iterator[RawRow]:
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, newline="")
        reader = csv.reader(text)
        try:
            yield from self._rows(reader)
        except UnicodeDecodeError as error:
            raise FileError(
                "encoding",
                _("The file is not valid %(encoding)s text near row %(row)s.")
                % {"encoding": self.encoding, "row": reader.line_num + 1},
            ) from error
        except csv.Error as error:
            raise FileError(
                "csv", _("Row %(row)s cannot be read as CSV.") % {"row": reader.line_num}
            ) from error
        finally:
            text.detach()

    def _rows(self, reader: Any) -> Iterator[RawRow]:
        header = next(reader, None)
        if header is None:
            raise FileError("empty", _("The file is empty."))
        names = [h.strip().lower().replace("_", "").replace(" ", "") for h in header]
        if any(ch < " " and ch not in "\t\r\n" for ch in "".join(header)):
            raise FileError("binary", _("This is a binary file, not a CSV text file."))
        unknown = [h for h in names if h and h not in CSV_COLUMNS]
        missing = [c for c in REQUIRED_CSV_COLUMNS if c not in names]
        if unknown or missing:
            raise FileError(
                "csv_header",
                _(
                    "The first row must name the columns: %(columns)s (DHIS2 CSV). "
                    "Missing: %(missing)s; unknown: %(unknown)s."
                )
                % {
                    "columns": ", ".join(CSV_COLUMNS),
                    "missing": ", ".join(missing) or "—",
                    "unknown": ", ".join(unknown[:5]) or "—",
                },
            )
        index = {name: i for i, name in enumerate(names) if name}
        width = len(header)
        i_element, i_period, i_unit, i_value = (index[c] for c in REQUIRED_CSV_COLUMNS)
        i_option = index.get("categoryoptioncombo")
        i_comment = index.get("comment")
        for fields in reader:
            line = reader.line_num
            if not fields or not any(f.strip() for f in fields):
                continue
            if len(fields) != width:
                yield RawRow(
                    line,
                    "",
                    "",
                    "",
                    "",
                    "",
                    problem=_("This row has %(found)s columns, the header %(expected)s.")
                    % {"found": len(fields), "expected": width},
                )
                continue
            yield RawRow(
                line,
                fields[i_element],
                fields[i_period],
                fields[i_unit],
                fields[i_option] if i_option is not None else "",
                machine_to_vn(fields[i_value]),
                fields[i_comment] if i_comment is not None else None,
            )


# --- JSON (DHIS2 dataValueSets) --------------------------------------------------------------


class JsonSource(Source):
    """{dataSet, period, orgUnit, completeDate, dataValues: [{…}, …]}, read value by value.

    Top-level period / orgUnit apply to values that lack their own; they must come before
    `dataValues` (as DHIS2 writes them) to be used.
    """

    format = "json"
    _whitespace = " \t\r\n"

    def __init__(self, stream: IO[bytes], size: int) -> None:
        super().__init__(stream, size)
        self.header: dict[str, Any] = {}
        self._decoder = json.JSONDecoder(parse_float=Decimal)
        self._bytes = codecs.getincrementaldecoder("utf-8-sig")()
        self._buffer = ""
        self._pos = 0
        self._eof = False

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self.stream.read(_CHUNK)
        try:
            text = self._bytes.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise FileError("encoding", _("The JSON file is not UTF-8 text.")) from error
        if not chunk:
            self._eof = True
        if self._pos > _CHUNK:
            self._buffer = self._buffer[self._pos :]
            self._pos = 0
        self._buffer += text
        return True

    def _peek(self) -> str:
        while True:
            while self._pos < len(self._buffer) and self._buffer[self._pos] in self._whitespace:
                self._pos += 1
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._fill():
                return ""

    def _expect(self, chars: str) -> str:
        found = self._peek()
        if not found or found not in chars:
            raise self._malformed()
        self._pos += 1
        return found

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                if self._eof or len(self._buffer) - self._pos > _MAX_JSON_VALUE:
                    raise self._malformed() from error
                self._fill()
                continue
            # A number at the very end of the buffer may continue in the next chunk.
            if end == len(self._buffer) and not self._eof:
                self._fill()
                continue
            self._pos = end
            return value

    def _malformed(self) -> FileError:
        return FileError(
            "not_data_value_set",
            _("This is not a valid dataValueSets JSON document (near character %(pos)s).")
            % {"pos": self._pos},
        )

    def __iter__(self) -> Iterator[RawRow]:
        if self._peek() != "{":
            raise FileError(
                "not_data_value_set",
                _("This JSON is not a dataValueSets document: it must be an object {…}."),
            )
        self._pos += 1
        seen_values = False
        if self._peek() == "}":
            self._pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    raise self._malformed()
                self._expect(":")
                if key == "dataValues":
                    seen_values = True
                    yield from self._data_values()
                else:
                    self.header[key] = self._value()
                if self._expect(",}") == "}":
                    break
        if self._peek():
            raise self._malformed()
        if not seen_values:
            raise FileError(
                "not_data_value_set",
                _("This JSON has no “dataValues” list: it is not a dataValueSets document."),
            )

    def _data_values(self) -> Iterator[RawRow]:
        self._expect("[")
        if self._peek() == "]":
            self._pos += 1
            return
        number = 0
        while True:
            number += 1
            item = self._value()
            yield self._row(number, item)
            if self._expect(",]") == "]":
                return

    def _row(self, number: int, item: Any) -> RawRow:
        if not isinstance(item, dict):
            return RawRow(number, "", "", "", "", "", problem=_("A data value must be an object."))
        header = self.header

        def text(key: str, default: Any = "") -> str:
            found = item.get(key, default)
            if found is None:
                return ""
            return found if isinstance(found, str) else str(found)

        raw_value = item.get("value", "")
        problem = ""
        if isinstance(raw_value, bool | list | dict):
            problem = _("The value must be a number or a string.")
            value = ""
        elif isinstance(raw_value, Decimal):
            value = machine_number(raw_value) if raw_value.is_finite() else "NaN"
            value = machine_to_vn(value)
        elif raw_value is None:
            value = ""
        else:
            value = machine_to_vn(str(raw_value))
        comment = item.get("comment")
        return RawRow(
            number,
            text("dataElement"),
            text("period", header.get("period", "")),
            text("orgUnit", header.get("orgUnit", "")),
            text("categoryOptionCombo"),
            value,
            comment if isinstance(comment, str) else None,
            problem=problem,
        )


# --- XLSX (danvan templates) -----------------------------------------------------------------


class XlsxSource(Source):
    """Sheets written by `writers.workbook_write`: hidden row 1 says what the sheet holds,
    hidden row 2 (or column A) the element codes."""

    format = "xlsx"

    def __iter__(self) -> Iterator[RawRow]:
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            zip_check(self.stream, max_uncompressed=settings.DANVAN_IMPORT_MAX_INFLATED_BYTES)
        except ArchiveError as error:
            if error.code == "too_large":
                raise FileError(
                    "too_large",
                    _("This .xlsx file inflates to more than %(size)s MB: split it and try again.")
                    % {"size": settings.DANVAN_IMPORT_MAX_INFLATED_BYTES // (1024 * 1024)},
                ) from error
            raise FileError(
                "corrupt_xlsx", _("This .xlsx file is damaged: it cannot be opened.")
            ) from error
        try:
            workbook = CalamineWorkbook.from_filelike(self.stream)
        except (CalamineError, ValueError, OSError) as error:
            raise FileError(
                "corrupt_xlsx", _("This .xlsx file is damaged: it cannot be opened.")
            ) from error
        found = False
        try:
            for name in workbook.sheet_names:
                try:
                    rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                except (CalamineError, ValueError) as error:
                    raise FileError(
                        "corrupt_xlsx",
                        _("Sheet “%(sheet)s” cannot be read.") % {"sheet": name},
                    ) from error
                if not rows or not rows[0] or _cell_text(rows[0][0]) != TEMPLATE_MARKER:
                    continue
                found = True
                yield from self._sheet(name, rows)
        finally:
            workbook.close()
        if not found:
            raise FileError(
                "not_template",
                _(
                    "This workbook is not a danvan template: download a template from "
                    "the import/export page, fill it in and upload it."
                ),
            )

    def _sheet(self, name: str, rows: list[list[Any]]) -> Iterator[RawRow]:
        meta = [_cell_text(c) for c in rows[0]] + [""] * 6
        layout, period, option, unit_code = meta[1], meta[3], meta[4], meta[5]
        codes = [_cell_text(c) for c in rows[1]] if len(rows) > 1 else []
        start = TEMPLATE_FIRST_DATA_ROW - 1
        if layout == "units":
            for index in range(start, len(rows)):
                row = rows[index]
                unit = _cell_text(row[0]) if row else ""
                if not unit:
                    continue
                for column in range(2, min(len(row), len(codes))):
                    value = _cell_value(row[column])
                    if codes[column] and value:
                        yield RawRow(
                            index + 1, codes[column], period, unit, option, value, sheet=name
                        )
        elif layout == "form":
            for index in range(start, len(rows)):
                row = rows[index]
                if len(row) < 4 or not _cell_text(row[0]):
                    continue
                value = _cell_value(row[3])
                if value:
                    yield RawRow(
                        index + 1, _cell_text(row[0]), period, unit_code, option, value, sheet=name
                    )
        else:
            raise FileError(
                "not_template",
                _("Sheet “%(sheet)s” has an unknown layout.") % {"sheet": name},
            )


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _cell_value(cell: Any) -> str:
    """A number cell in the form `value_parse` reads; a text cell as typed (1.234 = 1234)."""
    if cell is None or cell == "":
        return ""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            return "NaN"
        return machine_to_vn(machine_number(Decimal(repr(cell))))
    return str(cell).strip()
