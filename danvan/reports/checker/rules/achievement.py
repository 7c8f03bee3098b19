"""An achievement claim against the value and target it refers to.

"tỷ lệ 85,3%, đạt 104,2% chỉ tiêu (chỉ tiêu 82%)": 85,3 / 82 = 104,02%, so 104,2% is wrong.
In an indicator table the value is in the result column and the target in the indicator's
name. Value and target are taken from the claim's own clause and must count the same thing.
When several values or targets could be meant, the claim is accepted if any pairing gives it
and nothing is said otherwise (no list of candidate divisions); a contradiction is an error
only when there is a single value and a single target. A warning remains for a claim that
fits, instead, a target for the same indicator quoted elsewhere in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from danvan.reports.checker.context import (
    ACHIEVEMENT_AFTER,
    CheckContext,
    Target,
    left_words,
)
from danvan.reports.checker.document import Block, Location
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import (
    HUNDRED,
    Kind,
    Quantity,
    format_number,
    format_percent,
    round_half_up,
    within_one_unit,
    within_rounding,
)
from danvan.reports.checker.rules.base import finding
from danvan.reports.checker.text import content_words, words

_ACHIEVED_BEFORE = re.compile(r"(đạt|bằng|vượt)\s*$", re.IGNORECASE)
_TARGET_BEFORE = re.compile(
    r"(?:chỉ tiêu|kế hoạch|mục tiêu|đề ra|được giao|phấn đấu)[^.;\d%]{0,20}$", re.IGNORECASE
)
_CHANGE_BEFORE = re.compile(r"(?:tăng|giảm)\s*(?:thêm|được)?\s*$", re.IGNORECASE)
SIMILAR_TARGET = 0.3
_VAGUE = frozenset({"khoảng", "xấp xỉ", "gần", "ước", "ước đạt", "chưa đến", "hơn"})


@dataclass(frozen=True)
class _Figure:
    """A value or a target reduced to what can be divided: a rate or a count."""

    value: Decimal
    text: str
    is_rate: bool
    block: Block
    quantity: Quantity


def _figures(block: Block, quantities: list[Quantity]) -> list[_Figure]:
    figures = []
    for quantity in quantities:
        if quantity.kind is Kind.PERCENT:
            figures.append(_Figure(quantity.value, quantity.text, True, block, quantity))
        elif quantity.kind is Kind.FRACTION and quantity.numerator is not None:
            rate = quantity.rate()
            if rate is not None:
                figures.append(_Figure(rate, format_percent(rate), True, block, quantity))
            figures.append(
                _Figure(
                    quantity.numerator, format_number(quantity.numerator), False, block, quantity
                )
            )
        elif quantity.kind is Kind.COUNT and quantity.value > 0 and not quantity.word:
            figures.append(_Figure(quantity.value, quantity.text, False, block, quantity))
    # "9/14 đồng chí, chiếm tỷ lệ 64,29%": the rate as written stands for the fraction's.
    stated = [f for f in figures if f.is_rate and f.quantity.kind is Kind.PERCENT]
    return [
        f
        for f in figures
        if not (
            f.is_rate
            and f.quantity.kind is Kind.FRACTION
            and any(within_rounding(s.value, s.quantity.decimals, f.value) for s in stated)
        )
    ]


def _ratios(value: _Figure, target: _Figure, verb: str) -> list[Decimal]:
    if value.is_rate != target.is_rate or not target.value or not value.value:
        return []
    units = (value.quantity.unit_class, target.quantity.unit_class)
    if not value.is_rate and all(units) and units[0] != units[1]:
        return []  # 320 hộ against a target of 1.500 đoàn viên: not the same indicator
    ratio = value.value / target.value * HUNDRED
    # A "lower is better" indicator is achieved as target / value.
    ratios = [ratio, target.value / value.value * HUNDRED]
    if verb == "vượt":
        # "vượt 1,2% chỉ tiêu": by 1,30% of the target, or by 1,2 points for a rate.
        ratios += [ratio - HUNDRED]
        if value.is_rate:
            ratios += [value.value - target.value]
    return ratios


class Achievement:
    id = "achievement"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.all_blocks():
            analysed = context.of(block)
            for claim in analysed.measures:
                if claim.kind is not Kind.PERCENT or claim.approximate:
                    continue
                before = block.text[max(0, claim.start - 20) : claim.start]
                verb_match = _ACHIEVED_BEFORE.search(before)
                if not verb_match or not ACHIEVEMENT_AFTER.match(block.text, claim.end):
                    continue
                values, targets = self._candidates(context, block, claim)
                if not values:
                    continue
                result = self._judge(
                    context, block, claim, verb_match.group(1).lower(), values, targets
                )
                if result is not None:
                    findings.append(result)
        return findings

    def _candidates(
        self, context: CheckContext, block: Block, claim: Quantity
    ) -> tuple[list[_Figure], list[_Figure]]:
        location = block.location
        if location.table is not None:
            table = context.document.tables[location.table]
            columns = context.columns(table)
            if columns.known and location.col != columns.result:
                group = context.group_of(table, location.row or 0)
                result_cell = table.cell(location.row or 0, columns.result)
                indicator_cell = table.cell(group.first, columns.indicator) if group else None
                claim_level, claim_label, item_labels = _item_of(block.text, claim.start)
                values = _row_values(context, result_cell, claim_label) if result_cell else []
                targets = []
                if indicator_cell is not None:
                    for figure in _figures(indicator_cell, context.of(indicator_cell).measures):
                        level, label = _target_scope(indicator_cell.text, figure.quantity.start)
                        # "Cấp tỉnh: - Về chính trị: Đạt 100%" is not measured against the
                        # indicator's "cấp xã … phấn đấu trên 60% có trình độ đại học".
                        if claim_level and level and level != claim_level:
                            continue
                        # A target belongs to the one item of the cell it speaks of most.
                        if claim_label:
                            scores = [len(item & label) for item in item_labels]
                            own = len(claim_label & label)
                            if not own or own < max(scores) or scores.count(own) > 1:
                                continue
                        targets.append(figure)
                return values, targets
        analysed = context.of(block)
        # The claim speaks of the figure of its own clause, never of another sentence's.
        sentence = analysed.clause_of(claim.start)
        in_sentence = [q for q in analysed.measures_in(sentence) if q is not claim]
        target_quantities = [
            q
            for q in in_sentence
            if _TARGET_BEFORE.search(block.text[max(sentence.start, q.start - 30) : q.start])
        ]
        value_quantities = [
            q
            for q in in_sentence
            if q.end <= claim.start
            and q not in target_quantities
            and not _CHANGE_BEFORE.search(block.text[max(0, q.start - 15) : q.start])
            and not ACHIEVEMENT_AFTER.match(block.text, q.end)
        ]
        # The figure achieved is the one written just before the claim.
        values = _figures(block, value_quantities[-1:])
        return values, _figures(block, target_quantities)

    def _judge(
        self,
        context: CheckContext,
        block: Block,
        claim: Quantity,
        verb: str,
        values: list[_Figure],
        targets: list[_Figure],
    ) -> Finding | None:
        def matches(value: _Figure, target: _Figure) -> bool:
            return any(
                within_one_unit(claim.value, claim.decimals, ratio)
                for ratio in _ratios(value, target, verb)
            )

        if any(matches(value, target) for value in values for target in targets):
            return None
        alternatives = self._alternative_targets(context, block, values, targets)
        for alternative in alternatives:
            figure = _figures(alternative.block, [alternative.quantity])[0]
            for value in values:
                if matches(value, figure):
                    return self._other_target(block, claim, value, figure, alternative, targets)
        if not targets:
            return None
        pairs = [(v, t) for v in values for t in targets if _ratios(v, t, verb)]
        if not pairs:
            return None
        # "Có 353/449 đồng chí, chiếm tỷ lệ 78,62%" states one rate twice: one pairing.
        distinct = {round_half_up(v.value / t.value * HUNDRED, claim.decimals) for v, t in pairs}
        if len(distinct) != 1:
            # Several possible values or targets: which division the text means is not written.
            return None
        # Explain with the rate as the text writes it rather than one worked out of a fraction.
        pairs.sort(key=lambda pair: pair[0].quantity.kind is not Kind.PERCENT)
        value, target = pairs[0]
        exact = value.value / target.value * HUNDRED
        computed = f"{value.text} / {target.text} = {format_percent(exact)}"
        # "phấn đấu trên 60%" is a floor, divided by as the target; "khoảng 60%" is not a figure.
        vague = target.quantity.in_range or target.quantity.qualifier in _VAGUE
        severity = Severity.WARNING if vague else Severity.ERROR
        return finding(
            self.id,
            severity,
            block,
            claim.start,
            claim.end,
            stated=claim.text,
            computed=computed,
            suggestion=f"Sửa thành {format_percent(exact, claim.decimals)} chỉ tiêu",
            explanation=(
                f"Kết quả {value.text} so với chỉ tiêu {target.text}: {computed}, không phải "
                f"{claim.text}."
            ),
            related=_related(block, value, target),
        )

    @staticmethod
    def _alternative_targets(
        context: CheckContext, block: Block, values: list[_Figure], targets: list[_Figure]
    ) -> list[Target]:
        """Targets stated elsewhere for what looks like the same indicator."""
        own = {(id(t.block), t.quantity.start) for t in targets}
        references: list[set[str]] = []
        for figure in targets or values:
            analysed = context.of(figure.block)
            sentence = analysed.sentence_of(figure.quantity.start)
            references.append(left_words(figure.block.text, figure.quantity, sentence.start, 10))
        similar = []
        kinds = {(figure.is_rate, figure.quantity.unit_class) for figure in targets or values}
        for target in context.targets:
            if (id(target.block), target.quantity.start) in own or target.block is block:
                continue
            is_rate = target.quantity.kind is Kind.PERCENT
            if not any(
                is_rate == rate and (rate or not unit or unit == target.quantity.unit_class)
                for rate, unit in kinds
            ):
                continue
            if target.quantity.in_range:
                continue
            score = max(
                (context.similarity(target.context, ref) for ref in references), default=0.0
            )
            if score >= SIMILAR_TARGET:
                similar.append((score, target))
        similar.sort(key=lambda pair: -pair[0])
        return [target for _, target in similar]

    def _other_target(
        self,
        block: Block,
        claim: Quantity,
        value: _Figure,
        used: _Figure,
        alternative: Target,
        stated_targets: list[_Figure],
    ) -> Finding:
        exact = value.value / used.value * HUNDRED
        where = alternative.block.location.describe()
        year = f" (mốc năm {alternative.year})" if alternative.year else ""
        if stated_targets:
            own = ", ".join(t.text for t in stated_targets if t.is_rate == used.is_rate)
            own_text = f"; chỉ tiêu nêu ngay tại chỗ là {own}" if own else ""
        else:
            own_text = ""
        return finding(
            self.id,
            Severity.WARNING,
            block,
            claim.start,
            claim.end,
            stated=claim.text,
            computed=f"{value.text} / {used.text} = {format_percent(exact)}",
            suggestion="Thống nhất chỉ tiêu dùng để so sánh trong toàn báo cáo",
            explanation=(
                f"{claim.text} khớp với {value.text} so với chỉ tiêu {used.text} nêu ở {where}"
                f"{year}{own_text}. Chỉ tiêu được trích dẫn khác nhau ở hai nơi."
            ),
            related=(alternative.block.location, *(t.block.location for t in stated_targets[:1])),
        )


_LEVEL = re.compile(r"cấp\s+(?:tỉnh|huyện|xã|cơ sở|ấp)", re.IGNORECASE)
_ITEM_WORDS_STOP = frozenset({"về", "đạt", "chỉ", "tiêu", "nghị", "quyết", "có", "là"})


def _words_of(text: str) -> set[str]:
    return {word for word in words(text) if word not in _ITEM_WORDS_STOP} & content_words(text)


def _item_of(text: str, offset: int) -> tuple[str, set[str], list[set[str]]]:
    """The level a cell's item is under ("Cấp tỉnh:") and what tells the item apart from the
    cell's other items ("Về trình độ chính trị" / "… chuyên môn": {chính, trị}), for a cell
    that lists several items one per line; and the labels of all its items."""
    levels = _LEVEL.findall(text[:offset])
    level = " ".join(levels[-1].lower().split()) if levels else ""
    line_start = text.rfind("\n", 0, offset) + 1
    if "\n" not in text:
        return level, set(), []
    labels = []
    for line in text.split("\n"):
        head = re.split(r"\d", line, maxsplit=1)[0]
        if head != line:
            labels.append(_words_of(head))
    own = _words_of(re.split(r"\d", text[line_start:offset], maxsplit=1)[0])
    shared = set.intersection(*labels) if len(labels) > 1 else set()
    return level, own - shared, [label - shared for label in labels]


def _target_scope(text: str, offset: int) -> tuple[str, set[str]]:
    """The level a target is set for (within its sentence) and the words of its own clause."""
    start = max(text.rfind(".", 0, offset), text.rfind(";", 0, offset)) + 1
    levels = _LEVEL.findall(text[start:offset])
    clause_start = max(start, text.rfind(",", 0, offset) + 1)
    ends = [i for i in (text.find(mark, offset) for mark in ".;,") if i >= 0]
    end = min(ends) if ends else len(text)
    level = " ".join(levels[-1].lower().split()) if levels else ""
    return level, _words_of(text[clause_start:end])


def _row_values(context: CheckContext, cell: Block, label: set[str]) -> list[_Figure]:
    """The result cell's figures; of the item whose label matches when it lists several."""
    lines = [line for line in cell.text.split("\n") if re.search(r"\d", line)]
    measures = context.of(cell).measures
    if len(lines) <= 1 or not label:
        return _figures(cell, measures)
    scored = []
    position = 0
    for line in cell.text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        figures = [q for q in measures if start <= q.start and q.end <= end]
        if figures:
            first = figures[0].start
            scored.append((len(label & _words_of(cell.text[start:first])), figures))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return []
    return _figures(cell, scored[0][1])


def _related(block: Block, value: _Figure, target: _Figure) -> tuple[Location, ...]:
    return tuple(
        {
            figure.block.location.key: figure.block.location
            for figure in (value, target)
            if figure.block is not block
        }.values()
    )
