"""A figure in the text against the breakdown its footnote gives.

"điều động 97 cán bộ …^[8]" with footnote 8 "Cấp tỉnh: Điều động 12 đồng chí …; Cấp huyện:
Điều động 82 đồng chí …": 12 + 82 = 94, not 97. Only the figure the note is attached to (the
last count before the reference) is compared, and in each part of the note only the figure
whose surrounding words clearly match it; if any part has no clear match nothing is said.
"""

from __future__ import annotations

import re
from decimal import Decimal

from danvan.reports.checker.context import CheckContext, left_words, right_words
from danvan.reports.checker.document import Block
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind, Quantity, format_number
from danvan.reports.checker.rules.base import finding
from danvan.reports.checker.text import Span, overlap

_LEVEL_SEGMENT = re.compile(
    r"(?:^|(?<=[.;]))\s*((?:(?:MTTQ|Mặt trận)\s+)?[Cc]ấp\s+(?:tỉnh|huyện|xã|cơ sở|ấp)"
    r"|(?:MTTQ|Mặt trận)\s+(?:tỉnh|huyện|xã))"
)
_ORGANIZATION_SEGMENT = re.compile(
    r"(?:^|(?<=[.;,]))\s*(Công đoàn|Liên đoàn Lao động|Hội Nông dân|Đoàn thanh niên|Tỉnh đoàn"
    r"|Hội LHPN|Hội Liên hiệp Phụ nữ|Hội Cựu chiến binh|Hội CCB|MTTQ|Mặt trận)"
    r"(?=[^.;,\d]{0,25}\d)"
)
_TARGET_BEFORE = re.compile(r"(?:kế hoạch|chỉ tiêu|mục tiêu|đề ra)[^.;\d]{0,15}$", re.IGNORECASE)
MIN_SCORE = 0.3
MARGIN = 0.1


def segments(text: str) -> list[tuple[str, Span]]:
    """The note cut into its labelled parts: ("Cấp tỉnh", span), ("Cấp huyện", span)…"""
    matches = list(_LEVEL_SEGMENT.finditer(text)) or list(_ORGANIZATION_SEGMENT.finditer(text))
    result = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        result.append((" ".join(match.group(1).split()), Span(match.start(1), end)))
    return result


_LIST_LABEL = re.compile(r"cấp\s+(?:tỉnh|huyện|xã|cơ sở)|(?<!\w)(?:nam|nữ)(?!\w)", re.IGNORECASE)


def _level_list(
    text: str, measures: list[Quantity], anchor: Quantity
) -> list[tuple[str, Quantity]]:
    """A note that is only a list by level or sex: "Cấp tỉnh 4 lớp, cấp huyện 60 lớp, …".

    Every count of the anchor's unit in the note must follow its own distinct label, and the
    note may count nothing else of that unit; otherwise it is not such a list.
    """
    counts = [q for q in measures if q.kind is Kind.COUNT and q.unit_class == anchor.unit_class]
    if len(counts) < 2 or any(q.approximate for q in counts):
        return []
    chosen: list[tuple[str, Quantity]] = []
    previous = 0
    for quantity in counts:
        labels = _LIST_LABEL.findall(text[previous : quantity.start])
        if not labels:
            return []
        chosen.append((" ".join(labels[-1].split()), quantity))
        previous = quantity.end
    if len({label.lower() for label, _ in chosen}) != len(chosen):
        return []
    return chosen


def _context(text: str, quantity: Quantity, floor: int, ceiling: int) -> set[str]:
    clause_end = re.search(r"[;()]", text[quantity.end : ceiling])
    right_end = quantity.end + clause_end.start() if clause_end else ceiling
    return left_words(text, quantity, floor, 6) | right_words(text, quantity, right_end, 8)


class FootnoteBreakdown:
    id = "footnote-breakdown"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.blocks:
            for ref in block.refs:
                note = context.document.footnotes.get(ref.number)
                if note is None:
                    continue
                result = self._check_ref(context, block, ref.offset, note)
                if result is not None:
                    findings.append(result)
        return findings

    def _check_ref(
        self, context: CheckContext, block: Block, offset: int, note: Block
    ) -> Finding | None:
        analysed = context.of(block)
        clause = analysed.clause_of(max(0, offset - 1))
        counts = [
            q
            for q in analysed.measures_in(Span(clause.start, offset))
            if q.kind is Kind.COUNT
            and not q.word
            and q.unit
            # "(kế hoạch 300 căn)^[1]": the note breaks down the result, not the plan.
            and not _TARGET_BEFORE.search(block.text[max(clause.start, q.start - 25) : q.start])
        ]
        if not counts or counts[-1].approximate:
            return None
        anchor = counts[-1]
        note_measures = context.of(note).measures
        chosen = _level_list(note.text, note_measures, anchor) or self._matched(
            context, block, anchor, clause.start, offset, note
        )
        if not chosen:
            return None
        return self._judge(block, anchor, counts, chosen, note)

    @staticmethod
    def _matched(
        context: CheckContext, block: Block, anchor: Quantity, floor: int, offset: int, note: Block
    ) -> list[tuple[str, Quantity]]:
        """In each labelled part of the note, the one figure whose words match the anchor's."""
        anchor_context = _context(block.text, anchor, floor, offset)
        parts = segments(note.text)
        if len(parts) < 2:
            return []
        note_measures = context.of(note).measures
        chosen: list[tuple[str, Quantity]] = []
        for label, span in parts:
            candidates = [
                q
                for q in note_measures
                if span.start <= q.start < span.end
                and q.kind is Kind.COUNT
                and q.unit_class == anchor.unit_class
                and not q.approximate
            ]
            scored = sorted(
                (
                    (overlap(anchor_context, _context(note.text, q, span.start, span.end)), q)
                    for q in candidates
                ),
                key=lambda pair: -pair[0],
            )
            if not scored or scored[0][0] < MIN_SCORE:
                return []
            if len(scored) > 1 and scored[0][0] - scored[1][0] < MARGIN:
                return []
            chosen.append((label, scored[0][1]))
        return chosen

    def _judge(
        self,
        block: Block,
        anchor: Quantity,
        counts: list[Quantity],
        chosen: list[tuple[str, Quantity]],
        note: Block,
    ) -> Finding | None:
        total = sum((q.value for _, q in chosen), Decimal(0))
        if any(q.value == total and q.unit_class == anchor.unit_class for q in counts):
            return None
        listing = " + ".join(f"{label} {q.text}" for label, q in chosen)
        return finding(
            self.id,
            Severity.ERROR,
            block,
            anchor.start,
            anchor.end,
            stated=f"{anchor.text} {anchor.unit}",
            computed=f"{listing} = {format_number(total)}",
            suggestion=(
                f"Thống nhất số liệu giữa văn bản ({anchor.text}) và chú thích "
                f"{note.location.footnote} ({format_number(total)})"
            ),
            explanation=(
                f"Chú thích {note.location.footnote} chia số này theo {len(chosen)} phần: "
                f"{listing} = {format_number(total)}, chênh "
                f"{format_number(abs(total - anchor.value))} so với {anchor.text} "
                "ghi trong văn bản."
            ),
            related=(note.location,),
        )
