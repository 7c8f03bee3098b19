"""Readers that turn a file into rows, one at a time, whatever its format.

Every reader streams: it never holds the whole file in Python (an .xlsx sheet's cells are
held by calamine in compact native memory and reach Python one row at a time; uploads of
workbooks are capped). A problem with the whole
file raises `FileError`; a problem with one row is carried on the row (`RawRow.problem`)
so that the pipeline reports it with its row number.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from danvan.datasets.exchange.text import legacy_encoding_detect
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
    "deleted",
)
# DHIS2 reads its CSV by position, in this order; older versions wrote `timestamp` for
# `lastupdated` and abbreviated the combos.
CSV_ALIASES = {
    "timestamp": "lastupdated",
    "catoptcombo": "categoryoptioncombo",
    "attroptcombo": "attributeoptioncombo",
    "created": "created",
}
# Columns danvan reads nothing from: who stored a value and when is danvan's own record of
# this import (documented in docs/data-formats.md).
CSV_INFORMATIONAL = ("storedby", "lastupdated", "created")
REQUIRED_CSV_COLUMNS = ("dataelement", "period", "orgunit", "value")
TEMPLATE_MARKER = "danvan:v1"
TEMPLATE_FIRST_DATA_ROW = 5  # rows 1-2 hidden codes, 3 title, 4 headers
FORMATS = ("csv", "json", "xlsx", "xml", "adx")
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
    attribute: str = ""  # DHIS2 attributeOptionCombo
    deleted: bool = False
    problem_code: str = ""  # the rejection code of `problem` ("malformed" if empty)


@dataclass(slots=True)
class SkippedRow:
    """A row of a file that holds no figure to read (a total, a heading, a blank spacer):
    listed in the preview with its reason, never dropped without a word."""

    line: int
    sheet: str
    reason: str
    label: str = ""


NOT_SET = (False, "")  # `flag_parse` of an absent field


def flag_parse(name: str, raw: Any) -> tuple[bool, str]:
    """(value, problem) of a true/false field as DHIS2 writes it."""
    if isinstance(raw, bool):
        return raw, ""
    text = "" if raw is None else str(raw).strip().lower()
    if text in ("", "false", "0"):
        return False, ""
    if text in ("true", "1"):
        return True, ""
    return False, _("“%(name)s” must be true or false, not “%(value)s”.") % {
        "name": name,
        "value": text[:20],
    }


def followup_problem(raw: Any) -> str:
    followup, problem = flag_parse("followup", raw)
    if problem:
        return problem
    if followup:
        return _("“followup” = true is not supported: danvan does not mark values for follow-up.")
    return ""


def machine_to_vn(text: str) -> str:
    """'1234.5' (DHIS2, CSV, JSON) -> '1234,5', the form `value_parse` reads unambiguously."""
    text = text.strip()
    if text.isdigit():  # a whole number reads the same in both
        return text
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
    if stripped.startswith(b"<"):
        from danvan.datasets.exchange.xml import xml_kind

        kind = xml_kind(head)
        if not kind:
            raise FileError(
                "not_data_value_set",
                _("This XML is neither a DHIS2 dataValueSet nor an ADX document."),
            )
        return kind
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
    """Rows of a file plus how far reading has got (for progress).

    `options` holds the import options the document itself names (DHIS2 names, e.g.
    `idScheme`), `header` what it says of all its values (`dataSet`, `completeDate`): both
    are complete once the first row has been yielded.
    """

    format = ""

    def __init__(self, stream: IO[bytes], size: int = 0) -> None:
        self.stream = stream
        self.size = size
        self.options: dict[str, Any] = {}
        self.header: dict[str, Any] = {}
        self.described = ""

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
    if fmt in ("xml", "adx"):
        from danvan.datasets.exchange.xml import AdxSource, XmlSource

        return XmlSource(stream, size) if fmt == "xml" else AdxSource(stream, size)
    raise FileError("unknown_format", _("Unknown format: use CSV, JSON, XML, ADX or XLSX."))


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
        legacy = legacy_encoding_detect(head)
        if legacy is None:
            raise FileError(
                "encoding",
                _(
                    "This file is not UTF-8 text, and nothing in it shows which legacy "
                    "encoding it uses (Windows-1258, TCVN3, VNI): save it as “CSV UTF-8” "
                    "and upload it again."
                ),
            ) from None
        return legacy
    return "utf-8-sig"


def _delimiter_detect(head: bytes, encoding: str) -> str:
    """',' as DHIS2 writes; ';' as Excel writes CSV where the decimal separator is a
    comma (Vietnamese settings)."""
    try:
        text = head.decode(encoding, errors="replace")
    except LookupError:
        return ","
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if first.count(";") > first.count(",") and first.count(";") >= 3:
        return ";"
    return ","


def _header_name(text: str) -> str:
    name = text.strip().lower().replace("_", "").replace(" ", "")
    return CSV_ALIASES.get(name, name)


class CsvSource(Source):
    """DHIS2 CSV: by column names when the first row names them (any order, any case,
    old names too), else by position in DHIS2's column order, as DHIS2 itself reads it."""

    format = "csv"

    def __init__(self, stream: IO[bytes], size: int, head: bytes) -> None:
        super().__init__(stream, size)
        self.encoding = _encoding_detect(head)
        self.delimiter = _delimiter_detect(head, self.encoding)
        self.first_row_is_header: bool | None = None

    def __iter__(self) -> Iterator[RawRow]:
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, newline="")
        reader = csv.reader(text, delimiter=self.delimiter)
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

    def _layout(self, header: list[str]) -> tuple[dict[str, int], bool]:
        """(column of each field, whether the first row is a header)."""
        if any(ch < " " and ch not in "\t\r\n" for ch in "".join(header)):
            raise FileError("binary", _("This is a binary file, not a CSV text file."))
        names = [_header_name(h) for h in header]
        known = set(CSV_COLUMNS) | set(CSV_INFORMATIONAL)
        by_name = all(c in names for c in REQUIRED_CSV_COLUMNS)
        unknown = [h for h in names if h and h not in known]
        if by_name and not unknown and self.first_row_is_header is not False:
            self.described = _("CSV, columns read by their names")
            return {name: i for i, name in enumerate(names) if name}, True
        if by_name and unknown:
            raise FileError(
                "csv_header",
                _(
                    "The first row names the columns, but these are unknown: %(unknown)s. "
                    "Known columns: %(columns)s (DHIS2 CSV)."
                )
                % {"unknown": ", ".join(unknown[:5]), "columns": ", ".join(CSV_COLUMNS)},
            )
        if len(header) in (10, 11) or (self.first_row_is_header is not None and len(header) >= 6):
            # DHIS2's own reader goes by position; its header may even be misspelt.
            looks_like_data = header[1].strip().isdigit() or bool(
                re.match(r"^\d{4}", header[1].strip())
            )
            is_header = (
                self.first_row_is_header
                if self.first_row_is_header is not None
                else not looks_like_data
            )
            self.described = (
                _("CSV, columns read by position in DHIS2's order (first row: header)")
                if is_header
                else _("CSV, columns read by position in DHIS2's order (no header row)")
            )
            return {name: i for i, name in enumerate(CSV_COLUMNS[: len(header)])}, is_header
        hint = ""
        if self.delimiter == "," and header and ";" in header[0]:
            hint = " " + _("The columns seem to be separated by “;”: save the file again as CSV.")
        raise FileError(
            "csv_header",
            _(
                "The first row must name the columns (%(columns)s), or the file must have "
                "DHIS2's 10 or 11 columns in DHIS2's order. Missing: %(missing)s."
            )
            % {
                "columns": ", ".join(REQUIRED_CSV_COLUMNS),
                "missing": ", ".join(c for c in REQUIRED_CSV_COLUMNS if c not in names) or "—",
            }
            + hint,
        )

    def _rows(self, reader: Any) -> Iterator[RawRow]:
        header = next(reader, None)
        if header is None:
            raise FileError("empty", _("The file is empty."))
        index, is_header = self._layout(header)
        width = len(header)
        i_element, i_period, i_unit, i_value = (index[c] for c in REQUIRED_CSV_COLUMNS)
        # The optional columns' positions, or None: looked up once, not per row.
        i_deleted, i_followup, i_option, i_comment, i_attribute = (
            index.get(name)
            for name in (
                "deleted", "followup", "categoryoptioncombo", "comment", "attributeoptioncombo"
            )
        )  # fmt: skip

        rows = reader if is_header else itertools.chain([header], reader)
        for fields in rows:
            line = reader.line_num
            if not fields or not "".join(fields).strip():
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
            deleted, problem = (
                flag_parse("deleted", fields[i_deleted]) if i_deleted is not None else NOT_SET
            )
            if not problem and i_followup is not None:
                problem = followup_problem(fields[i_followup])
            yield RawRow(
                line,
                fields[i_element],
                fields[i_period],
                fields[i_unit],
                fields[i_option] if i_option is not None else "",
                machine_to_vn(fields[i_value]),
                fields[i_comment] if i_comment is not None else None,
                problem=problem,
                attribute=fields[i_attribute] if i_attribute is not None else "",
                deleted=deleted,
            )


