"""A fraction and the rate stated with it: "215/240 đồng chí, chiếm tỷ lệ 91,58%"."""

from __future__ import annotations

import re

from danvan.reports.checker.context import ACHIEVEMENT_AFTER, Analysed, CheckContext
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


def _pairs(analysed: Analysed) -> list[tuple[Quantity, Quantity, bool]]:
    """Each fraction with the rate that states it, and whether the pairing is uncertain."""
    text = analysed.block.text
    measures = analysed.measures
    everything = [q for q in analysed.quantities if q.kind is not Kind.YEAR]
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


_BASE_RATE_CUE = re.compile(r",?\s*(?:đạt|chiếm|bằng)\s*(?:tỷ lệ\s*)?$", re.IGNORECASE)


class StatedBaseRate:
    """A count followed by a rate whose base is another count of the same thing in the sentence.

    "tiếp nhận 14.243 vụ việc; … hòa giải thành 12.983 vụ việc, đạt 91,15%". The base is not
    written, so any earlier count of the same unit may be it: the rate is accepted when one
    of them gives it, and at worst reported as a warning.
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
                part = measures[index - 1]
                between = text[part.end : rate.start]
                if (
                    part.kind is not Kind.COUNT
                    or part.approximate
                    or not part.unit
                    or len(between) > 30
                    or not _BASE_RATE_CUE.search(between)
                    or ACHIEVEMENT_AFTER.match(text, rate.end)
                ):
                    continue
                sentence = analysed.sentence_of(part.start)
                bases = [
                    q
                    for q in measures[: index - 1]
                    if q.start >= sentence.start
                    and q.kind is Kind.COUNT
                    and q.unit_class == part.unit_class
                    and not q.approximate
                    and q.value > part.value
                ]
                if not bases:
                    continue
                exacts = [part.value / base.value * 100 for base in bases]
                if any(within_one_unit(rate.value, rate.decimals, exact) for exact in exacts):
                    continue
                tried = "; ".join(
                    f"{part.text}/{base.text} = {format_percent(exact)}"
                    for base, exact in zip(bases, exacts, strict=True)
                )
                findings.append(
                    finding(
                        self.id,
                        Severity.WARNING,
                        block,
                        part.start,
                        rate.end,
                        stated=rate.text,
                        computed=tried,
                        suggestion="Ghi rõ tỷ lệ tính trên tổng số nào, rồi tính lại",
                        explanation=(
                            f"Văn bản không ghi rõ {rate.text} tính trên tổng số nào. Thử với "
                            f"các số cùng đơn vị “{part.unit}” đứng trước trong câu: {tried}; "
                            "không cách nào ra đúng tỷ lệ đã ghi."
                        ),
                    )
                )
        return findings
