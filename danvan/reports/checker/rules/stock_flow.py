"""Stock and flow: start + new − removed should equal the end.

"phát triển mới 172.537 …; ra khỏi 118.135 …, tổng số … hiện nay là 322.951". The start is
rarely written in the same sentence; it is looked for there first, then in the baseline
column of an indicator table. Members also leave for reasons the sentence does not list, so a
mismatch is only ever a warning.
"""

from __future__ import annotations

import re
from decimal import Decimal

from danvan.reports.checker.context import CheckContext
from danvan.reports.checker.document import Block, Location
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind, Quantity, format_number
from danvan.reports.checker.rules.base import finding

_NEW = re.compile(
    r"(?:phát triển mới|kết nạp mới|kết nạp|thu hút mới|thành lập mới)[^.;\d]{0,25}$", re.IGNORECASE
)
_REMOVED = re.compile(
    r"(?:ra khỏi|xóa tên|xoá tên|chuyển đi|khai trừ|giải thể|giảm)[^.;\d]{0,30}$", re.IGNORECASE
)
_END = re.compile(r"(?:tổng số|hiện nay|hiện có|còn lại|đến nay)[^.;\d]{0,80}$", re.IGNORECASE)
_START = re.compile(r"(?:đầu kỳ|đầu nhiệm kỳ|trước khi|ban đầu)[^.;\d]{0,60}$", re.IGNORECASE)


class StockFlow:
    id = "stock-flow"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.all_blocks():
            analysed = context.of(block)
            for sentence in analysed.sentences:
                counts = [q for q in analysed.measures_in(sentence) if q.kind is Kind.COUNT]
                roles = {}
                for quantity in counts:
                    before = block.text[sentence.start : quantity.start]
                    for role, pattern in (
                        ("new", _NEW),
                        ("removed", _REMOVED),
                        ("end", _END),
                        ("start", _START),
                    ):
                        if role not in roles and pattern.search(before[-120:]):
                            roles[role] = quantity
                            break
                if not {"new", "removed", "end"} <= roles.keys():
                    continue
                unit_class = roles["end"].unit_class
                if not unit_class or any(q.unit_class != unit_class for q in roles.values()):
                    continue
                start, where = self._start(context, roles.get("start"), roles["end"], block)
                if start is None:
                    continue
                result = self._judge(
                    block, start, roles["new"], roles["removed"], roles["end"], where
                )
                if result is not None:
                    findings.append(result)
        return findings

    @staticmethod
    def _start(
        context: CheckContext, stated: Quantity | None, end: Quantity, block: Block
    ) -> tuple[tuple[str, Decimal] | None, Location | None]:
        if stated is not None:
            return (stated.text, stated.value), None
        # The baseline column of an indicator table: the population of a fraction, or a count.
        found: dict[Decimal, Location] = {}
        for table in context.document.tables:
            columns = context.columns(table)
            if columns.baseline < 0:
                continue
            for row in table.rows[1:]:
                if columns.baseline >= len(row):
                    continue
                cell = row[columns.baseline]
                for quantity in context.of(cell).measures:
                    if quantity.unit_class != end.unit_class or quantity.approximate:
                        continue
                    if quantity.kind is Kind.FRACTION and quantity.denominator is not None:
                        found.setdefault(quantity.denominator, cell.location)
                    elif quantity.kind is Kind.COUNT:
                        found.setdefault(quantity.value, cell.location)
        if len(found) != 1:
            return None, None
        value, location = next(iter(found.items()))
        return (format_number(value), value), location

    def _judge(
        self,
        block: Block,
        start: tuple[str, Decimal],
        new: Quantity,
        removed: Quantity,
        end: Quantity,
        where: Location | None,
    ) -> Finding | None:
        start_text, start_value = start
        expected = start_value + new.value - removed.value
        if expected == end.value:
            return None
        implied = end.value - new.value + removed.value
        source = f" (số đầu kỳ lấy từ {where.describe()})" if where else ""
        return finding(
            self.id,
            Severity.WARNING,
            block,
            new.start,
            end.end,
            stated=f"{end.text} {end.unit}",
            computed=(f"{start_text} + {new.text} − {removed.text} = {format_number(expected)}"),
            suggestion="Đối chiếu số đầu kỳ, số tăng, số giảm và số cuối kỳ",
            explanation=(
                f"Đầu kỳ {start_text}{source}, phát triển mới {new.text}, ra khỏi {removed.text} "
                f"thì cuối kỳ phải là {format_number(expected)}, nhưng văn bản ghi {end.text}. "
                f"Để khớp, số đầu kỳ phải là {format_number(implied)}. Có thể còn biến động "
                "khác không được nêu, nên đây chỉ là cảnh báo."
            ),
            related=(where,) if where else (),
        )
