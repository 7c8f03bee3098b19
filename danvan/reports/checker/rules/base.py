"""Helpers the rules share: building a finding and explaining a rounding comparison."""

from __future__ import annotations

from decimal import Decimal

from danvan.reports.checker.document import Block, Location
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.numbers import format_number, quantum
from danvan.reports.checker.text import shorten


def finding(
    rule: str,
    severity: Severity,
    block: Block,
    start: int,
    end: int,
    *,
    stated: str,
    computed: str,
    explanation: str,
    suggestion: str = "",
    related: tuple[Location, ...] = (),
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        location=block.location,
        quote=shorten(block.text[start:end], 240),
        stated=stated,
        computed=computed,
        explanation=explanation,
        suggestion=suggestion,
        start=start,
        end=end,
        related=related,
    )


def tolerance_text(decimals: int) -> str:
    half = quantum(decimals) / 2
    return f"±{format_number(half, decimals + 1)}"


def digits_swapped(a: str, b: str) -> bool:
    """Same digits in another order: the typist's slip, worth saying so."""
    da = [char for char in a if char.isdigit()]
    db = [char for char in b if char.isdigit()]
    return da != db and sorted(da) == sorted(db)


def points(value: Decimal) -> str:
    return format_number(abs(value), 2)
