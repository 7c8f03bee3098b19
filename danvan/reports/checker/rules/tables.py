"""Figures tables give cell by cell: totals, plan / result / rate columns, rate rows, counts.

A table is read as a grid: a label column (the first one whose body is words), header rows
(the leading rows with no figure), and numeric cells (one number and nothing else). Numbers
may be written the Vietnamese way (1.234,5) or, in tables exported from spreadsheets, the
English way (123456.00, 12.34): a table is English when one of its cells can only be read so.

- a row "Tổng cộng" / "Tổng số" / "Cộng" / "Toàn tỉnh" whose label is nothing else is the sum
  of the rows between it and the header (or the previous total), column by column;
- a row with a plan (kế hoạch, chỉ tiêu) column, a result (thực hiện, kết quả) column and a
  rate (tỷ lệ, %, so với) column: the rate is result / plan;
- a row "Tỷ lệ X (%)" is row X over the row "Tổng số …" of the same noun, column by column;
- a count of households or people with a fractional part is impossible.

Every figure used is in a cell the finding names, so these are errors, except a rate off by
one unit in its last place (a rounding style: a note).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from danvan.reports.checker.context import CheckContext
from danvan.reports.checker.document import Block, Table
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import (
    HUNDRED,
    Kind,
    format_number,
    format_percent,
    parse_number,
    within_one_unit,
    within_rounding,
)
from danvan.reports.checker.rules.base import finding
from danvan.reports.checker.text import words

_NUMBER_CELL = re.compile(r"^\s*(?P<number>[+-]?\d[\d.,]*)\s*(?P<percent>%)?\s*$")
# Cells only English notation explains: "123456.00", "12.34", "1,234.5", "1234.5".
_ENGLISH_ONLY = re.compile(r"^\d+\.\d{1,2}$|^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d{4,}\.\d+$")
_TOTAL_LABEL = re.compile(
    r"^\s*(?:tổng cộng|tổng số|tổng|cộng|toàn tỉnh|toàn huyện|toàn thành phố|cả tỉnh|chung)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)
_SUBSET_LABEL = re.compile(r"^\s*(?:trong đó|[-+•*]|\w\))", re.IGNORECASE)
_NOT_ADDITIVE = re.compile(r"tỷ lệ|%|bình quân|trung bình|tỷ trọng|so với|so sánh", re.IGNORECASE)
_RATE_HEADER = re.compile(r"tỷ lệ|%|so với|so sánh|đạt", re.IGNORECASE)
_PLAN_HEADER = re.compile(r"kế hoạch|chỉ tiêu|mục tiêu|\bKH\b", re.IGNORECASE)
_RESULT_HEADER = re.compile(r"thực hiện|kết quả|\bTH\b|ước", re.IGNORECASE)
_RATE_ROW = re.compile(r"^\s*tỷ lệ\s+(?P<subject>.+?)\s*(?:\(\s*%\s*\))?\s*$", re.IGNORECASE)
_UNIT_NOTE = re.compile(r"\([^)]*\)")
# What is counted in whole units: a row or a figure of these cannot hold 12,5.
COUNTED_WHOLE = frozenset(
    {
        "hộ",
        "người",
        "nhân khẩu",
        "lao động",
        "hội viên",
        "đoàn viên",
        "đảng viên",
        "cán bộ",
        "đồng chí",
        "học sinh",
        "thành viên",
        "căn",
        "lượt người",
        "chi hội",
        "chi đoàn",
        "chi bộ",
        "tổ hội",
        "mô hình",
    }
)
_AVERAGE = re.compile(r"bình quân|trung bình|mỗi|/", re.IGNORECASE)


@dataclass(frozen=True)
class _Cell:
    block: Block
    value: Decimal
    decimals: int
    text: str


class _Grid:
    def __init__(self, context: CheckContext, table: Table) -> None:
        self.table = table
        self.english = any(
            _ENGLISH_ONLY.match(cell.text.strip()) for row in table.rows for cell in row
        )
        self.cells: dict[tuple[int, int], _Cell] = {}
        for r, row in enumerate(table.rows):
            for c, block in enumerate(row):
                cell = self._parse(block)
                if cell is not None:
                    self.cells[(r, c)] = cell
        width = max((len(row) for row in table.rows), default=0)
        self.width = width
        self.label_col = next(
            (
                c
                for c in range(width)
                if sum(1 for r in range(len(table.rows)) if self._is_words(r, c))
                >= max(2, len(table.rows) // 2)
            ),
            -1,
        )
        # The first row is always a header, even one of years ("| Chỉ tiêu | 2021 | 2022 |").
        self.body_start = next(
            (
                r
                for r in range(1, len(table.rows))
                if any((r, c) in self.cells for c in range(width) if c != self.label_col)
            ),
            len(table.rows),
        )

    def _is_words(self, row: int, col: int) -> bool:
        cell = self.table.cell(row, col)
        return cell is not None and bool(words(cell.text)) and (row, col) not in self.cells

    def _parse(self, block: Block) -> _Cell | None:
        match = _NUMBER_CELL.match(block.text)
        if match is None:
            return None
        raw = match.group("number").lstrip("+")
        if self.english:
            integer, _, fraction = raw.replace(",", "").partition(".")
            try:
                value = Decimal(integer + ("." + fraction if fraction else ""))
            except InvalidOperation:
                return None
            return _Cell(block, value, len(fraction), block.text.strip())
        parsed = parse_number(raw)
        if parsed is None:
            return None
        return _Cell(block, parsed[0], parsed[1], block.text.strip())

    def label(self, row: int) -> str:
        cell = self.table.cell(row, self.label_col) if self.label_col >= 0 else None
        return cell.text.strip() if cell else ""

    def header(self, col: int) -> str:
        texts = []
        for r in range(self.body_start):
            cell = self.table.cell(r, col)
            if cell is not None and cell.text.strip():
                texts.append(cell.text.strip())
        return " ".join(texts)

    def data_cols(self) -> list[int]:
        return [
            c
            for c in range(self.width)
            if c != self.label_col
            and any((r, c) in self.cells for r in range(self.body_start, len(self.table.rows)))
        ]


_LEVEL_ROW = re.compile(r"cấp\s+(tỉnh|huyện|xã|cơ sở)", re.IGNORECASE)
_LEVEL_OR_SEX = re.compile(r"cấp\s+(?:tỉnh|huyện|xã|cơ sở)|nam|nữ", re.IGNORECASE)


def _block_before(context: CheckContext, table: Table) -> Block | None:
    """The paragraph just before the table, skipping a caption that states no figure."""
    blocks = context.document.blocks
    first = table.rows[0][0] if table.rows and table.rows[0] else None
    position = next((i for i, b in enumerate(blocks) if b is first), -1)
    for block in reversed(blocks[max(0, position - 2) : max(0, position)]):
        if block.location.table is not None:
            return None
        if context.of(block).measures:
            return block
    return None


def _decimals(cell: _Cell) -> int:
    """ "123456.00" is a whole number: shown without its zeros."""
    return 0 if cell.value == cell.value.to_integral_value() else cell.decimals


def _shown(cell: _Cell) -> str:
    """A cell's figure in Vietnamese notation, whatever the table used."""
    return format_number(cell.value, _decimals(cell))


