"""The same target quoted with different values in two places: 80% in the annex, 82% in IV."""

from __future__ import annotations

from danvan.reports.checker.context import CheckContext
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind
from danvan.reports.checker.rules.base import finding

SIMILAR = 0.3


class TargetDiffers:
    id = "target-differs"

    def check(self, context: CheckContext) -> list[Finding]:
        targets = [t for t in context.targets if not t.quantity.in_range and not t.quantity.word]
        findings = []
        for index, later in enumerate(targets):
            best = None
            for earlier in targets[:index]:
                if earlier.block is later.block or earlier.quantity.value == later.quantity.value:
                    continue
                if (earlier.quantity.kind is Kind.PERCENT) != (later.quantity.kind is Kind.PERCENT):
                    continue
                if (
                    later.quantity.kind is Kind.COUNT
                    and earlier.quantity.unit_class != later.quantity.unit_class
                ):
                    continue
                score = context.similarity(earlier.context, later.context)
                same_value_elsewhere = any(
                    other.quantity.value == later.quantity.value
                    and other.block is not later.block
                    and context.similarity(other.context, later.context) >= score
                    for other in targets
                )
                if (
                    score >= SIMILAR
                    and not same_value_elsewhere
                    and (best is None or score > best[0])
                ):
                    best = (score, earlier)
            if best is None:
                continue
            earlier = best[1]
            years = ""
            if earlier.year and later.year and earlier.year != later.year:
                years = (
                    f" Hai nơi gắn với hai mốc năm khác nhau ({earlier.year} và {later.year}); nếu "
                    "chỉ tiêu đã được điều chỉnh, nên nói rõ chỉ tiêu nào dùng để đánh giá."
                )
            findings.append(
                finding(
                    self.id,
                    Severity.WARNING,
                    later.block,
                    later.quantity.start,
                    later.quantity.end,
                    stated=later.quantity.text,
                    computed=f"{earlier.quantity.text} ở {earlier.block.location.describe()}",
                    suggestion="Thống nhất chỉ tiêu giữa các phần của báo cáo",
                    explanation=(
                        f"Chỉ tiêu này được ghi là {later.quantity.text}, còn ở "
                        f"{earlier.block.location.describe()} một chỉ tiêu diễn đạt gần giống ghi "
                        f"{earlier.quantity.text}.{years}"
                    ),
                    related=(earlier.block.location,),
                )
            )
        return findings
