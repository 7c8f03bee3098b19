"""Checking figures: validation rules (as data) and outliers against a unit's own past."""

from __future__ import annotations

import operator
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from danvan.datasets.models import DataElement, DataSet, ValidationRule
from danvan.datasets.queries import EntryForm, ValueLookup, element_history
from danvan.lib.expressions import Expression, expression_parse
from danvan.lib.numbers import format_vn_number

_OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
    "!=": operator.ne,
}
OUTLIER_K = Decimal(3)  # robust z-score above which a value is unusual
OUTLIER_MIN_HISTORY = 3


@dataclass(frozen=True)
class Violation:
    rule_code: str
    severity: str  # 'error' or 'warning'
    message: str
    left: Decimal | None
    right: Decimal | None
    operator: str
    element_codes: frozenset[str]

    @property
    def detail(self) -> str:
        return f"{format_vn_number(self.left)} {self.operator} {format_vn_number(self.right)}"

    @property
    def is_error(self) -> bool:
        return self.severity == ValidationRule.Severity.ERROR


@cache
def _parsed(text: str) -> Expression:
    return expression_parse(text)


def rules_for(data_set: DataSet) -> list[ValidationRule]:
    return list(data_set.rules.filter(is_active=True).order_by("code"))


def rules_check(rules: Iterable[ValidationRule], lookup: ValueLookup) -> list[Violation]:
    """Rules whose sides can both be computed and whose comparison fails.

    A rule with a missing figure on either side is not applicable yet (DHIS2's
    'skip if any value missing'): the form is still being filled.
    """
    violations = []
    for rule in rules:
        left_expr, right_expr = _parsed(rule.left), _parsed(rule.right)
        left, right = left_expr.evaluate(lookup), right_expr.evaluate(lookup)
        if left is None or right is None:
            continue
        if not _OPERATORS[rule.operator](left, right):
            codes = frozenset(r.code for r in (*left_expr.refs, *right_expr.refs))
            violations.append(
                Violation(
                    rule.code,
                    rule.severity,
                    rule.message,
                    left,
                    right,
                    rule.get_operator_display(),
                    codes,
                )
            )
    return violations


def form_check(form: EntryForm) -> list[Violation]:
    option = form.option.code if form.option is not None else None
    return rules_check(
        rules_for(form.data_set), ValueLookup.for_unit(form.unit, form.period, option)
    )


@dataclass(frozen=True)
class Outlier:
    element_code: str
    value: Decimal
    median: Decimal
    low: Decimal
    high: Decimal
    history: int

    @property
    def message(self) -> str:
        return (
            f"Giá trị {format_vn_number(self.value)} khác xa các kỳ trước của đơn vị "
            f"(trung vị {format_vn_number(self.median)}, khoảng thường gặp "
            f"{format_vn_number(self.low, 0)}–{format_vn_number(self.high, 0)}, "
            f"{self.history} kỳ). Kiểm tra lại hoặc ghi chú lý do."
        )


def outlier_check(form: EntryForm, element: DataElement, value: Decimal) -> Outlier | None:
    """Median ± k·MAD (scaled to a standard deviation) of the unit's own earlier values."""
    history = [v for _, v in element_history(element, form.unit, form.option, form.period)]
    return outlier_from_history(element.code, value, history)


def outlier_from_history(
    element_code: str, value: Decimal, history: Sequence[Decimal]
) -> Outlier | None:
    """The outlier test of `outlier_check` on a history already read (imports read the
    history of a whole chunk of values in one query)."""
    if len(history) < OUTLIER_MIN_HISTORY:
        return None
    median = Decimal(statistics.median(history))
    mad = Decimal(statistics.median([abs(v - median) for v in history])) * Decimal("1.4826")
    # A flat history (MAD 0) would flag any change; allow a tenth of the level instead.
    spread = max(mad, abs(median) / 10, Decimal(1))
    low, high = median - OUTLIER_K * spread, median + OUTLIER_K * spread
    if low <= value <= high:
        return None
    return Outlier(element_code, value, median, max(low, Decimal(0)), high, len(history))


@dataclass(frozen=True)
class FoundViolation:
    unit_id: int
    option_code: str | None
    violation: Violation


def violations_in(data_set: DataSet, period_id: str, units: list[int]) -> list[FoundViolation]:
    """Every rule violation of a data set's forms among `units`, in three queries."""
    from danvan.datasets.models import DataValue

    rules = rules_for(data_set)
    codes = set(data_set.sections.values_list("items__element__code", flat=True))
    rows = DataValue.objects.filter(
        period_id=period_id, unit_id__in=units, element__code__in=codes
    ).values_list("unit_id", "organization_type__code", "element__code", "value")
    groups: dict[tuple[int, str | None], list[tuple[str, str | None, Decimal]]] = {}
    for unit_id, option_code, code, value in rows:
        key = (unit_id, option_code if data_set.reported_by_organizations else None)
        groups.setdefault(key, []).append((code, option_code, value))
    found = []
    for (unit_id, option), values in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
    ):
        for violation in rules_check(rules, ValueLookup(values, option)):
            found.append(FoundViolation(unit_id, option, violation))
    return found