# --- JSON (DHIS2 dataValueSets) --------------------------------------------------------------

# What a dataValueSets document may say of all its values, and the import options DHIS2
# lets it carry; anything else is refused by name.
HEADER_FIELDS = frozenset({"dataSet", "completeDate", "period", "orgUnit", "attributeOptionCombo"})
DOCUMENT_OPTIONS = frozenset(
    {
        "idScheme",
        "dataElementIdScheme",
        "orgUnitIdScheme",
        "categoryOptionComboIdScheme",
        "dataSetIdScheme",
        "strategy",
        "importStrategy",
    }
)
VALUE_FIELDS = frozenset(
    {
        "dataElement",
        "period",
        "orgUnit",
        "categoryOptionCombo",
        "attributeOptionCombo",
        "value",
        "comment",
        "storedBy",
        "created",
        "lastUpdated",
        "timestamp",
        "followup",
        "deleted",
    }
)


def document_key(source: Source, key: str, value: Any, *, after_values: bool = False) -> None:
    """Record one header field or option of a document, or refuse it by name."""
    if key in DOCUMENT_OPTIONS:
        if after_values:
            raise FileError(
                "option_after_values",
                _("“%(name)s” must come before the data values, not after them.") % {"name": key},
            )
        source.options[key] = value
        return
    if key == "dryRun":
        raise FileError(
            "unknown_option",
            _("“dryRun” inside the document is not read: give it as a request option."),
        )
    if key not in HEADER_FIELDS:
        raise FileError(
            "unknown_field",
            _("Unknown field “%(name)s” in the document: nothing was imported.")
            % {"name": key[:60]},
        )
    if after_values and key in ("period", "orgUnit", "attributeOptionCombo"):
        raise FileError(
            "option_after_values",
            _("“%(name)s” must come before the data values, not after them.") % {"name": key},
        )
    if value is not None and not isinstance(value, str):
        raise FileError(
            "not_data_value_set",
            _("“%(name)s” must be text.") % {"name": key},
        )
    source.header[key] = value or ""


