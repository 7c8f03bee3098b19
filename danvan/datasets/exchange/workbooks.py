"""Offices' own workbooks, read through a mapping the clerk made once (`WorkbookMapping`).

An office's sheet has title rows, one or more header rows (often merged), then one row
per unit, with total rows ("Tổng cộng", "Cộng"), section headings and blank spacer rows
among them. The mapping says which sheet, which row holds the headers, where the data
starts, which column names the unit and which columns are which figures. Reading a file
through it:

- the headers of the mapped columns must still say what they said in the sample, else
  the file has another layout and is refused (`layout_changed`), naming the column;
- a title naming another period than the one imported is refused (`title_period`);
- every row that is not read is listed with its reason (`SkippedRow`), never dropped;
- a row with figures whose unit cannot be matched is a row error;
- figures are read as typed: numbers, Vietnamese text numbers ('1.234', '12,5'); merged
  figure cells, formulas without a value and error values are row errors.
The rows then go through the same pipeline as every other format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import IO, Any

from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange.parsers import (
    FileError,
    RawRow,
    SkippedRow,
    Source,
    _cell_name,
    _cell_value,
    formula_problems,
    xlsx_open,
)
from danvan.datasets.exchange.text import LegacyTextError, clean_text
from danvan.geography.models import AdministrativeUnit

DEFAULT_SKIP_LABELS = ("Tổng cộng", "Cộng", "Tổng", "Tổng số", "Toàn tỉnh", "Toàn huyện")
# Cells that mean "nothing to report" in Vietnamese tables: read as blank, counted as such.
_DASHES = frozenset({"-", "–", "—", "x", "X", "…", "..."})
_SPACES = re.compile(r"\s+")
_EDGE = " \t.:;,*-–—()[]"
_ORDINAL = re.compile(r"^\d{1,3}[.)]\s+")
# Abbreviations of unit kinds as offices type them ('TT. Nàng Mau', 'P.1', 'TP Vị Thanh').
_ABBREVIATIONS = (
    (re.compile(r"^tp\.?\s*"), "thành phố "),
    (re.compile(r"^tx\.?\s*"), "thị xã "),
    (re.compile(r"^tt\.?\s*"), "thị trấn "),
    (re.compile(r"^kv\.?\s*"), "khu vực "),
    (re.compile(r"^p\.\s*"), "phường "),
    (re.compile(r"^x\.\s*"), "xã "),
    (re.compile(r"^h\.\s*"), "huyện "),
    (re.compile(r"^q\.\s*"), "quận "),
)
_KIND_WORDS = (
    "thành phố",
    "thị xã",
    "thị trấn",
    "khu vực",
    "tổ dân phố",
    "phường",
    "xã",
    "huyện",
    "quận",
    "tỉnh",
    "ấp",
    "khóm",
    "thôn",
    "bản",
)
_COLUMN = re.compile(r"^[A-Z]{1,3}$")


def column_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    index = 0
    for letter in letters.strip().upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letters(index: int) -> str:
    return _cell_name(0, index)[:-1]


def is_column(text: str) -> bool:
    return bool(_COLUMN.match(text.strip().upper()))


def normalized(text: str) -> str:
    """For comparing labels and headers: NFC, case-folded, spaces collapsed, edges trimmed."""
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", text).strip(_EDGE)


@dataclass(frozen=True)
class MappedColumn:
    column: str
    header: str
    element: str
    option: str = ""  # organization type code; empty for a unit's own figure


@dataclass(frozen=True)
class WorkbookLayout:
    sheet: str
    header_row: int  # 1-based, as Excel numbers rows
    first_data_row: int
    unit_column: str
    columns: tuple[MappedColumn, ...]
    skip_labels: tuple[str, ...] = DEFAULT_SKIP_LABELS
    unit_header: str = ""
    name: str = ""
    unit_levels: tuple[int, ...] = ()  # empty: every level

    @classmethod
    def of(cls, mapping: Any) -> WorkbookLayout:
        return cls(
            sheet=mapping.sheet,
            header_row=mapping.header_row,
            first_data_row=mapping.first_data_row,
            unit_column=mapping.unit_column,
            columns=tuple(MappedColumn(**c) for c in mapping.columns),
            skip_labels=tuple(mapping.skip_labels),
            unit_header=mapping.unit_header,
            name=mapping.name,
            unit_levels=tuple(mapping.unit_levels or ()),
        )


# --- a sheet with its merged cells ----------------------------------------------------------


class Grid:
    """A sheet's cells (0-based) with its merged ranges."""

    def __init__(self, name: str, rows: list[list[Any]], merged: list[Any]) -> None:
        self.name = name
        self.rows = rows
        self.anchor: dict[tuple[int, int], tuple[int, int]] = {}
        self.span: dict[tuple[int, int], str] = {}
        self.members: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for (first_row, first_col), (last_row, last_col) in merged or []:
            label = f"{_cell_name(first_row, first_col)}:{_cell_name(last_row, last_col)}"
            for r in range(first_row, last_row + 1):
                for c in range(first_col, last_col + 1):
                    self.anchor[(r, c)] = (first_row, first_col)
                    self.span[(r, c)] = label
                    self.members.setdefault((first_row, first_col), []).append((r, c))

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def raw(self, row: int, column: int) -> Any:
        if row >= len(self.rows) or column >= len(self.rows[row]):
            return None
        return self.rows[row][column]

    def shown(self, row: int, column: int) -> Any:
        """What Excel shows in the cell: a merged cell shows its range's top-left value."""
        return self.raw(*self.anchor.get((row, column), (row, column)))

    def text(self, row: int, column: int) -> str:
        cell = self.shown(row, column)
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        return str(cell).strip()

    def blank(self, row: int) -> bool:
        return all(c is None or str(c).strip() == "" for c in self.rows[row])

    def header(self, column: int, header_row: int, first_data_row: int) -> str:
        """The header of a column: the texts of the header rows, top to bottom ("Hội viên /
        Nữ" under a merged "Hội viên")."""
        parts: list[str] = []
        for row in range(header_row - 1, first_data_row - 1):
            text = _clean_or_raw(self.text(row, column))
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        return " / ".join(parts)