def _normalised(label: str) -> str:
    text = _UNIT_NOTE.sub(" ", label.lower())
    text = re.sub(r"^\s*(?:tổng số|tổng|số lượng|số)\s+", "", text)
    return " ".join(words(text))


class TableFigures:
    id = "table-rate"

    def check(self, context: CheckContext) -> list[Finding]:
        findings: list[Finding] = []
        for table in context.document.tables:
            grid = _Grid(context, table)
            if grid.label_col < 0 or not grid.data_cols():
                continue
            findings.extend(self._totals(grid))
            findings.extend(self._text_total(context, grid))
            findings.extend(self._total_column(grid))
            findings.extend(self._plan_result_rate(grid))
            findings.extend(self._rate_rows(grid))
            findings.extend(self._fractional_rows(grid))
        return findings

    # Totals --------------------------------------------------------------------------------

    def _totals(self, grid: _Grid) -> list[Finding]:
        findings = []
        rows = range(grid.body_start, len(grid.table.rows))
        total_rows = [r for r in rows if _TOTAL_LABEL.match(grid.label(r))]
        for total_row in total_rows:
            earlier = [r for r in total_rows if r < total_row]
            first = (earlier[-1] + 1) if earlier else grid.body_start
            parts = list(range(first, total_row))
            if not parts and not earlier and total_row == grid.body_start:
                # The total first, its parts below it up to the next total or the end.
                later = [r for r in total_rows if r > total_row]
                parts = list(range(total_row + 1, later[0] if later else len(grid.table.rows)))
            if len(parts) < 2 or any(_SUBSET_LABEL.match(grid.label(r)) for r in parts):
                continue
            for col in grid.data_cols():
                if _NOT_ADDITIVE.search(grid.header(col)):
                    continue
                total = grid.cells.get((total_row, col))
                values = [grid.cells.get((r, col)) for r in parts]
                if total is None or any(v is None for v in values):
                    continue
                cells = [v for v in values if v is not None]
                if any("%" in c.text for c in [total, *cells]):
                    continue
                parts_sum = sum((c.value for c in cells), Decimal(0))
                if parts_sum == total.value:
                    continue
                decimals = max(_decimals(c) for c in [total, *cells])
                listing = " + ".join(format_number(c.value, decimals) for c in cells)
                labels = ", ".join(grid.label(r) for r in parts)
                column = grid.header(col) or f"cột {col + 1}"
                findings.append(
                    finding(
                        "total-parts",
                        Severity.ERROR,
                        total.block,
                        0,
                        len(total.block.text),
                        stated=f"{grid.label(total_row)}: {total.text}",
                        computed=f"{listing} = {format_number(parts_sum, decimals)}",
                        suggestion=(
                            f"Kiểm tra lại dòng {grid.label(total_row)} ở cột “{column}” "
                            "hoặc các dòng thành phần"
                        ),
                        explanation=(
                            f"Cột “{column}”: dòng {grid.label(total_row)} ghi {total.text}, còn "
                            f"các dòng {labels} cộng lại {format_number(parts_sum, decimals)}."
                        ),
                        related=tuple(c.block.location for c in cells[:3]),
                    )
                )
        return findings

    def _total_column(self, grid: _Grid) -> list[Finding]:
        """A "Cộng" column against the columns of levels or sexes beside it, row by row."""
        columns = grid.data_cols()
        totals = [c for c in columns if _TOTAL_LABEL.match(grid.header(c))]
        if len(totals) != 1:
            return []
        total_col = totals[0]
        parts = [c for c in columns if c != total_col]
        labels = [_LEVEL_OR_SEX.fullmatch(grid.header(c).strip(" :.")) for c in parts]
        if len(parts) < 2 or not all(labels):
            return []
        if len({m.group(0).lower() for m in labels if m}) != len(parts):
            return []
        findings = []
        for row in range(grid.body_start, len(grid.table.rows)):
            total = grid.cells.get((row, total_col))
            cells = [grid.cells.get((row, c)) for c in parts]
            if total is None or any(c is None for c in cells):
                continue
            values = [c for c in cells if c is not None]
            if any("%" in c.text for c in [total, *values]):
                continue
            parts_sum = sum((c.value for c in values), Decimal(0))
            if parts_sum == total.value:
                continue
            listing = " + ".join(
                f"{grid.header(c)} {_shown(cell)}" for c, cell in zip(parts, values, strict=True)
            )
            label = grid.label(row)
            findings.append(
                finding(
                    "total-parts",
                    Severity.ERROR,
                    total.block,
                    0,
                    len(total.block.text),
                    stated=f"{label}, {grid.header(total_col)}: {total.text}",
                    computed=f"{listing} = {format_number(parts_sum)}",
                    suggestion=f"Kiểm tra lại dòng “{label}”",
                    explanation=(
                        f"Dòng “{label}”: cột “{grid.header(total_col)}” ghi {total.text}, còn "
                        f"các cột {', '.join(grid.header(c) for c in parts)} cộng lại "
                        f"{format_number(parts_sum)}."
                    ),
                    related=tuple(c.block.location for c in values[:3]),
                )
            )
        return findings

    def _text_total(self, context: CheckContext, grid: _Grid) -> list[Finding]:
        """ "… tổ chức 1.284 cuộc tiếp xúc cử tri, cụ thể như sau:" and a table by level below.

        The paragraph just before the table states the total; the table's rows are the levels
        (which leave nothing out) and it has no total row of its own; the column is the one
        whose header names the total's unit. One count of that unit in the paragraph, or
        nothing is said.
        """
        rows = list(range(grid.body_start, len(grid.table.rows)))
        labels = [grid.label(r) for r in rows]
        if len(rows) < 2 or any(_TOTAL_LABEL.match(label) for label in labels):
            return []
        levels = [_LEVEL_ROW.fullmatch(label.strip(" :.")) for label in labels]
        if not all(levels) or len({m.group(1).lower() for m in levels if m}) != len(levels):
            return []
        before = _block_before(context, grid.table)
        if before is None:
            return []
        findings = []
        counts = [
            q
            for q in context.of(before).measures
            if q.kind is Kind.COUNT and q.unit and not q.approximate and not q.word
        ]
        for col in grid.data_cols():
            header = grid.header(col).lower()
            if _NOT_ADDITIVE.search(header):
                continue
            header_words = set(words(header))
            matching = [q for q in counts if set(q.unit.split()) <= header_words]
            if len(matching) != 1:
                continue
            total = matching[0]
            cells = [grid.cells.get((r, col)) for r in rows]
            if any(c is None or c.decimals for c in cells):
                continue
            values = [c for c in cells if c is not None]
            parts_sum = sum((c.value for c in values), Decimal(0))
            if parts_sum == total.value:
                continue
            listing = " + ".join(
                f"{label} {_shown(c)}" for label, c in zip(labels, values, strict=True)
            )
            findings.append(
                finding(
                    "total-parts",
                    Severity.ERROR,
                    before,
                    total.start,
                    total.end,
                    stated=f"{total.text} {total.unit}",
                    computed=f"{listing} = {format_number(parts_sum)}",
                    suggestion=(
                        f"Thống nhất số liệu giữa đoạn văn ({total.text}) và bảng "
                        f"({format_number(parts_sum)})"
                    ),
                    explanation=(
                        f"Đoạn văn ghi {total.text} {total.unit}; bảng ngay sau nó chia theo "
                        f"{', '.join(labels)} ở cột “{grid.header(col)}”, cộng lại "
                        f"{format_number(parts_sum)}."
                    ),
                    related=tuple(c.block.location for c in values[:3]),
                )
            )
        return findings

    # Plan, result, rate ----------------------------------------------------------------------

    def _plan_result_rate(self, grid: _Grid) -> list[Finding]:
        roles: dict[str, list[int]] = {"rate": [], "plan": [], "result": []}
        for col in grid.data_cols():
            header = grid.header(col)
            if _RATE_HEADER.search(header):
                roles["rate"].append(col)
            elif _PLAN_HEADER.search(header):
                roles["plan"].append(col)
            elif _RESULT_HEADER.search(header):
                roles["result"].append(col)
        if any(len(cols) != 1 for cols in roles.values()):
            return []  # several plans or results: which pair a rate is of is not written
        plan_col, result_col, rate_col = roles["plan"][0], roles["result"][0], roles["rate"][0]
        findings = []
        for row in range(grid.body_start, len(grid.table.rows)):
            plan = grid.cells.get((row, plan_col))
            result = grid.cells.get((row, result_col))
            rate = grid.cells.get((row, rate_col))
            if plan is None or result is None or rate is None or not plan.value:
                continue
            exact = result.value / plan.value * HUNDRED
            inverse = plan.value / result.value * HUNDRED if result.value else None
            if within_rounding(rate.value, rate.decimals, exact) or (
                inverse is not None and within_rounding(rate.value, rate.decimals, inverse)
            ):
                continue
            label = grid.label(row)
            computed = f"{_shown(result)} / {_shown(plan)} = {format_percent(exact)}"
            close = within_one_unit(rate.value, rate.decimals, exact)
            findings.append(
                finding(
                    "achievement",
                    Severity.NOTE if close else Severity.ERROR,
                    rate.block,
                    0,
                    len(rate.block.text),
                    stated=f"{label}: {rate.text}",
                    computed=computed,
                    suggestion=f"Sửa thành {format_percent(exact, rate.decimals)}",
                    explanation=(
                        f"Dòng “{label}”: thực hiện {result.text} (cột “{grid.header(result_col)}”)"
                        f" so với kế hoạch {plan.text} (cột “{grid.header(plan_col)}”) là "
                        f"{computed}, "
                        + (
                            f"làm tròn nửa lên thì khác {rate.text} ở chữ số cuối."
                            if close
                            else f"không phải {rate.text}."
                        )
                    ),
                    related=(plan.block.location, result.block.location),
                )
            )
        return findings

    # Rate rows -------------------------------------------------------------------------------

    def _rate_rows(self, grid: _Grid) -> list[Finding]:
        findings = []
        rows = list(range(grid.body_start, len(grid.table.rows)))
        labels = {r: grid.label(r) for r in rows}
        for rate_row in rows:
            match = _RATE_ROW.match(labels[rate_row])
            if match is None:
                continue
            subject = " ".join(words(_UNIT_NOTE.sub(" ", match.group("subject").lower())))
            numerators = [r for r in rows if r != rate_row and _normalised(labels[r]) == subject]
            bases = [
                r
                for r in rows
                if re.match(r"^\s*tổng số\b", labels[r], re.IGNORECASE)
                and (noun := _normalised(labels[r]))
                and subject.startswith(noun + " ")
            ]
            if len(numerators) != 1 or len(bases) != 1:
                continue
            numerator_row, base_row = numerators[0], bases[0]
            for col in grid.data_cols():
                rate = grid.cells.get((rate_row, col))
                part = grid.cells.get((numerator_row, col))
                base = grid.cells.get((base_row, col))
                if rate is None or part is None or base is None or not base.value:
                    continue
                exact = part.value / base.value * HUNDRED
                if within_rounding(rate.value, rate.decimals, exact):
                    continue
                close = within_one_unit(rate.value, rate.decimals, exact)
                column = grid.header(col) or f"cột {col + 1}"
                computed = f"{_shown(part)} / {_shown(base)} = {format_percent(exact)}"
                findings.append(
                    finding(
                        self.id,
                        Severity.NOTE if close else Severity.ERROR,
                        rate.block,
                        0,
                        len(rate.block.text),
                        stated=f"{labels[rate_row]}, {column}: {rate.text}",
                        computed=computed,
                        suggestion=f"Sửa thành {format_number(exact, rate.decimals)}",
                        explanation=(
                            f"Cột “{column}”: dòng “{labels[numerator_row]}” chia dòng "
                            f"“{labels[base_row]}” được {computed}, "
                            + (
                                f"làm tròn nửa lên thì khác {rate.text} ở chữ số cuối."
                                if close
                                else f"bảng ghi {rate.text}."
                            )
                        ),
                        related=(part.block.location, base.block.location),
                    )
                )
        return findings

    # Counts with a fractional part -----------------------------------------------------------

    def _fractional_rows(self, grid: _Grid) -> list[Finding]:
        findings = []
        for row in range(grid.body_start, len(grid.table.rows)):
            label = grid.label(row)
            if not re.match(r"^\s*(?:tổng số|số)\s+", label, re.IGNORECASE):
                continue
            if _AVERAGE.search(label) or _NOT_ADDITIVE.search(label):
                continue
            noun = _normalised(label)
            if not any(noun == unit or noun.startswith(unit + " ") for unit in COUNTED_WHOLE):
                continue
            for col in grid.data_cols():
                if _NOT_ADDITIVE.search(grid.header(col)):
                    continue  # "So sánh (%)": the row's rate, not its count
                cell = grid.cells.get((row, col))
                if cell is None or cell.value == cell.value.to_integral_value():
                    continue
                findings.append(_fractional(cell.block, 0, len(cell.block.text), cell.text, label))
        return findings


