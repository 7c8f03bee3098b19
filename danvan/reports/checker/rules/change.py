"""A stated increase or decrease against the before and after figures.

"từ 62 máy lên 95 máy, tăng 37 máy" is wrong (95 − 62 = 33). In an indicator table the
before figure is in the baseline column and the after figure in the result column, found by
the item's label ("máy tính", "Về chính trị"). A percentage change is accepted both as a
difference in points (88,72% → 100%: "tăng 11,28%") and as a relative change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from danvan.reports.checker.context import CheckContext
from danvan.reports.checker.document import Block, Location
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import (
    HUNDRED,
    Kind,
    Quantity,
    extract,
    format_number,
    within_one_unit,
)
from danvan.reports.checker.rules.base import finding
from danvan.reports.checker.text import Span, overlap, words

_CHANGE = re.compile(r"(tăng|giảm)(?:\s+thêm|\s+được)?\s*$", re.IGNORECASE)
_TIMES = re.compile(r"\s*lần(?!\w)", re.IGNORECASE)
_FROM = re.compile(r"từ\s*$", re.IGNORECASE)
_TO = re.compile(r"(?:lên|đến|tới|còn|xuống)\s*$", re.IGNORECASE)
_EARLIER = re.compile(r"(?:(?:19|20)\d\d|trước|đầu|cùng kỳ)", re.IGNORECASE)
# "tăng 34 mô hình so với năm 2021": the year the change is measured from.
_REFERENCE = re.compile(
    r"[^.;\d]{0,30}?so với\s+(?:cùng kỳ\s+)?(?:năm\s+)?((?:19|20)\d\d)", re.IGNORECASE
)
_YEARS = re.compile(r"(?:19|20)\d\d")
_NOW = re.compile(r"(?:đến|hiện|tới)\s+nay|hiện có|năm\s+(?:19|20)\d\d", re.IGNORECASE)
_SUBSET = re.compile(r"(?<!\w)(?:trong đó|bao gồm|gồm)(?!\w)", re.IGNORECASE)
_LABEL_STOP = frozenset(
    "tổng số hiện có về đạt các và của nay trong đó tỷ lệ chiếm được là tăng giảm so với".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class _Side:
    value: Decimal
    text: str
    is_rate: bool
    block: Block


def _label(text: str) -> set[str]:
    return {word for word in words(text) if word not in _LABEL_STOP}


def _items(text: str) -> list[Span]:
    spans = []
    start = 0
    for index, char in enumerate(text + "\n"):
        if char in "\n;":
            if text[start:index].strip():
                spans.append(Span(start, index))
            start = index + 1
    return spans


def _side(block: Block, quantity: Quantity, claim: Quantity) -> _Side | None:
    """The figure as the claim can use it: a rate for a % claim, else a count of its unit."""
    if claim.kind is Kind.PERCENT:
        rate = quantity.rate()
        if rate is None:
            return None
        return _Side(rate, quantity.text, True, block)
    if quantity.kind is Kind.COUNT and quantity.unit_class == claim.unit_class:
        return _Side(quantity.value, quantity.text, False, block)
    if (
        quantity.kind is Kind.FRACTION
        and quantity.numerator is not None
        and quantity.unit_class == claim.unit_class
    ):
        return _Side(quantity.numerator, format_number(quantity.numerator), False, block)
    return None


class StatedChange:
    id = "change"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.all_blocks():
            analysed = context.of(block)
            for claim in analysed.measures:
                if claim.kind not in {Kind.COUNT, Kind.PERCENT} or claim.approximate:
                    continue
                window = max(0, claim.start - 20)
                verb = _CHANGE.search(block.text[window : claim.start])
                if not verb or _TIMES.match(block.text, claim.end):
                    continue
                if claim.kind is Kind.COUNT and not claim.unit:
                    continue
                sides = self._explicit(context, block, claim) or self._from_table(
                    context, block, claim
                )
                confident = sides is not None
                if sides is None:
                    nearby = self._nearby(context, block, claim)
                    if nearby is None:
                        continue
                    sides, confident = nearby
                result = self._judge(
                    block, claim, verb.group(1).lower(), sides, confident, window + verb.start()
                )
                if result is not None:
                    findings.append(result)
        return findings

    @staticmethod
    def _explicit(
        context: CheckContext, block: Block, claim: Quantity
    ) -> tuple[_Side, _Side] | None:
        """ "từ 62 máy lên 95 máy" in the same clause."""
        analysed = context.of(block)
        clause = analysed.clause_of(claim.start)
        found = [q for q in analysed.measures_in(clause) if q is not claim]
        text = block.text
        for index, first in enumerate(found):
            if not _FROM.search(text[max(0, first.start - 6) : first.start]):
                continue
            for second in found[index + 1 :]:
                if _TO.search(text[max(0, second.start - 8) : second.start]):
                    before, after = _side(block, first, claim), _side(block, second, claim)
                    if before and after:
                        return before, after
        return None

    @staticmethod
    def _from_table(
        context: CheckContext, block: Block, claim: Quantity
    ) -> tuple[_Side, _Side] | None:
        location = block.location
        if location.table is None:
            return None
        table = context.document.tables[location.table]
        columns = context.columns(table)
        if not columns.known or columns.baseline < 0 or location.col == columns.baseline:
            return None
        row = location.row or 0
        text = block.text
        item = next((span for span in _items(text) if span.start <= claim.start < span.end), None)
        if item is None:
            return None
        in_item = [
            q for q in context.of(block).measures if item.start <= q.start and q.end <= claim.start
        ]
        first_figure = in_item[0].start if in_item else claim.start
        label = _label(text[item.start : first_figure])
        after = None
        for quantity in reversed(in_item):
            after = _side(block, quantity, claim)
            if after:
                break
        if after is None:
            result_cell = table.cell(row, columns.result)
            if result_cell is None or result_cell is block:
                return None
            after = _best_item(result_cell, label, claim)
        baseline_cell = table.cell(row, columns.baseline)
        before = _best_item(baseline_cell, label, claim) if baseline_cell else None
        if after is None or before is None:
            return None
        return before, after

    @staticmethod
    def _nearby(
        context: CheckContext, block: Block, claim: Quantity
    ) -> tuple[tuple[_Side, _Side], bool] | None:
        """The figure just before the claim, and the one figure of the year the claim names.

        "năm 2021 có 180 mô hình …; năm 2023 có 214 mô hình, tăng 34 mô hình so với năm 2021":
        the before figure must be tagged with the year the claim compares with, and nothing
        may make the after figure a subset ("… 356 mô hình, trong đó 120 mô hình …, tăng …").
        When the reference year has no figure in the sentence, nothing is said. The pairing is
        certain when the claim names its year; "then … now" without it is only probable.
        """
        analysed = context.of(block)
        text = block.text
        clause = analysed.clause_of(claim.start)
        sentence = analysed.sentence_of(claim.start)
        reference = _REFERENCE.match(text, claim.end)
        before_claim = [
            q
            for q in analysed.measures_in(Span(clause.start, claim.start))
            if _side(block, q, claim)
        ]
        if not before_claim:
            return None
        after_quantity = before_claim[-1]
        after_tag = text[max(sentence.start, after_quantity.start - 25) : after_quantity.start]
        if reference is not None:
            year = reference.group(1)
        elif _NOW.search(after_tag):
            # "Năm 2016 có 62 máy, đến nay có 95 máy, tăng 33 máy": then and now.
            year = ""
        else:
            return None
        earlier = [
            q
            for q in analysed.measures_in(Span(sentence.start, after_quantity.start))
            if _side(block, q, claim)
            and (years := _YEARS.findall(text[max(sentence.start, q.start - 25) : q.start]))
            and (year in years if year else years[-1] not in _YEARS.findall(after_tag))
        ]
        if len(earlier) != 1:
            return None
        if _SUBSET.search(text, earlier[0].end, after_quantity.start):
            return None
        before = _side(block, earlier[0], claim)
        after = _side(block, after_quantity, claim)
        return ((before, after), reference is not None) if before and after else None

    def _judge(
        self,
        block: Block,
        claim: Quantity,
        verb: str,
        sides: tuple[_Side, _Side],
        confident: bool,
        verb_start: int,
    ) -> Finding | None:
        before, after = sides
        difference = after.value - before.value if verb == "tăng" else before.value - after.value
        candidates = [difference]
        if claim.kind is Kind.PERCENT and before.value:
            relative = difference / before.value * HUNDRED
            candidates = [difference, relative] if before.is_rate else [relative]
        if claim.kind is Kind.COUNT:
            if difference == claim.value:
                return None
        elif any(within_one_unit(claim.value, claim.decimals, value) for value in candidates):
            return None
        decimals = claim.decimals if claim.kind is Kind.PERCENT else 0
        shown = format_number(candidates[0], max(decimals, 2 if claim.kind is Kind.PERCENT else 0))
        unit = "%" if claim.kind is Kind.PERCENT else f" {claim.unit}"
        arithmetic = (
            f"{after.text} − {before.text} = {shown}"
            if verb == "tăng"
            else f"{before.text} − {after.text} = {shown}"
        )
        if claim.kind is Kind.PERCENT and before.value:
            relative = difference / before.value * HUNDRED
            arithmetic += f" điểm; tương đối {format_number(relative, 2)}%"
        related: tuple[Location, ...] = tuple(
            {
                side.block.location.key: side.block.location
                for side in sides
                if side.block is not block
            }.values()
        )
        explanation = (
            f"Trước: {before.text}, sau: {after.text}; {arithmetic}. Văn bản ghi {verb} "
            f"{claim.text}{'' if claim.kind is Kind.PERCENT else ' ' + claim.unit}."
        )
        if not confident:
            explanation += " Số trước và sau được suy ra từ câu văn, cần kiểm tra lại."
        return finding(
            self.id,
            Severity.ERROR if confident else Severity.WARNING,
            block,
            min(verb_start, claim.start),
            claim.end,
            stated=f"{verb} {claim.text}",
            computed=arithmetic,
            suggestion=f"Sửa thành “{verb} {shown}{unit.strip() if unit == '%' else unit}”",
            explanation=explanation,
            related=related,
        )


def _best_item(cell: Block, label: set[str], claim: Quantity) -> _Side | None:
    """The item of a cell that the label points at, if it is clear which one."""
    options = []
    quantities = extract(cell.text)
    for item in _items(cell.text):
        figures = [q for q in quantities if item.start <= q.start and q.end <= item.end]
        sides = [side for q in figures if (side := _side(cell, q, claim)) is not None]
        if not sides:
            continue
        first = figures[0].start if figures else item.end
        # For a % claim the explicit rate is the figure; for a count, the first count.
        chosen = sides[-1] if claim.kind is Kind.PERCENT else sides[0]
        options.append((overlap(label, _label(cell.text[item.start : first])), chosen))
    if not options:
        return None
    if len(options) == 1:
        return options[0][1]
    options.sort(key=lambda pair: -pair[0])
    if options[0][0] > 0 and options[0][0] > options[1][0]:
        return options[0][1]
    return None
