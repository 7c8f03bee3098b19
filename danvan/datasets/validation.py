"""Checking figures: validation rules (as data) and outliers against a unit's own past."""

from __future__ import annotations

import operator
import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext as _

from danvan.datasets.models import DataElement, DataSet, DataValue, ValidationRule
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
    left_text: str = ""
    right_text: str = ""

    @property
    def detail(self) -> str:
        return f"{format_vn_number(self.left)} {self.operator} {format_vn_number(self.right)}"

    def explained(self, names: Mapping[str, str]) -> str:
        """The rule's message with both sides named and their numbers, for people:
        'Số … không thể lớn hơn … (Tổ chức cơ sở xếp loại vững mạnh: 2; Tổ chức cơ sở: 1)'."""
        sides = "; ".join(
            f"{expression_label(text, names)}: {format_vn_number(number)}"
            for text, number in ((self.left_text, self.left), (self.right_text, self.right))
        )
        return f"{self.message} ({sides})"

    @property
    def is_error(self) -> bool:
        return self.severity == ValidationRule.Severity.ERROR


@cache
def _parsed(text: str) -> Expression:
    return expression_parse(text)


REF = re.compile(r"#\{\s*([A-Za-z][A-Za-z0-9_]*)(?:\.([A-Za-z][A-Za-z0-9_]*))?\s*\}")
_OPERATOR_SIGNS = str.maketrans({"*": "×", "/": "÷"})


def expression_label(text: str, names: Mapping[str, str]) -> str:
    """An expression as people read it: element names instead of `#{code}`, × and ÷."""
    pieces = REF.split(text)
    # re.split with two groups yields: text, code, option, text, code, option, …, text
    out = [pieces[0].translate(_OPERATOR_SIGNS)]
    for index in range(1, len(pieces), 3):
        code, option, after = pieces[index], pieces[index + 1], pieces[index + 2]
        label = names.get(code, code)
        out.append(f"{label} ({option})" if option else label)
        out.append(after.translate(_OPERATOR_SIGNS))
    return "".join(out).strip()


@cache
def _codes(left: str, right: str) -> frozenset[str]:
    return frozenset(r.code for r in (*_parsed(left).refs, *_parsed(right).refs))


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
            codes = _codes(rule.left, rule.right)
            violations.append(
                Violation(
                    rule.code,
                    rule.severity,
                    rule.message,
                    left,
                    right,
                    rule.get_operator_display(),
                    codes,
                    rule.left,
                    rule.right,
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


def form_outliers(form: EntryForm, values: Iterable[DataValue]) -> dict[str, Outlier]:
    """The unusual values among `values` of the form, by element code, in one query."""
    chosen = {value.element.code: value for value in values}
    earlier: dict[str, list[Decimal]] = {}
    rows = (
        DataValue.objects.filter(
            element__code__in=chosen,
            unit=form.unit,
            organization_type=form.option,
            period__type=form.period.type,
            period__start_date__lt=form.period.start_date,
        )
        .order_by("period__start_date")
        .values_list("element__code", "value")
    )
    for code, number in rows:
        earlier.setdefault(code, []).append(number)
    found = {}
    for code, value in chosen.items():
        outlier = outlier_from_history(value.element.code, value.value, earlier.get(code, []))
        if outlier is not None:
            found[code] = outlier
    return found


@dataclass(frozen=True)
class Cell:
    code: str
    name: str


@dataclass(frozen=True)
class Problem:
    """Something that keeps a form from being submitted, and the cells to go to."""

    class Kind:
        REQUIRED = "required"
        ERROR = "error"
        WARNING = "warning"  # settled by the comment to the level above
        NOTE = "note"  # an unusual value without the note that explains it

    kind: str
    message: str
    cells: tuple[Cell, ...]

    @property
    def needs_comment(self) -> bool:
        return self.kind == self.Kind.WARNING


def submission_problems(form: EntryForm, comment: str = "") -> list[Problem]:
    """Why this form cannot be submitted now, in the order of the form; empty if it can.

    A required cell left empty, a broken error-level rule and an unusual value without its
    note always block; a broken warning-level rule blocks until `comment` explains it.
    """
    placements = form.placements()
    names = {item.element.code: item.element.name for item in placements}
    order = {item.element.code: index for index, item in enumerate(placements)}
    values = {
        v.element.code: v
        for v in form.values().select_related("element")
        if v.element.code in names
    }
    problems: list[Problem] = []
    for item in placements:
        if item.required and item.element.code not in values:
            problems.append(
                Problem(
                    Problem.Kind.REQUIRED,
                    _("“%(name)s” is required: enter a figure (0 if there is none).")
                    % {"name": item.element.name},
                    (Cell(item.element.code, item.element.name),),
                )
            )
    for violation in form_check(form):
        if not violation.is_error and comment.strip():
            continue
        cells = tuple(
            Cell(code, names[code])
            for code in sorted(violation.element_codes & names.keys(), key=order.__getitem__)
        )
        message = violation.explained(names)
        if not violation.is_error:
            message += " " + _("Explain it in the comment to the level above.")
        problems.append(
            Problem(
                Problem.Kind.ERROR if violation.is_error else Problem.Kind.WARNING,
                message,
                cells,
            )
        )
    for code, outlier in form_outliers(form, values.values()).items():
        if not values[code].comment.strip():
            problems.append(
                Problem(
                    Problem.Kind.NOTE,
                    _("“%(name)s”: %(outlier)s")
                    % {"name": names[code], "outlier": outlier.message},
                    (Cell(code, names[code]),),
                )
            )
    return problems


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