def _fractional(block: Block, start: int, end: int, text: str, what: str) -> Finding:
    return finding(
        "fractional-count",
        Severity.ERROR,
        block,
        start,
        end,
        stated=f"{what}: {text}",
        computed="số đếm phải là số nguyên",
        suggestion="Kiểm tra lại số liệu (có thể nhầm dấu thập phân hoặc nhầm cột)",
        explanation=(
            f"“{what}” đếm từng đơn vị nên không thể có phần lẻ, nhưng ghi {text}. Có thể là "
            "số bình quân ghi nhầm dòng, hoặc dấu chấm, dấu phẩy bị đặt sai."
        ),
    )


class FractionalCount:
    """ "1.204,5 hộ" in prose: a count of households or people with a fractional part."""

    id = "fractional-count"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.all_blocks():
            if block.location.table is not None:
                continue
            text = block.text
            for quantity in context.of(block).measures:
                if quantity.kind is not Kind.COUNT or not quantity.decimals or quantity.approximate:
                    continue
                if quantity.value == quantity.value.to_integral_value():
                    continue
                if quantity.unit not in COUNTED_WHOLE:
                    continue
                after = text[quantity.end : quantity.end + len(quantity.unit) + 3]
                before = text[max(0, quantity.start - 30) : quantity.start]
                if "/" in after or _AVERAGE.search(before):
                    continue
                findings.append(
                    _fractional(
                        block,
                        quantity.start,
                        quantity.end + 1 + len(quantity.unit),
                        quantity.text,
                        f"số {quantity.unit}",
                    )
                )
        return findings
