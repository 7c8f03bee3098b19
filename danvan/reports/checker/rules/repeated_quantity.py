"""The same quantity given twice with different values.

Two figures are taken for the same quantity only when they count the same thing (the same
words follow them: "đoàn viên, hội viên") and their digits differ the way a typing slip does
(two digits swapped: 322.951 / 322.915, or one digit changed in a figure whose surrounding
words also match). Different figures of the same unit are otherwise normal, so nothing else
is compared, and neither are figures of another level, organization or year.

It is an error when both are counts in their own right (not a fraction's base), of the same
level and period, and the words before them say the same thing: one quantity, two values.
Otherwise (a fraction's base against a stated total, wording that differs) a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from danvan.reports.checker.context import CheckContext, left_words
from danvan.reports.checker.document import Block
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import Kind, format_number
from danvan.reports.checker.rules.base import finding
from danvan.reports.checker.rules.total_parts import partition_label

MIN_VALUE = 1000
SIMILAR_CONTEXT = 0.3
# The words before both figures say the same (the same noun phrase, the same predicate).
SAME_CONTEXT = 0.5
_YEARS = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class _Figure:
    value: Decimal
    start: int
    end: int
    phrase: str
    block: Block
    order: int
    context: frozenset[str]
    # What pins the quantity down besides its noun: the level or organization it belongs to,
    # the years its sentence names, and whether it is a count of its own (not a fraction's).
    level: str = ""
    period: frozenset[str] = frozenset()
    plain: bool = True
    sentence: int = 0


# Where the counted noun ends and the sentence goes on: "48.326 hội viên, tăng so với …".
_PHRASE_STOP = frozenset(
    "tăng giảm so được đã tham là có đạt chiếm trong với của và tại theo thuộc ở bằng vượt "  # noqa: SIM905
    "trên dưới này đó".split()
)
# "toàn tỉnh" is the whole report's scope, the same as no level at all.
_LEVEL = re.compile(r"cấp\s+(?:tỉnh|huyện|xã|cơ sở|ấp|trung ương)", re.I)


def _level(text: str) -> str:
    """The level and organization a figure belongs to, from the words before it."""
    levels = _LEVEL.findall(text)
    level = " ".join(levels[-1].lower().split()) if levels else ""
    return f"{level}|{partition_label(text)}"


def _noun_key(phrase: str) -> str:
    """Up to four words of what is counted ("đoàn viên hội viên"), stopping at the verb or
    preposition after it."""
    kept: list[str] = []
    for word in phrase.split():
        if word in _PHRASE_STOP:
            break
        # "đoàn viên, hội viên" lists two nouns; "hội viên, sinh hoạt tại …" goes on.
        if kept and kept[-1] == "viên" and word not in {"hội", "đoàn", "đảng"}:
            break
        kept.append(word)
    return " ".join(kept[:4])


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
            key = _noun_key(figure.phrase)
            by_phrase.setdefault(key, []).append(figure)
        for group in by_phrase.values():
            for index, later in enumerate(group):
                for earlier in group[:index]:
                    if earlier.value == later.value or (
                        earlier.block is later.block and earlier.sentence == later.sentence
                    ):
                        continue
                    if earlier.level != later.level or (
                        earlier.period and later.period and earlier.period != later.period
                    ):
                        continue  # another level or another year: another quantity
                    a, b = _digits(earlier.value), _digits(later.value)
                    similar = context.similarity(earlier.context, later.context)
                    if not (_swapped(a, b) or (_one_digit(a, b) and similar >= SIMILAR_CONTEXT)):
                        continue
                    if (a, b) in reported:
                        continue
                    reported.add((a, b))
                    same = (
                        earlier.plain
                        and later.plain
                        and earlier.period == later.period
                        and similar >= SAME_CONTEXT
                    )
                    findings.append(
                        self._finding(earlier, later, swapped=_swapped(a, b), certain=same)
                    )
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
                level = _level(block.text[sentence.start : quantity.start])
                period = frozenset(_YEARS.findall(block.text[sentence.start : sentence.end]))
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
                                level=level,
                                period=period,
                                plain=quantity.kind is Kind.COUNT,
                                sentence=sentence.start,
                            )
                        )
                        order += 1
        return figures

    def _finding(
        self, earlier: _Figure, later: _Figure, *, swapped: bool, certain: bool
    ) -> Finding:
        first, second = format_number(earlier.value), format_number(later.value)
        how = "chỉ khác nhau ở thứ tự hai chữ số" if swapped else "chỉ khác nhau một chữ số"
        if certain:
            scope = ", ".join(
                part
                for part in (
                    earlier.level.replace("|", " ").strip(),
                    "năm " + ", ".join(sorted(earlier.period)) if earlier.period else "",
                )
                if part
            )
            return finding(
                self.id,
                Severity.ERROR,
                later.block,
                later.start,
                later.end,
                stated=f"{second} {_noun_key(later.phrase)}",
                computed=(
                    f"{first} {_noun_key(earlier.phrase)} ở {earlier.block.location.describe()}"
                ),
                suggestion=f"Đối chiếu số gốc và thống nhất ({first} hay {second})",
                explanation=(
                    f"Cùng một số liệu — “{_noun_key(later.phrase)}”"
                    + (f", {scope}" if scope else "")
                    + f", cùng cách diễn đạt — nơi này ghi {second}, "
                    f"{earlier.block.location.describe()} ghi {first}; hai số {how}. Một trong "
                    "hai nơi ghi sai."
                ),
                related=(earlier.block.location,),
            )
        return finding(
            self.id,
            Severity.WARNING,
            later.block,
            later.start,
            later.end,
            stated=f"{second} {_noun_key(later.phrase)}",
            computed=f"{first} {_noun_key(earlier.phrase)} ở {earlier.block.location.describe()}",
            suggestion=f"Đối chiếu số gốc và thống nhất ({first} hay {second})",
            explanation=(
                f"Cùng đếm “{_noun_key(later.phrase)}”, nơi này ghi {second}, "
                f"{earlier.block.location.describe()} ghi {first}; hai số {how}, nhiều khả năng "
                "là một số liệu bị gõ nhầm ở một nơi. Nếu là hai số liệu khác nhau (khác thời "
                "điểm, khác phạm vi), nên ghi rõ để người đọc khỏi nhầm."
            ),
            related=(earlier.block.location,),
        )