class JsonSource(Source):
    """{dataSet, period, orgUnit, completeDate, dataValues: [{…}, …]}, read value by value.

    Top-level period / orgUnit apply to values that lack their own; they must come before
    `dataValues` (as DHIS2 writes them) to be used.
    """

    format = "json"
    _whitespace = " \t\r\n"

    def __init__(self, stream: IO[bytes], size: int) -> None:
        super().__init__(stream, size)
        self.described = _("DHIS2 dataValueSets JSON")
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
                    document_key(self, key, self._value(), after_values=seen_values)
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
        unknown = [k for k in item if k not in VALUE_FIELDS]

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
        deleted, deleted_problem = flag_parse("deleted", item.get("deleted"))
        if unknown:
            problem = _("Unknown field “%(name)s” in a data value.") % {"name": unknown[0][:40]}
        problem = problem or deleted_problem or followup_problem(item.get("followup"))
        return RawRow(
            number,
            text("dataElement"),
            text("period", header.get("period", "")),
            text("orgUnit", header.get("orgUnit", "")),
            text("categoryOptionCombo"),
            value,
            comment if isinstance(comment, str) else None,
            problem=problem,
            attribute=text("attributeOptionCombo", header.get("attributeOptionCombo", "")),
            deleted=deleted,
        )


