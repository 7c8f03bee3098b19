"""Judging a figure against the resolution's target: pure functions over one value.

The figures themselves come from the maintained sums (`indicators/sums.py`) and results
are computed where they are read (`indicators/results.py`).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from danvan.indicators.models import IndicatorPart, Resolution, Target

TargetKind = IndicatorPart.TargetKind


class Status:
    EXCEEDED = "exceeded"
    MET = "met"
    NOT_MET = "not_met"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"
    # The part's level does not exist in the period (districts after 1/7/2025) or the
    # part does not apply yet: nothing to judge, and nothing missing.
    NOT_APPLICABLE = "not_applicable"
    LABELS = {
        EXCEEDED: _("Exceeded"),
        MET: _("Met"),
        NOT_MET: _("Not met"),
        NO_TARGET: _("No target"),
        NO_DATA: _("No data"),
        NOT_APPLICABLE: _("Not applicable in this period"),
    }
    choices = list(LABELS.items())


def target_for(
    targets: list[Target], year: int, *, rule: str = Resolution.TargetRule.UPCOMING
) -> Target | None:
    """The milestone in force in `year`.

    UPCOMING (the seed's reading): the nearest milestone at or after `year` — 2021 is
    judged against the 2025 target being pursued — and after the last one, the last one.
    REACHED: the latest milestone not after `year`; before the first one, the first one.
    """
    if not targets:
        return None
    ordered = sorted(targets, key=lambda t: t.year)
    past = [t for t in ordered if t.year <= year]
    ahead = [t for t in ordered if t.year >= year]
    if rule == Resolution.TargetRule.REACHED:
        return past[-1] if past else ordered[0]
    if rule != Resolution.TargetRule.UPCOMING:
        raise ValueError(f"Unknown target rule {rule!r}")
    return ahead[0] if ahead else ordered[-1]


def judge(kind: str, value: Decimal | None, target: Target | None) -> tuple[Decimal | None, str]:
    """(achievement in %, status). Achievement: at least → value ÷ target; a range →
    against its upper bound; at most → target ÷ value."""
    if value is None:
        return None, Status.NO_DATA
    if kind == TargetKind.NONE or target is None:
        return None, Status.NO_TARGET
    if kind == TargetKind.RANGE:
        upper = target.upper if target.upper is not None else target.value
        achievement = value / upper * 100 if upper else None
        if value > upper:
            return achievement, Status.EXCEEDED
        return achievement, Status.MET if value >= target.value else Status.NOT_MET
    if kind == TargetKind.AT_MOST:
        achievement = target.value / value * 100 if value else None
        if value < target.value:
            return achievement, Status.EXCEEDED
        return achievement, Status.MET if value == target.value else Status.NOT_MET
    achievement = value / target.value * 100 if target.value else None
    if value > target.value:
        return achievement, Status.EXCEEDED
    return achievement, Status.MET if value == target.value else Status.NOT_MET
