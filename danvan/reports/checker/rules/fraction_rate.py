"""A fraction and the rate stated with it: "215/240 đồng chí, chiếm tỷ lệ 91,58%"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from danvan.reports.checker.context import ACHIEVEMENT_AFTER, Analysed, CheckContext
from danvan.reports.checker.document import Block
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import (
    Kind,
    Quantity,
    format_number,
    format_percent,
    round_half_up,
    within_one_unit,
    within_rounding,
)
from danvan.reports.checker.rules.base import digits_swapped, finding, points, tolerance_text
from danvan.reports.checker.text import Span, words

_RATE_CUE = re.compile(r"(?:chiếm|tỷ lệ|đạt|bằng|là|=|\(|,)\s*$", re.IGNORECASE)
_OTHER_PERIOD = re.compile(r"(?:19|20)\d\d|trước|cùng kỳ|năm ngoái|kỳ trước", re.IGNORECASE)
_CHANGE_CUE = re.compile(r"(?:tăng|giảm)\s*(?:thêm|được)?\s*$", re.IGNORECASE)
MAX_GAP = 120


class FractionRate:
    id = "fraction-rate"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.all_blocks():
            analysed = context.of(block)
            for fraction, rate, uncertain in _pairs(analysed):
                result = self._compare(block.text, analysed, fraction, rate, uncertain)
                if result is not None:
                    findings.append(result)
        return findings

    def _compare(
        self, text: str, analysed: Analysed, fraction: Quantity, rate: Quantity, uncertain: bool
    ) -> Finding | None:
        exact = fraction.rate()
        if exact is None:
            return None
        if within_rounding(rate.value, rate.decimals, exact):
            return None
        start, end = min(fraction.start, rate.start), max(fraction.end, rate.end)
        shown = max(rate.decimals, 1)
        suggestion_value = format_percent(exact, rate.decimals)
        exact_text = f"{fraction.text} = {format_percent(exact, 2)}"
        if within_one_unit(rate.value, rate.decimals, exact):
            return finding(
                FractionRate.id,
                Severity.NOTE,
                analysed.block,
                start,
                end,
                stated=rate.text,
                computed=exact_text,
                suggestion=f"Làm tròn lên: {suggestion_value}",
                explanation=(
                    f"{exact_text}; làm tròn nửa lên đến {rate.decimals} chữ số thập phân được "
                    f"{suggestion_value}, trong khi văn bản ghi {rate.text} (có lẽ đã cắt bớt "
                    "chữ số thay vì làm tròn). Sai lệch không vượt quá một đơn vị ở chữ số cuối."
                ),
            )
        gap = exact - rate.value
        explanation = (
            f"{exact_text}. Tỷ lệ ghi {rate.text} lệch {points(gap)} điểm phần trăm, lớn hơn sai "
            f"số làm tròn của chính nó ({tolerance_text(rate.decimals)})."
        )
        if digits_swapped(rate.text, format_number(round_half_up(exact, rate.decimals), shown)):
            explanation += " Hai số có cùng các chữ số, có thể gõ nhầm thứ tự."
        severity = Severity.ERROR
        if uncertain:
            severity = Severity.WARNING
            explanation += (
                " Tỷ lệ đứng trước phân số và giữa chúng có mốc thời gian khác, nên có thể "
                "hai số nói về hai thời điểm; nếu cùng một thời điểm thì một trong hai số sai."
            )
        return finding(
            FractionRate.id,
            severity,
            analysed.block,
            start,
            end,
            stated=rate.text,
            computed=exact_text,
            suggestion=f"Sửa tỷ lệ thành {suggestion_value} (hoặc kiểm tra lại tử số, mẫu số)",
            explanation=explanation,
        )


def _quoted(text: str, offset: int) -> bool:
    """Inside a quotation ("…" or “…”) that opened in the same line."""
    line = text[text.rfind("\n", 0, offset) + 1 : offset]
    return line.count('"') % 2 == 1 or line.count("“") > line.count("”")


def _pairs(analysed: Analysed) -> list[tuple[Quantity, Quantity, bool]]:
    """Each fraction with the rate that states it, and whether the pairing is uncertain."""
    text = analysed.block.text
    measures = analysed.measures
    # "Chi hội 5 tốt" names a title; its number sits between a fraction and its rate.
    everything = [
        q for q in analysed.quantities if q.kind is not Kind.YEAR and not _quoted(text, q.start)
    ]
    pairs = []
    for fraction in (q for q in measures if q.kind is Kind.FRACTION and not q.qualifier):
        sentence = analysed.sentence_of(fraction.start)
        following = [q for q in everything if q.start >= fraction.end and q.end <= sentence.end]
        if following and following[0].kind is Kind.PERCENT:
            rate = following[0]
            between = text[fraction.end : rate.start]
            if (
                len(between) <= MAX_GAP
                and ";" not in between
                and _RATE_CUE.search(between)
                and not _CHANGE_CUE.search(between)
                and not rate.approximate
                and not ACHIEVEMENT_AFTER.match(text, rate.end)
            ):
                pairs.append((fraction, rate, False))
                continue
        preceding = [q for q in everything if q.end <= fraction.start and q.start >= sentence.start]
        if preceding and preceding[-1].kind is Kind.PERCENT:
            rate = preceding[-1]
            between = text[rate.end : fraction.start]
            if len(between) <= 40 and ";" not in between and not rate.approximate:
                stripped = between.strip(" ,(")
                if not stripped or re.fullmatch(r"(?:tức|tức là|gồm|trên tổng số)", stripped):
                    pairs.append((fraction, rate, False))
                elif _OTHER_PERIOD.search(between) and len(stripped.split()) <= 5:
                    pairs.append((fraction, rate, True))
    return pairs


_BASE_RATE_CUE = re.compile(r",?\s*(?:đạt|chiếm|bằng)\s*(?:tỷ lệ\s*)?(?:là\s*)?$", re.IGNORECASE)
_BARE_REACHED = re.compile(r"đạt\s*$", re.IGNORECASE)
# "đạt 26,5% so với tổng số hộ được hỗ trợ": the base named in words after the rate.
_NAMED_BASE = re.compile(
    r"\s*(?:so với|trên)\s+(?:tổng\s+)?số\s+(?P<noun>[^\W\d_][^\d.;:()%]{0,60})", re.IGNORECASE
)
# A count that carries its own rate ("còn 4.215 hộ nghèo, chiếm 1,65%") is a sibling, not a base.
_OWN_RATE_AFTER = re.compile(
    r"[^\d.;]{0,40}?(?:đạt|chiếm|bằng)\s*(?:tỷ lệ\s*)?\d[\d.,]*\s?%", re.IGNORECASE
)


@dataclass(frozen=True)
class _Base:
    quantity: Quantity
    block: Block
    # "clause": the only earlier count of the unit in the rate's own clause; "named": the
    # base the text names ("so với tổng số hộ"); "sentence": the only candidate in the sentence.
    how: str


class StatedBaseRate:
    """A count and its rate, "thụ lý 1.260 vụ việc, trong đó hòa giải thành 1.085 vụ việc, đạt
    tỷ lệ 88,6%", against the base the text gives for it.

    The base is taken only where the text makes it unambiguous: the one earlier count of the
    same unit in the rate's own clause (a year-by-year list is cut at each "năm …"), or the
    total the text names ("đạt 26,5% so với tổng số hộ …"). Both are errors when they do not
    give the rate. When the base sits in another clause of the sentence and is the only count
    of that unit there, the pairing is probable: a warning. Anything else is not judged.
    """

    id = "stated-base-rate"

    def check(self, context: CheckContext) -> list[Finding]:
        findings = []
        for block in context.document.all_blocks():
            analysed = context.of(block)
            text = block.text
            measures = analysed.measures
            for index, rate in enumerate(measures):
                if rate.kind is not Kind.PERCENT or rate.approximate or index == 0:
                    continue
                if rate.value > 100 or ACHIEVEMENT_AFTER.match(text, rate.end):
                    continue
                part = measures[index - 1]
                between = text[part.end : rate.start]
                if (
                    part.kind is not Kind.COUNT
                    or part.approximate
                    or part.word
                    or len(between) > 30
                    or not _BASE_RATE_CUE.search(between)
                ):
                    continue
                named = _NAMED_BASE.match(text, rate.end)
                if not part.unit and not named:
                    continue
                if (
                    part.unit.split()[-1:] == ["đồng"]
                    and not named
                    and _BARE_REACHED.search(between)
                ):
                    continue  # "đã chi 45 tỷ đồng, đạt 90%": money reached is of a plan
                base = (
                    self._named_base(context, block, part, named.group("noun"))
                    if named
                    else self._base(analysed, part)
                )
                if base is None or base.quantity.value <= part.value:
                    continue
                if self._another_base_fits(analysed, part, rate):
                    continue
                result = self._judge(block, part, rate, base)
                if result is not None:
                    findings.append(result)
        return findings

    @staticmethod
    def _candidates(analysed: Analysed, part: Quantity, span: Span) -> list[Quantity]:
        text = analysed.block.text
        return [
            q
            for q in analysed.measures_in(Span(span.start, part.start))
            if q.kind is Kind.COUNT
            and q.unit_class == part.unit_class
            and not q.approximate
            and not q.word
            and not _OWN_RATE_AFTER.match(text, q.end)
        ]

    def _another_base_fits(self, analysed: Analysed, part: Quantity, rate: Quantity) -> bool:
        """Any count of the unit in the sentence that gives the rate: the text may mean it."""
        sentence = analysed.sentence_of(part.start)
        # Every count of the unit, those with a rate of their own too ("… chuyển 1.198 đơn,
        # đạt 96,22%; có kết quả 1.056 đơn, đạt 88,15%": 1.056 / 1.198).
        return any(
            q.kind is Kind.COUNT
            and q.unit_class == part.unit_class
            and q.value > part.value
            and within_one_unit(rate.value, rate.decimals, part.value / q.value * 100)
            for q in analysed.measures_in(Span(sentence.start, part.start))
        )

    def _base(self, analysed: Analysed, part: Quantity) -> _Base | None:
        block = analysed.block
        in_clause = self._candidates(analysed, part, segment_of(analysed, part.start))
        if len(in_clause) == 1:
            return _Base(in_clause[0], block, "clause")
        if in_clause:
            return None
        in_sentence = self._candidates(analysed, part, analysed.sentence_of(part.start))
        if len(in_sentence) == 1:
            return _Base(in_sentence[0], block, "sentence")
        return None

    @staticmethod
    def _named_base(context: CheckContext, block: Block, part: Quantity, noun: str) -> _Base | None:
        """The nearest earlier count, in this paragraph or the one before, of the named thing."""
        noun_words = words(noun)[:6]
        if not noun_words:
            return None
        head = noun_words[0]
        if part.unit and part.unit.split()[0] != head:
            return None
        blocks = context.document.blocks
        position = next((i for i, b in enumerate(blocks) if b is block), -1)
        scope = [block] if position <= 0 else [block, blocks[position - 1]]
        for candidate_block in scope:
            analysed = context.of(candidate_block)
            limit = part.start if candidate_block is block else len(candidate_block.text)
            options = []
            for q in reversed(analysed.measures):
                if q.end > limit or q.kind is not Kind.COUNT or q.approximate or q.word:
                    continue
                if not q.unit or q.unit.split()[0] != head:
                    continue
                phrase = set(words(q.unit_phrase))
                score = len(phrase & set(noun_words))
                options.append((score, q))
            if options:
                best = max(score for score, _ in options)
                chosen = [q for score, q in options if score == best]
                # The nearest of the best-matching counts: the text names the latest total.
                return _Base(chosen[0], candidate_block, "named")
        return None

    def _judge(self, block: Block, part: Quantity, rate: Quantity, base: _Base) -> Finding | None:
        exact = part.value / base.quantity.value * 100
        if within_rounding(rate.value, rate.decimals, exact):
            return None
        computed = f"{part.text}/{base.quantity.text} = {format_percent(exact)}"
        suggestion_value = format_percent(exact, rate.decimals)
        where = "" if base.block is block else f" (tổng số ở {base.block.location.describe()})"
        related = () if base.block is block else (base.block.location,)
        start = base.quantity.start if base.block is block else part.start
        if within_one_unit(rate.value, rate.decimals, exact):
            return finding(
                self.id,
                Severity.NOTE,
                block,
                start,
                rate.end,
                stated=rate.text,
                computed=computed,
                suggestion=f"Làm tròn lên: {suggestion_value}",
                explanation=(
                    f"{computed}{where}; làm tròn nửa lên được {suggestion_value}, văn bản ghi "
                    f"{rate.text} (có lẽ đã cắt bớt chữ số thay vì làm tròn)."
                ),
                related=related,
            )
        base_text = f"{base.quantity.text} {base.quantity.unit}".strip()
        if base.how == "sentence":
            return finding(
                self.id,
                Severity.WARNING,
                block,
                start,
                rate.end,
                stated=rate.text,
                computed=computed,
                suggestion="Ghi rõ tỷ lệ tính trên tổng số nào, rồi tính lại",
                explanation=(
                    f"Tỷ lệ {rate.text} của {part.text} {part.unit} không ghi tổng số; số "
                    f"{part.unit} duy nhất nêu trước trong câu là {base_text}: {computed}, "
                    f"lệch {points(exact - rate.value)} điểm phần trăm. Nếu tỷ lệ tính trên "
                    "tổng số khác thì nên ghi rõ."
                ),
                related=related,
            )
        how = (
            "tổng số được văn bản gọi tên sau tỷ lệ"
            if base.how == "named"
            else "tổng số nêu trong cùng vế câu"
        )
        return finding(
            self.id,
            Severity.ERROR,
            block,
            start,
            rate.end,
            stated=rate.text,
            computed=computed,
            suggestion=f"Sửa tỷ lệ thành {suggestion_value} (hoặc kiểm tra lại hai số)",
            explanation=(
                f"{part.text} trên {base_text} ({how}){where}: {computed}, không phải "
                f"{rate.text}; lệch {points(exact - rate.value)} điểm phần trăm, lớn hơn sai số "
                f"làm tròn ({tolerance_text(rate.decimals)})."
            ),
            related=related,
        )


# ", năm 2022 …" starts the next item of a year-by-year list, even without a semicolon.
_YEAR_ITEM = re.compile(
    r"(?:[,;]|\bvà)\s*(?:trong\s+|đến\s+|tính đến\s+)?năm\s+(?:19|20)\d\d", re.I
)


def segment_of(analysed: Analysed, offset: int) -> Span:
    """The clause of `offset`, cut again where a year-by-year list starts its next year."""
    clause = analysed.clause_of(offset)
    start, end = clause.start, clause.end
    for match in _YEAR_ITEM.finditer(analysed.block.text, clause.start, clause.end):
        if match.start() < offset:
            start = match.start() + 1
        elif match.start() >= offset:
            end = match.start()
            break
    return Span(start, end)
