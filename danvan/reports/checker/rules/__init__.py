"""One module per kind of check. Each rule reads the CheckContext and returns findings."""

from __future__ import annotations

from danvan.reports.checker.context import Rule
from danvan.reports.checker.rules.achievement import Achievement
from danvan.reports.checker.rules.average_of_rates import AverageOfRates
from danvan.reports.checker.rules.change import StatedChange
from danvan.reports.checker.rules.footnote_breakdown import FootnoteBreakdown
from danvan.reports.checker.rules.fraction_rate import FractionRate, StatedBaseRate
from danvan.reports.checker.rules.indicator_reference import IndicatorReference
from danvan.reports.checker.rules.repeated_quantity import RepeatedQuantity
from danvan.reports.checker.rules.stock_flow import StockFlow
from danvan.reports.checker.rules.tables import FractionalCount, TableFigures
from danvan.reports.checker.rules.target_differs import TargetDiffers
from danvan.reports.checker.rules.total_parts import TotalParts

ALL_RULES: tuple[Rule, ...] = (
    FractionRate(),
    StatedBaseRate(),
    Achievement(),
    TotalParts(),
    FootnoteBreakdown(),
    StatedChange(),
    RepeatedQuantity(),
    IndicatorReference(),
    StockFlow(),
    TargetDiffers(),
    AverageOfRates(),
    TableFigures(),
    FractionalCount(),
)
