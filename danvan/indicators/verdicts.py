"""An indicator as a whole: exceeded, met or not met, judged from the parts that decide it.

The rule is the resolution's data (`Indicator.status_rule`, `IndicatorPart.decides`), never
a special case here: each deciding part is judged against its target (`targets`) or against
its own baseline (`baseline`, for qualitative indicators such as "Đảm bảo trang thiết bị làm
việc": more than before → exceeded, the same → met, less → not met). Then the indicator is
not met when a deciding part is not met; without data when a deciding part has none;
otherwise exceeded when a deciding part exceeds; otherwise met. A part that does not apply
in the period (its level ended with the 2025 reform) decides nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from danvan.indicators.engine import Status, judge
from danvan.indicators.models import Indicator, IndicatorPart, Target


@dataclass(frozen=True)
class PartFigures:
    """One part's figures for the period: its value, its baseline value and its status
    against its target (as the engine judged it)."""

    part: IndicatorPart
    value: Decimal | None
    baseline: Decimal | None
    status: str


@dataclass(frozen=True)
class Verdict:
    indicator: Indicator
    status: str
    deciding: list[tuple[IndicatorPart, str]]  # each deciding part with its own status


def _part_status(rule: str, figures: PartFigures) -> str:
    if rule == Indicator.StatusRule.BASELINE:
        if figures.baseline is None:
            return Status.NO_DATA
        before = Target(year=0, value=figures.baseline)
        return judge(IndicatorPart.TargetKind.AT_LEAST, figures.value, before)[1]
    return figures.status


def indicator_verdicts(figures: Iterable[PartFigures]) -> list[Verdict]:
    """One verdict per indicator, in the order the parts come."""
    by_indicator: dict[int, list[PartFigures]] = {}
    for item in figures:
        by_indicator.setdefault(item.part.indicator_id, []).append(item)
    verdicts = []
    for items in by_indicator.values():
        indicator = items[0].part.indicator
        # A part not applicable in the period (its level ended) decides nothing.
        deciding = [
            (item.part, _part_status(indicator.status_rule, item))
            for item in items
            if item.part.decides and item.status != Status.NOT_APPLICABLE
        ]
        statuses = {status for _, status in deciding}
        if not deciding:
            status = Status.NO_TARGET
        elif Status.NOT_MET in statuses:
            status = Status.NOT_MET
        elif statuses & {Status.NO_DATA, Status.NO_TARGET}:
            status = Status.NO_DATA
        elif Status.EXCEEDED in statuses:
            status = Status.EXCEEDED
        else:
            status = Status.MET
        verdicts.append(Verdict(indicator, status, deciding))
    return verdicts
