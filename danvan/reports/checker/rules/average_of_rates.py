"""An average of percentages presented as an overall rate.

"tuyên truyền cho đoàn viên, hội viên, đạt tỷ lệ 98,55%^[1]" where footnote 1 lists five
organizations' rates whose plain average is 98,55%. An overall rate is the average weighted
by each organization's membership, so a plain average is right only if they are all the same
size: a note. An overall rate outside the range of its parts cannot be any average: a warning.
"""

from __future__ import annotations

import re
from decimal import Decimal

from danvan.reports.checker.context import CheckContext
from danvan.reports.checker.document import Block, Location
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind, Quantity, format_percent, within_rounding
from danvan.reports.checker.rules.base import finding

_MARKER = re.compile(r"(?<!\w)trong đó(?!\w)", re.IGNORECASE)
MIN_PARTS = 2


class AverageOfRates:
    id = "average-of-rates"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.blocks:
            analysed = context.of(block)
            for ref in block.refs:
                note = context.document.footnotes.get(ref.number)
                clause = analysed.clause_of(max(0, ref.offset - 1))
                rates = [
                    q
                    for q in analysed.measures
                    if q.kind is Kind.PERCENT and clause.start <= q.start and q.end <= ref.offset
                ]
                if note is None or not rates or ref.offset - rates[-1].end > 3:
                    continue
                parts = [q for q in context.of(note).measures if q.kind is Kind.PERCENT]
                if any(q.kind is Kind.COUNT for q in context.of(note).measures):
                    continue  # a note with counts may carry the weights; not a plain list of rates
                result = self._judge(block, rates[-1], parts, note.location)
                if result is not None:
                    findings.append(result)
        for block in context.document.all_blocks():
            analysed = context.of(block)
            for marker in _MARKER.finditer(block.text):
                sentence = analysed.sentence_of(marker.start())
                before = [
                    q
                    for q in analysed.measures
                    if sentence.start <= q.start and q.end <= marker.start()
                ]
                after = [
                    q
                    for q in analysed.measures
                    if marker.end() <= q.start and q.end <= sentence.end
                ]
                if not before or before[-1].kind is not Kind.PERCENT:
                    continue
                if not after or any(q.kind is not Kind.PERCENT for q in after):
                    continue
                result = self._judge(block, before[-1], after, None)
                if result is not None:
                    findings.append(result)
        return findings

    def _judge(
        self, block: Block, overall: Quantity, parts: list[Quantity], where: Location | None
    ) -> Finding | None:
        if len(parts) < MIN_PARTS or overall.approximate or any(q.approximate for q in parts):
            return None
        values = [q.value for q in parts]
        if len(set(values)) == 1:
            return None
        mean = sum(values, Decimal(0)) / len(values)
        listing = ", ".join(q.text for q in parts)
        source = f" (chú thích {where.footnote})" if where else ""
        low, high = min(values), max(values)
        if not (
            within_rounding(overall.value, overall.decimals, low) or overall.value >= low
        ) or not (within_rounding(overall.value, overall.decimals, high) or overall.value <= high):
            return finding(
                self.id,
                Severity.WARNING,
                block,
                overall.start,
                overall.end,
                stated=overall.text,
                computed=(
                    f"các tỷ lệ thành phần từ {format_percent(low, 2)} "
                    f"đến {format_percent(high, 2)}"
                ),
                suggestion="Tính lại tỷ lệ chung từ số người của từng tổ chức",
                explanation=(
                    f"Tỷ lệ chung {overall.text} nằm ngoài khoảng các tỷ lệ thành phần{source} "
                    f"({listing}). Tỷ lệ chung là trung bình có trọng số của các tỷ lệ thành phần "
                    "nên phải nằm trong khoảng đó."
                ),
                related=(where,) if where else (),
            )
        if within_rounding(overall.value, overall.decimals, mean):
            return finding(
                self.id,
                Severity.NOTE,
                block,
                overall.start,
                overall.end,
                stated=overall.text,
                computed=f"trung bình cộng của {listing} = {format_percent(mean, 2)}",
                suggestion="Tính tỷ lệ chung = tổng số người đạt / tổng số người của các tổ chức",
                explanation=(
                    f"{overall.text} đúng bằng trung bình cộng các tỷ lệ thành phần{source}. Tỷ lệ "
                    "chung chỉ bằng trung bình cộng khi các tổ chức có số đoàn viên, hội viên bằng "
                    "nhau; nếu không, cần tính theo tổng số người."
                ),
                related=(where,) if where else (),
            )
        return None
