"""The same quantity given twice with different values.

Two figures are taken for the same quantity only when they count the same thing (the same
words follow them: "đoàn viên, hội viên") and their digits differ the way a typing slip does
(two digits swapped: 322.951 / 322.915, or one digit changed in a figure whose surrounding
words also match). Different figures of the same unit are otherwise normal, so nothing else
is compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from danvan.reports.checker.context import CheckContext, left_words
from danvan.reports.checker.document import Block
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind, format_number
from danvan.reports.checker.rules.base import finding

MIN_VALUE = 1000
SIMILAR_CONTEXT = 0.3


@dataclass(frozen=True)
class _Figure:
    value: Decimal
    start: int
    end: int
    phrase: str
    block: Block
    order: int
    context: frozenset[str]


def _digits(value: Decimal) -> str:
    return str(int(value))


def _swapped(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    differing = [index for index in range(len(a)) if a[index] != b[index]]
    return (
        len(differing) == 2
        and a[differing[0]] == b[differing[1]]
        and a[differing[1]] == b[differing[0]]
    )


def _one_digit(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1


class RepeatedQuantity:
    id = "same-quantity"

    def check(self, context: CheckContext) -> list[Finding]:
        figures = self._figures(context)
        findings = []
        reported: set[tuple[str, str]] = set()
        by_phrase: dict[str, list[_Figure]] = {}
        for figure in figures:
            # Three words say what is counted; a fourth is often the verb that follows.
            key = " ".join(figure.phrase.split()[:3])
            by_phrase.setdefault(key, []).append(figure)
        for group in by_phrase.values():
            for index, later in enumerate(group):
                for earlier in group[:index]:
                    if earlier.block is later.block or earlier.value == later.value:
                        continue
                    a, b = _digits(earlier.value), _digits(later.value)
                    similar = context.similarity(earlier.context, later.context)
                    if not (_swapped(a, b) or (_one_digit(a, b) and similar >= SIMILAR_CONTEXT)):
                        continue
                    if (a, b) in reported:
                        continue
                    reported.add((a, b))
                    findings.append(self._finding(earlier, later, swapped=_swapped(a, b)))
        return findings

    @staticmethod
    def _figures(context: CheckContext) -> list[_Figure]:
        figures = []
        order = 0
        for block in context.document.all_blocks():
            analysed = context.of(block)
            for quantity in analysed.measures:
                if len(quantity.unit_phrase.split()) < 2 or quantity.approximate:
                    continue
                if quantity.kind not in (Kind.COUNT, Kind.FRACTION):
                    continue
                sentence = analysed.sentence_of(quantity.start)
                words = frozenset(left_words(block.text, quantity, sentence.start, 8))
                values: list[Decimal] = []
                if quantity.kind is Kind.COUNT:
                    values = [quantity.value]
                elif quantity.kind is Kind.FRACTION and quantity.numerator is not None:
                    values = [quantity.numerator, quantity.denominator or Decimal(0)]
                for value in values:
                    if value >= MIN_VALUE and value == value.to_integral_value():
                        figures.append(
                            _Figure(
                                value,
                                quantity.start,
                                quantity.end,
                                quantity.unit_phrase,
                                block,
                                order,
                                words,
                            )
                        )
                        order += 1
        return figures

    def _finding(self, earlier: _Figure, later: _Figure, *, swapped: bool) -> Finding:
        first, second = format_number(earlier.value), format_number(later.value)
        how = "chỉ khác nhau ở thứ tự hai chữ số" if swapped else "chỉ khác nhau một chữ số"
        return finding(
            self.id,
            Severity.WARNING,
            later.block,
            later.start,
            later.end,
            stated=f"{second} {later.phrase}",
            computed=f"{first} {earlier.phrase} ở {earlier.block.location.describe()}",
            suggestion=f"Đối chiếu số gốc và thống nhất ({first} hay {second})",
            explanation=(
                f"Cùng đếm “{later.phrase}”, nơi này ghi {second}, "
                f"{earlier.block.location.describe()} ghi {first}; hai số {how}, nhiều khả năng "
                "là một số liệu bị gõ nhầm ở một nơi. Nếu là hai số liệu khác nhau (khác thời "
                "điểm, khác phạm vi), nên ghi rõ để người đọc khỏi nhầm."
            ),
            related=(earlier.block.location,),
        )
