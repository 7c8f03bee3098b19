"""A rate the text gives for a numbered indicator against the annex row of that indicator.

"có một chỉ tiêu đạt trên 93,54% …^[3]" where footnote 3 says "chỉ tiêu số 3", while row 3
of the annex gives a result of 95,45% and an achievement of 97,4%.
"""

from __future__ import annotations

import re

from danvan.reports.checker.context import CheckContext, RowGroup
from danvan.reports.checker.document import Block, Location
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind, Quantity, format_percent, within_one_unit
from danvan.reports.checker.rules.base import finding

_INDICATOR = re.compile(r"chỉ tiêu (?:số\s*)?(\d+)(?![,\d])", re.IGNORECASE)
_ACHIEVED_BEFORE = re.compile(r"đạt\s*(?:trên|gần|hơn|khoảng)?\s*$", re.IGNORECASE)


class IndicatorReference:
    id = "indicator-reference"

    def check(self, context: CheckContext) -> list[Finding]:
        rows = self._annex_rows(context)
        if not rows:
            return []
        findings = []
        for block in context.document.all_blocks():
            if block.location.table is not None:
                continue
            analysed = context.of(block)
            for quantity in analysed.measures:
                if quantity.kind is not Kind.PERCENT:
                    continue
                if not _ACHIEVED_BEFORE.search(
                    block.text[max(0, quantity.start - 20) : quantity.start]
                ):
                    continue
                number = self._indicator_number(context, block, quantity)
                if number is None or number not in rows:
                    continue
                result = self._compare(context, block, quantity, number, rows[number])
                if result is not None:
                    findings.append(result)
        return findings

    @staticmethod
    def _annex_rows(context: CheckContext) -> dict[str, RowGroup]:
        rows: dict[str, RowGroup] = {}
        for table in context.document.tables:
            if not context.columns(table).known:
                continue
            for group in context.groups(table):
                if group.number.isdigit():
                    rows.setdefault(group.number, group)
        return rows

    @staticmethod
    def _indicator_number(context: CheckContext, block: Block, quantity: Quantity) -> str | None:
        analysed = context.of(block)
        clause = analysed.clause_of(quantity.start)
        before = block.text[max(clause.start, quantity.start - 80) : quantity.start]
        numbers = set(_INDICATOR.findall(before))
        # A footnote attached right after the rate may name the indicator.
        for ref in block.refs:
            if quantity.end <= ref.offset <= quantity.end + 60 and ref.offset <= clause.end:
                note = context.document.footnotes.get(ref.number)
                if note is not None:
                    numbers |= set(_INDICATOR.findall(note.text))
        return numbers.pop() if len(numbers) == 1 else None

    def _compare(
        self, context: CheckContext, block: Block, quantity: Quantity, number: str, group: RowGroup
    ) -> Finding | None:
        columns = context.columns(group.table)
        annex: list[tuple[str, Quantity]] = []
        locations: list[Location] = []
        for row in range(group.first, group.last + 1):
            for col, label in ((columns.result, "kết quả"), (columns.comparison, "so sánh")):
                cell = group.table.cell(row, col) if col >= 0 else None
                if cell is None:
                    continue
                rates = [q for q in context.of(cell).measures if q.rate() is not None]
                annex.extend((label, q) for q in rates)
                if rates:
                    locations.append(cell.location)
        if not annex:
            return None
        if any(
            within_one_unit(quantity.value, quantity.decimals, q.rate() or q.value)
            for _, q in annex
        ):
            return None
        shown = [
            f"{label} {format_percent(q.rate() or q.value, _decimals(q))}" for label, q in annex
        ]
        listing = "; ".join(dict.fromkeys(shown))
        qualifier = f"{quantity.qualifier} " if quantity.qualifier else ""
        return finding(
            self.id,
            Severity.WARNING,
            block,
            quantity.start,
            quantity.end,
            stated=f"chỉ tiêu số {number}: {qualifier}{quantity.text}",
            computed=f"phụ lục, chỉ tiêu {number}: {listing}",
            suggestion="Dùng cùng một số liệu với phụ lục",
            explanation=(
                f"Văn bản ghi chỉ tiêu số {number} đạt {qualifier}{quantity.text}, nhưng dòng chỉ "
                f"tiêu {number} của phụ lục ghi {listing}; không số nào bằng {quantity.text}."
            ),
            related=tuple(locations[:2]),
        )


def _decimals(quantity: Quantity) -> int:
    return quantity.decimals if quantity.kind is Kind.PERCENT else 2