# --- XLSX (danvan templates) -----------------------------------------------------------------


def xlsx_open(stream: IO[bytes]) -> Any:
    """The workbook (python-calamine) of an .xlsx upload, once its archive passed the
    inflation limits; `FileError` ("too_large", "corrupt_xlsx") otherwise."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        zip_check(stream, max_uncompressed=settings.DANVAN_IMPORT_MAX_INFLATED_BYTES)
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
        return CalamineWorkbook.from_filelike(stream)
    except (CalamineError, ValueError, OSError) as error:
        raise FileError(
            "corrupt_xlsx", _("This .xlsx file is damaged: it cannot be opened.")
        ) from error


class XlsxSource(Source):
    """Sheets written by `writers.workbook_write`: hidden row 1 says what the sheet holds,
    hidden row 2 (or column A) the element codes."""

    format = "xlsx"

    def __iter__(self) -> Iterator[RawRow]:
        from python_calamine import CalamineError

        workbook = xlsx_open(self.stream)
        found = False
        self.stream.seek(0)
        bad_cells = formula_problems(self.stream)
        try:
            for name in workbook.sheet_names:
                try:
                    sheet = workbook.get_sheet_by_name(name)
                    # Row by row: a sheet is never a Python list of every cell.
                    rest = _sheet_rows(sheet)
                    rows = list(itertools.islice(rest, TEMPLATE_FIRST_DATA_ROW - 1))
                except (CalamineError, ValueError) as error:
                    raise FileError(
                        "corrupt_xlsx",
                        _("Sheet “%(sheet)s” cannot be read.") % {"sheet": name},
                    ) from error
                if not rows or not rows[0] or _cell_text(rows[0][0]) != TEMPLATE_MARKER:
                    continue
                found = True
                self.cell_problems = dict(bad_cells.get(name, {}))
                for (first_row, first_col), (last_row, last_col) in sheet.merged_cell_ranges or []:
                    span = f"{_cell_name(first_row, first_col)}:{_cell_name(last_row, last_col)}"
                    for row_index in range(first_row, last_row + 1):
                        for col_index in range(first_col, last_col + 1):
                            self.cell_problems[(row_index, col_index)] = _(
                                "Cells %(span)s are merged: each figure needs its own cell."
                            ) % {"span": span}
                _title_check(name, rows)
                yield from self._sheet(name, rows, rest)
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

    cell_problems: dict[tuple[int, int], str]

    def _problem(self, row: int, column: int) -> str:
        return self.cell_problems.get((row, column), "")

    def _sheet(
        self, name: str, rows: list[list[Any]], rest: Iterator[list[Any]]
    ) -> Iterator[RawRow]:
        """`rows`: the sheet's rows above the data; `rest`: the data rows, read lazily."""
        meta = [_cell_text(c) for c in rows[0]] + [""] * 6
        layout, period, option, unit_code = meta[1], meta[3], meta[4], meta[5]
        codes = [_cell_text(c) for c in rows[1]] if len(rows) > 1 else []
        start = TEMPLATE_FIRST_DATA_ROW - 1
        if layout == "units":
            for index, row in enumerate(rest, start=start):
                unit = _cell_text(row[0]) if row else ""
                if not unit:
                    continue
                for column in range(2, min(len(row), len(codes))):
                    value = _cell_value(row[column])
                    problem = self._problem(index, column)
                    if codes[column] and (value or problem):
                        yield RawRow(
                            index + 1,
                            codes[column],
                            period,
                            unit,
                            option,
                            value,
                            sheet=name,
                            problem=_cell_problem(index, column, problem),
                        )
        elif layout == "form":
            for index, row in enumerate(rest, start=start):
                if len(row) < 4 or not _cell_text(row[0]):
                    continue
                value = _cell_value(row[3])
                problem = self._problem(index, 3)
                if value or problem:
                    yield RawRow(
                        index + 1,
                        _cell_text(row[0]),
                        period,
                        unit_code,
                        option,
                        value,
                        sheet=name,
                        problem=_cell_problem(index, 3, problem),
                    )
        else:
            raise FileError(
                "not_template",
                _("Sheet “%(sheet)s” has an unknown layout.") % {"sheet": name},
            )


