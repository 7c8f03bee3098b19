"""A total against its stated parts: "326 cuộc, trong đó cấp huyện 48 cuộc, cấp xã 268 cuộc".

"trong đó" may introduce a partition (by level, by organization, by sex) or just one subset
("trong đó có 65 đồng chí giữ chức vụ lãnh đạo"). Only a partition must add up, so a
mismatch is an error only when every part carries a distinct partition label; unlabelled
parts may overlap ("thanh niên", "người dân tộc thiểu số"), so they are never judged.

The parts may be in the next sentence ("… 412 cuộc giám sát. Trong đó, cấp tỉnh 12 cuộc, cấp
huyện 96 cuộc …", or a sentence that starts with its first level, "Cấp tỉnh 18 cán bộ; cấp
huyện …"): then the total is the one count of the parts' unit in the sentence before (or the
last sentence of the paragraph before), and the parts must be levels or sexes, which leave
no one out; any other reading is not judged.
"""

from __future__ import annotations

import re
from decimal import Decimal

from danvan.reports.checker.context import Analysed, CheckContext
from danvan.reports.checker.document import Block, BlockKind
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind, Quantity, format_number
from danvan.reports.checker.rules.base import finding
from danvan.reports.checker.text import Span

_MARKER = re.compile(r"(?<!\w)(?:trong đó|bao gồm|gồm|cụ thể)(?!\w)", re.IGNORECASE)
PARTITION_LABEL = re.compile(
    r"cấp\s+(?:tỉnh|huyện|xã|cơ sở|ấp|trung ương|thành phố|thị xã)"
    r"|(?:^|[,;:(]\s*)(?:tỉnh|huyện|xã|thành phố|thị xã)(?!\w)"
    r"|MTTQ|Mặt trận|Công đoàn|Liên đoàn Lao động|LĐLĐ|Hội Nông dân|HND|Đoàn thanh niên"
    r"|Tỉnh đoàn|ĐTN|Hội LHPN|Hội Liên hiệp Phụ nữ|Hội Cựu chiến binh|Hội CCB|CCB"
    r"|thành thị|nông thôn|(?<!Việt )(?<!\w)(?:[Nn]am|[Nn]ữ)(?!\w)",
)


# A sentence that is a breakdown of the one before: "Trong đó, cấp tỉnh …", "Cấp tỉnh …".
_LIST_OPENING = re.compile(
    r"\s*(?P<lead>(?:(?:trong đó|bao gồm|gồm|cụ thể)\s*[,:]?\s*(?:có\s+)?)?)"
    r"(?=(?:MTTQ\s+|Mặt trận\s+)?cấp\s+(?:tỉnh|huyện|xã|cơ sở|trung ương)|nam\b|nữ\b)",
    re.IGNORECASE,
)
# A colon or a bracket right before a level or a sex opens a list of parts without a word.
_LABELLED_OPENING = re.compile(
    r"[:(]\s*(?=cấp\s+(?:tỉnh|huyện|xã|cơ sở|trung ương)|nam\b|nữ\b)", re.IGNORECASE
)
# Labels that split a whole with nobody left out: levels and sexes (not organizations, a list
# of which may name only some).
_EXHAUSTIVE_LABEL = re.compile(
    r"cấp\s+(?:tỉnh|huyện|xã|cơ sở|ấp|trung ương)|(?<!\w)(?:nam|nữ)(?!\w)", re.IGNORECASE
)


def _exhaustive_label(text: str) -> str:
    labels = _EXHAUSTIVE_LABEL.findall(text)
    return " ".join(labels[-1].lower().split()) if labels else ""


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
        previous: Block | None = None
        for block in context.document.all_blocks():
            analysed = context.of(block)
            for marker in _MARKER.finditer(block.text):
                result = self._check_marker(analysed, block, marker.start(), marker.end())
                if result is not None:
                    findings.append(result)
            for opening in _LABELLED_OPENING.finditer(block.text):
                # "326 cuộc giám sát: cấp huyện 48 cuộc, …" or "(cấp huyện 48 cuộc, …)"; inside
                # a bracket the parts end where it closes.
                result = self._check_marker(analysed, block, opening.end(), opening.end())
                if result is not None:
                    findings.append(result)
            for index, sentence in enumerate(analysed.sentences):
                if index:
                    earlier: tuple[Block, Span] | None = (block, analysed.sentences[index - 1])
                elif (
                    previous is not None
                    and block.kind is BlockKind.PARAGRAPH
                    and context.of(previous).sentences
                ):
                    earlier = (previous, context.of(previous).sentences[-1])
                else:
                    earlier = None
                if earlier is not None:
                    result = self._check_next_sentence(context, block, sentence, *earlier)
                    if result is not None:
                        findings.append(result)
            # A footnote follows no paragraph (footnote-breakdown compares it with its anchor).
            previous = block if block.kind is BlockKind.PARAGRAPH else None
        return findings

    def _check_next_sentence(
        self, context: CheckContext, block: Block, sentence: Span, before: Block, span: Span
    ) -> Finding | None:
        text = block.text
        opening = _LIST_OPENING.match(text, sentence.start)
        if opening is None:
            return None
        analysed = context.of(block)
        after = [
            q
            for q in analysed.measures_in(Span(opening.end("lead"), sentence.end))
            if q.kind is not Kind.YEAR
        ]
        after = _outside_brackets(text, opening.end("lead"), after)
        if len(after) < 2 or any(q.kind is not Kind.COUNT or q.approximate for q in after):
            return None
        unit = after[0].unit
        if not unit or any(q.unit_class != after[0].unit_class for q in after):
            return None
        labels = []
        previous_end = opening.end("lead")
        for part in after:
            label = _exhaustive_label(text[previous_end : part.start])
            if not label:
                return None
            labels.append(label)
            previous_end = part.end
        if len(set(labels)) != len(labels):
            return None
        candidates = [
            q
            for q in context.of(before).measures_in(span)
            if q.kind is Kind.COUNT and q.unit_class == after[0].unit_class
        ]
        if len(candidates) != 1 or candidates[0].approximate:
            return None
        total = candidates[0]
        parts_sum = sum((q.value for q in after), Decimal(0))
        if parts_sum == total.value:
            return None
        listing = " + ".join(f"{label} {q.text}" for q, label in zip(after, labels, strict=True))
        where = "câu trước" if before is block else before.location.describe()
        return finding(
            self.id,
            Severity.ERROR,
            block,
            sentence.start,
            after[-1].end,
            stated=f"{total.text} {total.unit}".strip(),
            computed=f"{listing} = {format_number(parts_sum)}",
            suggestion=(
                f"Kiểm tra lại: tổng phải là {format_number(parts_sum)} {total.unit}, "
                "hoặc một trong các số thành phần sai"
            ),
            explanation=(
                f"Tổng {total.text} {total.unit} ({where}) được chia theo {', '.join(labels)} ở "
                f"câu này; các phần cộng lại {format_number(parts_sum)}, chênh "
                f"{format_number(abs(parts_sum - total.value))} so với tổng."
            ),
            related=() if before is block else (before.location,),
        )

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
        return None