def _clean_or_raw(text: str) -> str:
    try:
        return clean_text(text)[0]
    except LegacyTextError:
        return text


def workbook_grids(stream: IO[bytes]) -> list[Grid]:
    """Every sheet of an .xlsx, or `FileError`."""
    from python_calamine import CalamineError

    workbook = xlsx_open(stream)
    grids = []
    try:
        for name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
            except (CalamineError, ValueError) as error:
                raise FileError(
                    "corrupt_xlsx", _("Sheet “%(sheet)s” cannot be read.") % {"sheet": name}
                ) from error
            grids.append(Grid(name, rows, sheet.merged_cell_ranges or []))
    finally:
        workbook.close()
    return grids


# --- periods named in titles ----------------------------------------------------------------

_DATES = re.compile(
    r"ngày\s+\d{1,2}\s*(?:tháng\s+\d{1,2}\s*năm\s+\d{4}|/\s*\d{1,2}\s*/\s*\d{4})"
    r"|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}",
    re.IGNORECASE,
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_TITLE_PERIODS = re.compile(
    r"(?P<half>6\s+tháng\s+(?P<which>đầu|cuối)\s+năm\s+(?P<hy>\d{4}))"
    r"|(?P<quarter>quý\s+(?P<q>iv|i{1,3}|[1-4])\s*(?:/|năm|-)\s*(?P<qy>\d{4}))"
    r"|(?P<month>tháng\s+(?P<m>\d{1,2})\s*(?:/|năm|-)\s*(?P<my>\d{4}))"
    r"|(?P<year>năm\s+(?P<y>\d{4}))",
    re.IGNORECASE,
)


def periods_named(text: str) -> list[str]:
    """The period ids a title names ('BÁO CÁO ... NĂM 2023' -> ['2023'], 'Quý I/2024' ->
    ['2024Q1']); dates ('ngày 05 tháng 01 năm 2024') are not periods."""
    text = _DATES.sub(" ", unicodedata.normalize("NFC", text))
    found = []
    for match in _TITLE_PERIODS.finditer(text):
        if match.group("half"):
            found.append(f"{match['hy']}S{1 if match['which'].lower() == 'đầu' else 2}")
        elif match.group("quarter"):
            q = match["q"].lower()
            found.append(f"{match['qy']}Q{_ROMAN.get(q, q)}")
        elif match.group("month"):
            if 1 <= int(match["m"]) <= 12:
                found.append(f"{match['my']}{int(match['m']):02d}")
        else:
            found.append(match["y"])
    return found


# --- units named in a column ----------------------------------------------------------------


def _unit_words(text: str) -> tuple[str, str]:
    """(kind word or '', the rest) of a unit's name as typed: 'TT. Nàng Mau' ->
    ('thị trấn', 'nàng mau'); '1. Xã Một A' -> ('xã', 'một a')."""
    text = _ORDINAL.sub("", normalized(text))
    for pattern, replacement in _ABBREVIATIONS:
        if pattern.match(text):
            text = pattern.sub(replacement, text, count=1)
            break
    for word in _KIND_WORDS:
        if text.startswith(word + " "):
            return word, text[len(word) + 1 :].strip()
    return "", text


class UnitMatcher:
    """Units named by code or by name among those the user may see, in the user's
    hierarchy version: never a guess — an ambiguous name is an error unless the rows
    around it say which one (the unit of the row before, or a unit beside it)."""

    def __init__(self, actor: User) -> None:
        from danvan.datasets.exchange.pipeline import version_for

        version = version_for(actor)
        units = (
            access.units_visible_to(actor)
            .filter(version=version)
            .only("pk", "code", "name", "level", "parent_id", "path")
        )
        self.by_code: dict[str, AdministrativeUnit] = {}
        self.by_name: dict[str, list[tuple[str, AdministrativeUnit]]] = {}
        self.names: dict[int, str] = {}
        for unit in units:
            self.by_code[unit.code] = unit
            self.names[unit.pk] = unit.name
            kind, rest = _unit_words(unit.name)
            self.by_name.setdefault(rest, []).append((kind, unit))
        self.previous: AdministrativeUnit | None = None

    def match(self, label: str) -> AdministrativeUnit | str | None:
        """The unit, why it is ambiguous, or None."""
        text = label.strip()
        if text.isdigit() and text not in self.by_code:
            # Excel drops the leading zeros of a code typed as a number (01101 -> 1101).
            padded = {text.zfill(n) for n in (2, 3, 5)} & set(self.by_code)
            if len(padded) == 1:
                text = padded.pop()
        if text in self.by_code:
            self.previous = self.by_code[text]
            return self.previous
        kind, rest = _unit_words(text)
        if not rest or (not kind and rest.isdigit()):
            return None
        candidates = [
            unit
            for unit_kind, unit in self.by_name.get(rest, [])
            if not kind or unit_kind in (kind, "")
        ]
        if len(candidates) > 1 and self.previous is not None:
            near = [
                u for u in candidates if u.parent_id in (self.previous.pk, self.previous.parent_id)
            ]
            if len(near) == 1:
                candidates = near
        if not candidates:
            return None
        if len(candidates) > 1:
            named = ", ".join(
                f"{u.name} ({self.names.get(u.parent_id or 0, '—')}, {u.code})"
                for u in candidates[:5]
            )
            return _("“%(label)s” names %(count)s units: %(units)s. Write the unit's code.") % {
                "label": label[:60],
                "count": len(candidates),
                "units": named,
            }
        self.previous = candidates[0]
        return self.previous


# --- the source -----------------------------------------------------------------------------


class MappedWorkbookSource(Source):
    """Rows of an office's workbook read through a `WorkbookLayout`, for one period."""

    format = "xlsx"

    def __init__(
        self,
        stream: IO[bytes],
        size: int,
        *,
        layout: WorkbookLayout,
        actor: User,
        period: str = "",
    ) -> None:
        super().__init__(stream, size)
        self.layout = layout
        self.actor = actor
        self.period = period.strip()
        self.skipped_rows: list[SkippedRow] = []

    def _grid(self) -> Grid:
        grids = workbook_grids(self.stream)
        by_name = {g.name: g for g in grids}
        if self.layout.sheet in by_name:
            return by_name[self.layout.sheet]
        if len(grids) == 1:
            # One sheet, renamed: the header check below still decides whether it fits.
            return grids[0]
        raise FileError(
            "sheet_missing",
            _(
                "The workbook has no sheet “%(sheet)s” (mapping “%(mapping)s”); its "
                "sheets: %(sheets)s."
            )
            % {
                "sheet": self.layout.sheet,
                "mapping": self.layout.name,
                "sheets": ", ".join(g.name for g in grids)[:300],
            },
        )

    def _header_mismatch(self, grid: Grid, shift: int) -> tuple[str, str, str] | None:
        """(column, found, expected) of the first mapped header that differs when the
        headers are looked for `shift` rows below where the sample had them."""
        layout = self.layout
        expected = [(layout.unit_column, layout.unit_header)] + [
            (c.column, c.header) for c in layout.columns
        ]
        for column, header in expected:
            found = grid.header(
                column_index(column), layout.header_row + shift, layout.first_data_row + shift
            )
            if normalized(found) != normalized(header):
                return column, found, header
        return None

    def _headers_check(self, grid: Grid) -> int:
        """How many rows lower (or higher) than in the sample this file has its headers:
        0, or the one shift at which every mapped header is found (a title row added or
        removed); else the file has another layout and is refused."""
        layout = self.layout
        mismatch = self._header_mismatch(grid, 0)
        if mismatch is None:
            return 0
        named = any(normalized(c.header) for c in layout.columns)
        shifts = [
            shift
            for shift in range(-min(layout.header_row - 1, 10), 21)
            if shift and named and self._header_mismatch(grid, shift) is None
        ]
        if len(shifts) == 1:
            return shifts[0]
        column, found, header = mismatch
        raise FileError(
            "layout_changed",
            _(
                "Column %(column)s is headed “%(found)s” in this file but “%(header)s” "
                "in the mapping “%(mapping)s” (rows %(first)s–%(last)s): this file has "
                "another layout. Make a mapping for it, or use the right file."
            )
            % {
                "column": column,
                "found": found[:120] or "—",
                "header": header[:120] or "—",
                "mapping": layout.name,
                "first": layout.header_row,
                "last": layout.first_data_row - 1,
            },
        )

    def _period_decide(self, grid: Grid) -> str:
        named: list[str] = []
        for row in range(min(self.layout.header_row - 1, len(grid.rows))):
            for column in range(len(grid.rows[row])):
                if grid.anchor.get((row, column), (row, column)) == (row, column):
                    named.extend(periods_named(_clean_or_raw(grid.text(row, column))))
        distinct = sorted(set(named))
        if self.period:
            if distinct and self.period not in distinct:
                raise FileError(
                    "title_period",
                    _(
                        "The title of sheet “%(sheet)s” names %(title)s, but the figures are "
                        "imported for %(period)s. Check the period, or the file (last year's "
                        "workbook?)."
                    )
                    % {
                        "sheet": grid.name,
                        "title": ", ".join(distinct),
                        "period": self.period,
                    },
                )
            return self.period
        if len(distinct) == 1:
            return distinct[0]
        raise FileError(
            "no_period",
            _(
                "Say which period the figures are for: the title of sheet “%(sheet)s” names "
                "%(title)s."
            )
            % {"sheet": grid.name, "title": ", ".join(distinct) or _("no period")},
        )

    def _skip(self, grid: Grid, row: int, reason: str, label: str = "") -> None:
        self.skipped_rows.append(SkippedRow(row + 1, grid.name, reason, label[:120]))

    def __iter__(self) -> Iterator[RawRow]:
        grid = self._grid()
        self.stream.seek(0)
        bad_cells = formula_problems(self.stream).get(grid.name, {})
        shift = self._headers_check(grid)
        if shift:
            self.layout = replace(
                self.layout,
                header_row=self.layout.header_row + shift,
                first_data_row=self.layout.first_data_row + shift,
            )
        layout = self.layout
        period = self._period_decide(grid)
        self.header = {"period": period}
        unit_col = column_index(layout.unit_column)
        mapped = [(column_index(c.column), c) for c in layout.columns]
        figure_cols = {index for index, _c in mapped}
        skip = [normalized(s) for s in layout.skip_labels if normalized(s)]
        unread = [
            f"{column_letters(c)} ({h[:40]})"
            for c in range(grid.width)
            if c != unit_col
            and c not in figure_cols
            and (h := grid.header(c, layout.header_row, layout.first_data_row))
        ]
        self.described = _(
            "Office workbook read through the mapping “%(mapping)s”: sheet “%(sheet)s”, "
            "units in column %(unit)s, figures in columns %(columns)s, from row %(row)s; "
            "period %(period)s."
        ) % {
            "mapping": layout.name,
            "sheet": grid.name,
            "unit": layout.unit_column,
            "columns": ", ".join(c.column for c in layout.columns),
            "row": layout.first_data_row,
            "period": period,
        }
        if shift:
            self.described += " " + _(
                "The headers are in rows %(first)s–%(last)s of this file (in the sample: "
                "from row %(sample)s)."
            ) % {
                "first": layout.header_row,
                "last": layout.first_data_row - 1,
                "sample": layout.header_row - shift,
            }
        if unread:
            self.described += " " + _("Columns not read: %(columns)s.") % {
                "columns": "; ".join(unread)[:500]
            }
        matcher = UnitMatcher(self.actor)
        last = max((r for r in range(len(grid.rows)) if not grid.blank(r)), default=-1)
        for row in range(layout.first_data_row - 1, last + 1):
            yield from self._row(grid, row, period, unit_col, mapped, skip, bad_cells, matcher)

    def _row(
        self,
        grid: Grid,
        row: int,
        period: str,
        unit_col: int,
        mapped: list[tuple[int, MappedColumn]],
        skip: list[str],
        bad_cells: dict[tuple[int, int], str],
        matcher: UnitMatcher,
    ) -> Iterator[RawRow]:
        line = row + 1
        if grid.blank(row):
            self._skip(grid, row, _("blank row"))
            return
        figure_cols = {index for index, _c in mapped}
        try:
            label = clean_text(grid.text(row, unit_col))[0]
        except LegacyTextError as error:
            yield RawRow(
                line, "", period, grid.text(row, unit_col)[:64], "", "", sheet=grid.name,
                problem=_(
                    "The unit's name is typed in the %(encoding)s encoding, which danvan does "
                    "not convert: convert the file to Unicode (e.g. with Unikey)."
                ) % {"encoding": str(error)},
                problem_code="legacy_encoding",
            )  # fmt: skip
            return
        # A total row: its label in the unit column or in any column that is not a figure
        # (the "STT" column, a label merged across columns).
        for other in range(grid.width):
            if other in figure_cols:
                continue
            text = normalized(_clean_or_raw(grid.text(row, other)))
            if text and any(text == s or (" " in s and text.startswith(s + " ")) for s in skip):
                self._skip(grid, row, _("total row (rows to skip)"), grid.text(row, other))
                return
        cells: list[tuple[int, MappedColumn, str, str]] = []
        for index, column in mapped:
            problem = bad_cells.get((row, index), "")
            span = grid.span.get((row, index))
            anchor = grid.anchor.get((row, index))
            if not problem and span is not None and anchor is not None:
                # A figure cell merged with other figure cells (or with the rows above or
                # below) holds one value for several figures.
                covered = [
                    key
                    for key in grid.members.get(anchor, [])
                    if key[1] in figure_cols and key != (row, index)
                ]
                if covered and anchor[1] in figure_cols:
                    problem = _("Cells %(span)s are merged: each figure needs its own cell.") % {
                        "span": span
                    }
                elif anchor != (row, index):
                    continue  # covered by a label merged across: no figure here
            raw = grid.raw(row, index)
            value = _cell_value(raw)
            if value in _DASHES:
                value = ""
            if problem:
                problem = _("Cell %(cell)s: %(problem)s") % {
                    "cell": _cell_name(row, index),
                    "problem": problem,
                }
            cells.append((index, column, value, problem))
        has_figures = any(value or problem for _i, _c, value, problem in cells)
        if not label:
            if has_figures:
                yield RawRow(
                    line, "", period, "", "", "", sheet=grid.name,
                    problem=_("This row has figures but no unit in column %(column)s.")
                    % {"column": self.layout.unit_column},
                    problem_code="unknown_unit",
                )  # fmt: skip
            else:
                self._skip(grid, row, _("no unit and no figures"), _row_text(grid, row))
            return
        unit = matcher.match(label)
        if not has_figures:
            self._skip(
                grid,
                row,
                _("no figures (a heading or a note)") if unit is None else _("no figures"),
                label,
            )
            return
        if isinstance(unit, str) or unit is None:
            yield RawRow(
                line, "", period, label[:64], "", "", sheet=grid.name,
                problem=unit or _(
                    "No unit named “%(label)s” (by name or code) in your area: check the "
                    "name in column %(column)s, or write the unit's code."
                ) % {"label": label[:60], "column": self.layout.unit_column},
                problem_code="ambiguous_unit" if unit else "unknown_unit",
            )  # fmt: skip
            return
        if self.layout.unit_levels and unit.level not in self.layout.unit_levels:
            self._skip(
                grid,
                row,
                _("a unit at another level than the mapping reads (%(level)s): a subtotal?")
                % {"level": AdministrativeUnit.Level(unit.level).label},
                label,
            )
            return
        for _index, column, value, problem in cells:
            yield RawRow(
                line,
                column.element,
                period,
                unit.code,
                column.option,
                value,
                sheet=grid.name,
                problem=problem,
            )


def _row_text(grid: Grid, row: int) -> str:
    return " ".join(t for c in range(grid.width) if (t := grid.text(row, c)))[:120]


# --- a sample for the mapping page ------------------------------------------------------------


@dataclass
class SampleSheet:
    name: str
    rows: list[list[str]]  # what Excel shows, merged cells filled from their top-left
    width: int
    header_row: int  # suggested, 1-based
    first_data_row: int
    unit_column: str


def sample_read(stream: IO[bytes], *, max_rows: int = 40) -> list[SampleSheet]:
    """The first rows of every sheet, shown to the clerk making a mapping, with a
    suggested header row, first data row and unit column (to be checked, never trusted)."""
    sheets = []
    for grid in workbook_grids(stream):
        count = min(len(grid.rows), max_rows)
        width = min(grid.width, 60)
        rows = [[_clean_or_raw(grid.text(r, c)) for c in range(width)] for r in range(count)]
        header, first = _suggest_rows(grid, count, width)
        sheets.append(
            SampleSheet(grid.name, rows, width, header, first, _suggest_unit(rows, first))
        )
    return sheets


def _suggest_rows(grid: Grid, count: int, width: int) -> tuple[int, int]:
    def numbers(row: int) -> int:
        return sum(
            1
            for c in range(width)
            if isinstance(grid.raw(row, c), int | float) and grid.raw(row, c)
        )

    def texts(row: int) -> int:
        return sum(
            1
            for c in range(width)
            if grid.text(row, c) and not isinstance(grid.raw(row, c), int | float)
        )

    first = next((r for r in range(count) if numbers(r) >= 2), count)
    header = next((r for r in range(first) if texts(r) >= 3), max(first - 1, 0))
    return header + 1, max(first + 1, header + 2)


def _suggest_unit(rows: list[list[str]], first_data_row: int) -> str:
    best, best_count = 0, -1
    for column in range(len(rows[0]) if rows else 0):
        count = sum(
            1
            for row in rows[first_data_row - 1 :]
            if column < len(row) and row[column] and not row[column].replace(".", "").isdigit()
        )
        if count > best_count:
            best, best_count = column, count
    return column_letters(best)
