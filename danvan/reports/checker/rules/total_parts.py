"""A total against its stated parts: "326 cuộc, trong đó cấp huyện 48 cuộc, cấp xã 268 cuộc".

"trong đó" may introduce a partition (by level, by organization, by sex) or just one subset
("trong đó có 65 đồng chí giữ chức vụ lãnh đạo"). Only a partition must add up, so a
mismatch is an error only when every part carries a distinct partition label; parts that
merely exceed their total are a warning (categories might overlap).
"""

from __future__ import annotations

import re
from decimal import Decimal

from danvan.reports.checker.context import Analysed, CheckContext
from danvan.reports.checker.document import Block
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind, Quantity, format_number
from danvan.reports.checker.rules.base import finding

_MARKER = re.compile(r"(?<!\w)(?:trong đó|bao gồm|gồm|cụ thể)(?!\w)", re.IGNORECASE)
PARTITION_LABEL = re.compile(
    r"cấp\s+(?:tỉnh|huyện|xã|cơ sở|ấp|trung ương|thành phố|thị xã)"
    r"|(?:^|[,;:(]\s*)(?:tỉnh|huyện|xã|thành phố|thị xã)(?!\w)"
    r"|MTTQ|Mặt trận|Công đoàn|Liên đoàn Lao động|LĐLĐ|Hội Nông dân|HND|Đoàn thanh niên"
    r"|Tỉnh đoàn|ĐTN|Hội LHPN|Hội Liên hiệp Phụ nữ|Hội Cựu chiến binh|Hội CCB|CCB"
    r"|thành thị|nông thôn|(?<!Việt )(?<!\w)(?:[Nn]am|[Nn]ữ)(?!\w)",
)


def partition_label(text: str) -> str:
    """The last partition label in `text` ("cấp huyện", "Hội Nông dân"), or ""."""
    labels = PARTITION_LABEL.findall(text)
    if not labels:
        return ""
    return " ".join(labels[-1].strip(" ,;:(").lower().split())


def _end_of_parts(text: str, sentence_start: int, marker: int, sentence_end: int) -> int:
    """Parts stop at the sentence end, or at the bracket closing the one the marker is in."""
    depth = 0
    for char in text[sentence_start:marker]:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
    if depth == 0:
        return sentence_end
    close = text.find(")", marker, sentence_end)
    return close if close >= 0 else sentence_end


def _outside_brackets(text: str, start: int, quantities: list[Quantity]) -> list[Quantity]:
    kept = []
    for quantity in quantities:
        segment = text[start : quantity.start]
        if segment.count("(") <= segment.count(")"):
            kept.append(quantity)
    return kept


class TotalParts:
    id = "total-parts"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.all_blocks():
            analysed = context.of(block)
            for marker in _MARKER.finditer(block.text):
                result = self._check_marker(analysed, block, marker.start(), marker.end())
                if result is not None:
                    findings.append(result)
        return findings

    def _check_marker(
        self, analysed: Analysed, block: Block, marker_start: int, marker_end: int
    ) -> Finding | None:
        text = block.text
        sentence = analysed.sentence_of(marker_start)
        end = _end_of_parts(text, sentence.start, marker_start, sentence.end)
        after = [
            q
            for q in analysed.measures
            if marker_end <= q.start and q.end <= end and q.kind is Kind.COUNT
        ]
        after = _outside_brackets(text, marker_end, after)
        if not after or any(q.approximate for q in after):
            return None
        unit_class = after[0].unit_class
        parts = [q for q in after if q.unit_class == unit_class]
        if not unit_class or len(parts) != len(after):
            return None
        totals = [
            q
            for q in analysed.measures
            if sentence.start <= q.start
            and q.end <= marker_start
            and q.kind is Kind.COUNT
            and q.unit_class == unit_class
        ]
        if not totals:
            return None
        total = totals[-1]
        if total.approximate:
            return None
        # A nearer "trong đó" between the total and this one would own the total.
        if _MARKER.search(text, total.end, marker_start):
            return None
        labels = []
        previous = marker_end
        for part in parts:
            labels.append(partition_label(text[previous : part.start]))
            previous = part.end
        parts_sum = sum((q.value for q in parts), Decimal(0))
        if parts_sum == total.value:
            return None
        partition = len(parts) >= 2 and all(labels) and len(set(labels)) == len(labels)
        listing = " + ".join(
            f"{label} {q.text}" if label else q.text for q, label in zip(parts, labels, strict=True)
        )
        computed = f"{listing} = {format_number(parts_sum)}"
        if partition:
            return finding(
                self.id,
                Severity.ERROR,
                block,
                total.start,
                parts[-1].end,
                stated=f"{total.text} {total.unit}".strip(),
                computed=computed,
                suggestion=(
                    f"Kiểm tra lại: tổng phải là {format_number(parts_sum)} {total.unit}, "
                    "hoặc một trong các số thành phần sai"
                ),
                explanation=(
                    f"Tổng {total.text} {total.unit} được chia theo {', '.join(labels)}; các phần "
                    f"cộng lại {format_number(parts_sum)}, chênh "
                    f"{format_number(abs(parts_sum - total.value))} so với tổng đã ghi."
                ),
            )
        if parts_sum > total.value:
            return finding(
                self.id,
                Severity.WARNING,
                block,
                total.start,
                parts[-1].end,
                stated=f"{total.text} {total.unit}".strip(),
                computed=computed,
                suggestion="Kiểm tra lại tổng và các số thành phần",
                explanation=(
                    f"Các số nêu sau “trong đó” cộng lại {format_number(parts_sum)}, lớn hơn tổng "
                    f"{total.text}. Nếu các nhóm không trùng nhau thì có số bị ghi sai."
                ),
            )
        return None