def _sheet_rows(sheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows from A1 on, one at a time. calamine's `iter_rows` starts at row 1
    but at the first column holding anything: pad it so that indexes name the cells."""
    pad = [""] * (sheet.start[1] if sheet.start else 0)
    for row in sheet.iter_rows():
        yield pad + row if pad else row


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


def _cell_name(row: int, column: int) -> str:
    """(4, 3) -> 'D5'."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _cell_index(name: str) -> tuple[int, int]:
    """'D5' -> (4, 3)."""
    match = re.match(r"^([A-Z]+)(\d+)$", name)
    if match is None:
        return (-1, -1)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


def _cell_problem(row: int, column: int, problem: str) -> str:
    if not problem:
        return ""
    return _("Cell %(cell)s: %(problem)s") % {"cell": _cell_name(row, column), "problem": problem}


def formula_problems(stream: IO[bytes]) -> dict[str, dict[tuple[int, int], str]]:
    """Cells, by sheet name, holding an error value (#DIV/0!, #REF!…) or a formula with no
    computed value (a file written by a program that never ran Excel on it).

    calamine reads both as empty cells, which would drop a figure without a word; the
    sheet XML says what they are.
    """
    import zipfile

    from lxml import etree  # type: ignore[import-untyped]

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relations = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        archive = zipfile.ZipFile(stream)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        workbook = etree.fromstring(archive.read("xl/workbook.xml"), parser)
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return found
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for sheet in workbook.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{relations}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        try:
            member = archive.open(path)
        except KeyError:
            continue
        cells: dict[tuple[int, int], str] = {}
        with member:
            for _event, cell in etree.iterparse(
                member, tag=f"{main}c", resolve_entities=False, no_network=True, load_dtd=False
            ):
                formula = cell.find(f"{main}f")
                value = cell.find(f"{main}v")
                text = value.text if value is not None else None
                if cell.get("t") == "e":
                    cells[_cell_index(cell.get("r", ""))] = _(
                        "the cell holds the error %(error)s."
                    ) % {"error": (text or "#VALUE!")[:20]}
                elif formula is not None and not text:
                    cells[_cell_index(cell.get("r", ""))] = _(
                        "the formula has no computed value: open the file in Excel, let it "
                        "calculate, save it and upload it again."
                    )
                cell.clear()
        if cells:
            found[str(sheet.get("name"))] = cells
    return found


# How a template's title names its period (`PeriodSpec.label_vi`).
_TITLE_PERIOD = re.compile(
    r"(?:6 tháng (?:đầu|cuối) năm|năm|quý \d/|tháng \d{1,2}/)\s*(\d{4})", re.IGNORECASE
)


def _title_check(name: str, rows: list[list[Any]]) -> None:
    """A template whose visible title was changed to another period (last year's file,
    retitled) is refused: its hidden row still says which period the figures go to."""
    from danvan.lib.periods import InvalidPeriodError, period_parse

    meta = [_cell_text(c) for c in rows[0]] + [""] * 6
    title = _cell_text(rows[2][0]) if len(rows) > 2 and rows[2] else ""
    try:
        expected = period_parse(meta[3]).label_vi().lower()
    except InvalidPeriodError:
        return
    named = [m.group(0).lower() for m in _TITLE_PERIOD.finditer(title)]
    if named and expected not in named:
        raise FileError(
            "title_period",
            _(
                "Sheet “%(sheet)s” is titled for “%(title)s”, but its figures are for "
                "“%(period)s” (the template's hidden row). Download a template for the period "
                "you mean instead of retitling an old one."
            )
            % {"sheet": name, "title": named[0], "period": expected},
        )
