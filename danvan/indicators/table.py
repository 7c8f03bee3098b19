"""Indicator results for many units at once, column-wise: the national read.

`results_read` (indicators/results.py) gives one `Result` object per part, unit and
period, in `Decimal`: right for a report or a dashboard, which show a few thousand. Read
for every unit of the country (2,1 million results for one resolution per province) that
is 37 µs a result in Python (benchmarks/README.md). `results_table` computes the same
results over arrays instead:

- the figures are read once per kind — the maintained sums of the units above a part's
  level, the units' own values, the forms their basis needs — as columns (on PostgreSQL
  as one binary `bytea` of fixed-width rows, straight into numpy);
- each reference of an expression (`#{code}`, `#{code.option}`) becomes one array over
  (unit, period), built with `bincount`; numerator and denominator are evaluated on those
  arrays by the same expression tree `results_read` walks;
- targets, achievement, status, baseline and change are array operations per part;
- coverage is counted per reporting unit in the database (the statement `results_read`
  uses) and added to the unit and its ancestors with `np.add.at`.

Arithmetic is in binary floating point (float64), not `Decimal`: a rate is computed as
numerator × factor ÷ denominator, so a figure that equals its target exactly is judged
"met" as it is in `Decimal`. What is signed (a report's annex) is read through
`results_read`; tests hold the two to the same results row by row (statuses exactly,
values to 1e-9 relative). A territory carried across hierarchy versions is read by
`results_read` only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce

from danvan.datasets.models import DataElement, Submission
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.engine import Status, target_for
from danvan.indicators.models import IndicatorPart, Resolution, Target
from danvan.indicators.results import (
    RANK,
    Basis,
    _among_sql,
    _data_sets,
    _form_of_elements,
    _holding,
    _parsed,
    _period_ends,
    _years,
    form_counts_query,
    part_codes,
    read_plan,
    reporters_query,
)
from danvan.lib.expressions import Node
from danvan.organizations.models import OrganizationType

# Status codes of the `status` column, in this order.
STATUSES = (
    Status.EXCEEDED,
    Status.MET,
    Status.NOT_MET,
    Status.NO_TARGET,
    Status.NO_DATA,
    Status.NOT_APPLICABLE,
)
_CODE = {status: n for n, status in enumerate(STATUSES)}

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass
class ResultTable:
    """Results as columns, one row per (part, period, unit), ordered as `results_read`
    orders them. Missing figures are NaN. `coverage_*` are -1 where coverage was not read."""

    parts: list[IndicatorPart]
    periods: list[str]
    units: list[AdministrativeUnit]
    basis: str
    part_index: IntArray
    period_index: IntArray
    unit_index: IntArray
    numerator: FloatArray
    denominator: FloatArray
    value: FloatArray
    target: FloatArray
    achievement: FloatArray
    status: IntArray
    baseline_numerator: FloatArray
    baseline_value: FloatArray
    change_value: FloatArray
    change_count: FloatArray
    estimated: np.ndarray[Any, np.dtype[np.bool_]]
    units_expected: IntArray
    units_counted: IntArray

    def __len__(self) -> int:
        return len(self.part_index)

    def ranked(self) -> IntArray:
        """Row order by value, highest first, rows without a value last (stable)."""
        value = self.value
        return np.lexsort((-np.nan_to_num(value, nan=0.0), np.isnan(value)))

    def rows(self, order: Iterable[int] | None = None) -> Iterator[dict[str, Any]]:
        """Rows as plain dicts (an API page, a CSV export): only the rows asked for
        become Python objects."""
        for i in range(len(self)) if order is None else order:
            part = self.parts[self.part_index[i]]
            unit = self.units[self.unit_index[i]]
            yield {
                "part": part.pk,
                "indicator": part.indicator.number,
                "code": part.code,
                "unit": unit.pk,
                "unit_code": unit.code,
                "period": self.periods[self.period_index[i]],
                "numerator": _out(self.numerator[i]),
                "denominator": _out(self.denominator[i]),
                "value": _out(self.value[i]),
                "target": _out(self.target[i]),
                "achievement": _out(self.achievement[i]),
                "status": STATUSES[self.status[i]],
                "baseline_value": _out(self.baseline_value[i]),
                "change_value": _out(self.change_value[i]),
                "change_count": _out(self.change_count[i]),
                "estimated": bool(self.estimated[i]),
                "units_expected": int(self.units_expected[i]),
                "units_counted": int(self.units_counted[i]),
            }


def _out(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def results_table(
    resolution: Resolution,
    *,
    units: Sequence[AdministrativeUnit],
    period_ids: Iterable[str] | None = None,
    parts: Sequence[IndicatorPart] | None = None,
    basis: str | None = None,
    coverage: bool = True,
    target_rule: str | None = None,
) -> ResultTable:
    """The results `results_read` gives for the same arguments, as a `ResultTable`."""
    basis = basis or resolution.basis
    rule = target_rule or resolution.target_rule
    plan = read_plan(resolution, parts, period_ids)
    parts, periods, units = plan.parts, plan.periods, list(units)
    if not parts or not periods or not units:
        return _empty(parts, periods, units, basis)
    grid_periods = sorted(plan.needed)
    codes, elements = plan.codes(), plan.elements()
    levels = {part.level for part in parts}
    figures = _Grid(units, levels, grid_periods, elements, basis, _per_option(parts, elements))
    covered = _coverage(units, levels, periods, _data_sets(codes), basis) if coverage else None
    dated = any(p.valid_from or p.valid_to for p in parts)
    ends = _period_ends(periods) if dated else {}
    at = {p: n for n, p in enumerate(grid_periods)}
    columns: dict[str, list[np.ndarray[Any, Any]]] = {name: [] for name in _COLUMNS}
    unit_levels = np.array([u.level for u in units])
    for n_part, part in enumerate(parts):
        chosen = np.flatnonzero(unit_levels <= part.level)
        if not len(chosen):
            continue
        block = _part_block(part, resolution, chosen, periods, at, figures, rule, ends, covered)
        block["part_index"] = np.full(len(chosen) * len(periods), n_part)
        for name in _COLUMNS:
            columns[name].append(block[name])
    if not columns["part_index"]:
        return _empty(parts, periods, units, basis)
    joined = {name: np.concatenate(columns[name]) for name in _COLUMNS}
    return ResultTable(parts=parts, periods=periods, units=units, basis=basis, **joined)


_COLUMNS = (
    "part_index",
    "period_index",
    "unit_index",
    "numerator",
    "denominator",
    "value",
    "target",
    "achievement",
    "status",
    "baseline_numerator",
    "baseline_value",
    "change_value",
    "change_count",
    "estimated",
    "units_expected",
    "units_counted",
)


def _empty(
    parts: list[IndicatorPart], periods: list[str], units: list[AdministrativeUnit], basis: str
) -> ResultTable:
    ints, floats = np.zeros(0, dtype=np.int64), np.zeros(0)
    return ResultTable(
        parts=parts,
        periods=periods,
        units=units,
        basis=basis,
        part_index=ints,
        period_index=ints,
        unit_index=ints,
        numerator=floats,
        denominator=floats,
        value=floats,
        target=floats,
        achievement=floats,
        status=ints,
        baseline_numerator=floats,
        baseline_value=floats,
        change_value=floats,
        change_count=floats,
        estimated=np.zeros(0, dtype=bool),
        units_expected=ints,
        units_counted=ints,
    )


def _part_block(
    part: IndicatorPart,
    resolution: Resolution,
    chosen: IntArray,
    periods: list[str],
    at: dict[str, int],
    figures: _Grid,
    rule: str,
    ends: dict[str, datetime.date],
    covered: _Coverage | None,
) -> dict[str, np.ndarray[Any, Any]]:
    """The part's results at the units `chosen` (positions) for `periods`: arrays of
    (period, unit), flattened period-major as `results_read` orders them."""
    level = part.level
    columns = np.array([at[p] for p in periods])
    present = figures.present(level)[chosen][:, columns].T
    if part.accumulation == IndicatorPart.Accumulation.TERM:
        numerator, denominator = figures.term(part, level, chosen, periods, at, resolution)
        numerator = np.where(present, numerator, np.nan)
        denominator = np.where(present, denominator, np.nan)
    else:
        numerator, denominator = figures.evaluate(part, level, chosen, columns)
    value = _value(part, numerator, denominator)
    targets = list(part.targets.all())
    kind = part.target_kind
    low = np.full(len(periods), np.nan)
    high = np.full(len(periods), np.nan)
    if kind != IndicatorPart.TargetKind.NONE:
        for n, period_id in enumerate(periods):
            target: Target | None = target_for(targets, int(period_id[:4]), rule=rule)
            if target is not None:
                low[n] = float(target.value)
                high[n] = float(target.upper if target.upper is not None else target.value)
    achievement, status = _judge(kind, value, low[:, None], high[:, None])
    if part.baseline_period_id and part.baseline_period_id in at:
        base = np.array([at[part.baseline_period_id]])
        base_num, base_den = figures.evaluate(part, level, chosen, base)
        base_value = _value(part, base_num, base_den)
        base_num = np.broadcast_to(base_num, value.shape)
        base_value = np.broadcast_to(base_value, value.shape)
    else:
        base_num = base_value = np.full(value.shape, np.nan)
    estimated = figures.estimated(part, level, chosen, columns)
    if covered is not None:
        expected, counted = covered.of(level, chosen)
    else:
        expected = counted = np.full(value.shape, -1, dtype=np.int64)
    # Periods the part does not apply to (its dates): nothing computed, nothing missing.
    applies = np.array([part.applies_to(ends[p]) if p in ends else True for p in periods])
    if not applies.all():
        off = ~applies[:, None] & np.ones(value.shape, dtype=bool)
        numerator, denominator, value, achievement, base_num, base_value = (
            np.where(off, np.nan, array)
            for array in (numerator, denominator, value, achievement, base_num, base_value)
        )
        status = np.where(off, _CODE[Status.NOT_APPLICABLE], status)
        estimated = estimated & ~off
        expected = np.where(off, 0, expected)
        counted = np.where(off, 0, counted)
    target_column = low[:, None] * np.ones(value.shape)
    return {
        "period_index": np.repeat(np.arange(len(periods)), len(chosen)),
        "unit_index": np.tile(chosen, len(periods)),
        "numerator": numerator.ravel(),
        "denominator": denominator.ravel(),
        "value": value.ravel(),
        "target": target_column.ravel(),
        "achievement": achievement.ravel(),
        "status": status.ravel(),
        "baseline_numerator": np.asarray(base_num).ravel().copy(),
        "baseline_value": np.asarray(base_value).ravel().copy(),
        "change_value": (value - base_value).ravel(),
        "change_count": (numerator - base_num).ravel(),
        "estimated": estimated.ravel(),
        "units_expected": np.asarray(expected).ravel(),
        "units_counted": np.asarray(counted).ravel(),
    }


def _per_option(parts: Sequence[IndicatorPart], elements: dict[int, DataElement]) -> set[int]:
    """Elements whose figures must be kept per organization type: read with an option
    (`#{code.option}`), averaged (each sum row divided by its own count), or stocks of a
    term total (the latest figure of each type)."""
    ids = {e.code: pk for pk, e in elements.items()}
    kept = {pk for pk, e in elements.items() if e.aggregation == DataElement.Aggregation.AVERAGE}
    for part in parts:
        term = part.accumulation == IndicatorPart.Accumulation.TERM
        texts = [part.numerator, part.denominator] if part.denominator else [part.numerator]
        for text in texts:
            for ref in _parsed(text).refs:
                pk = ids.get(ref.code)
                if pk is None:
                    continue
                if ref.option is not None or (
                    term and elements[pk].aggregation == DataElement.Aggregation.LAST
                ):
                    kept.add(pk)
    return kept


def _value(part: IndicatorPart, numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator × factor (a count), or numerator × factor ÷ denominator (a rate): the
    product first, so that 57 of 100 is 57 % exactly, as `Decimal` has it."""
    factor = float(part.factor)
    if not part.denominator:
        return numerator * factor
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator != 0, numerator * factor / denominator, np.nan)
    return value


def _judge(
    kind: str, value: FloatArray, low: FloatArray, high: FloatArray
) -> tuple[FloatArray, IntArray]:
    """`engine.judge` over arrays: (achievement in %, status code)."""
    shape = value.shape
    status = np.full(shape, _CODE[Status.NO_TARGET], dtype=np.int64)
    achievement = np.full(shape, np.nan)
    has_target = ~np.isnan(low) & np.ones(shape, dtype=bool)
    judged = ~np.isnan(value) & has_target & (kind != IndicatorPart.TargetKind.NONE)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == IndicatorPart.TargetKind.RANGE:
            achievement = np.where(judged & (high != 0), value / high * 100, np.nan)
            code = np.where(
                value > high,
                _CODE[Status.EXCEEDED],
                np.where(value >= low, _CODE[Status.MET], _CODE[Status.NOT_MET]),
            )
        elif kind == IndicatorPart.TargetKind.AT_MOST:
            achievement = np.where(judged & (value != 0), low / value * 100, np.nan)
            code = np.where(
                value < low,
                _CODE[Status.EXCEEDED],
                np.where(value == low, _CODE[Status.MET], _CODE[Status.NOT_MET]),
            )
        else:
            achievement = np.where(judged & (low != 0), value / low * 100, np.nan)
            code = np.where(
                value > low,
                _CODE[Status.EXCEEDED],
                np.where(value == low, _CODE[Status.MET], _CODE[Status.NOT_MET]),
            )
    status = np.where(judged, code, status)
    status = np.where(np.isnan(value), _CODE[Status.NO_DATA], status)
    return achievement, status.astype(np.int64)


# --- reading figures into columns --------------------------------------------------------


_BUCKETS = 16


def _fetch(sql: str, params: Sequence[Any], dtypes: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Run a SELECT whose columns are never NULL, one of them `unit_id`, and return them
    as arrays. On PostgreSQL the rows come back as `bytea` values — each row's columns in
    their fixed-width binary form (`int8send`, `float8send`), concatenated by `string_agg`
    — read with one `frombuffer`. A binary `COPY` hands its rows over one message at a
    time: for one year's 271.152 values it took 0,69–0,90 s against 0,24–0,37 s
    (benchmarks/README.md; the national read gained 5 %, its time being the server's). A
    `bytea` is at most 1 GB (sixteen million rows of the widest read), so the rows are
    split by `unit_id` into `_BUCKETS` values: a read of every value of the country fits.
    On SQLite through the cursor."""
    if connection.vendor == "postgresql":
        send = {"i8": "int8send(q.{}::int8)", "f8": "float8send(q.{}::float8)"}
        row = " || ".join(send[kind].format(name) for name, kind in dtypes)
        connection.ensure_connection()
        # A server-side-binding cursor: Django's binds on the client, which cannot ask
        # for binary results, and the hex text of a `bytea` is twice its size to decode.
        with psycopg.Cursor(connection.connection) as cursor:
            query = (
                f"SELECT string_agg({row}, ''::bytea) FROM ({sql}) q GROUP BY mod(q.unit_id, %s)"
            )
            cursor.execute(query, [*params, _BUCKETS], binary=True)
            data = b"".join(bytes(chunk) for (chunk,) in cursor.fetchall())
        rows = np.frombuffer(data, dtype=np.dtype([(name, f">{kind}") for name, kind in dtypes]))
        return {name: rows[name].astype(kind) for name, kind in dtypes}
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        found = cursor.fetchall()
    if not found:
        return {name: np.zeros(0, dtype=kind) for name, kind in dtypes}
    transposed = list(zip(*found, strict=True))
    return {
        name: np.array([float(x) for x in column] if kind == "f8" else column, dtype=kind)
        for (name, kind), column in zip(dtypes, transposed, strict=True)
    }


def _period_cte(periods: list[str]) -> tuple[str, list[Any]]:
    rows = ", ".join(["(%s, %s)"] * len(periods))
    params: list[Any] = []
    for n, period_id in enumerate(periods):
        params += [period_id, n]
    return f"WITH pp(id, ix) AS (VALUES {rows})", params


class _Grid:
    """Figures of units at every level of the parts, as rows (unit position, period
    position, element, option, value) read once; an expression's reference becomes an
    array over (unit, period) when a part asks for it."""

    def __init__(
        self,
        units: list[AdministrativeUnit],
        levels: set[int],
        periods: list[str],
        elements: dict[int, DataElement],
        basis: str,
        per_option: set[int],
    ) -> None:
        self.n_units, self.n_periods = len(units), len(periods)
        self.code_ids = {e.code: e.pk for e in elements.values()}
        self.option_ids = dict(OrganizationType.objects.values_list("code", "pk"))
        self.stocks = {
            e.pk for e in elements.values() if e.aggregation == DataElement.Aggregation.LAST
        }
        self.per_option = per_option
        self._refs: dict[tuple[int, str, int | None], FloatArray] = {}
        self._by_level: dict[int, dict[str, Any]] = {}
        self._present: dict[int, np.ndarray[Any, np.dtype[np.bool_]]] = {}
        rows = self._read(units, levels, periods, elements, basis)
        unit_pos = _positions(np.array([u.id for u in units], dtype=np.int64), rows["unit_id"])
        # Averages: a sum row's total over the values it rests on.
        average = [
            pk for pk, e in elements.items() if e.aggregation == DataElement.Aggregation.AVERAGE
        ]
        if average:
            divided = np.isin(rows["element_id"], average) & (rows["count"] > 0)
            rows["value"] = np.where(
                divided, rows["value"] / np.maximum(rows["count"], 1), rows["value"]
            )
        for level in levels:
            mask = rows["level"] == level
            self._by_level[level] = {
                "flat": unit_pos[mask] * self.n_periods + rows["period"][mask],
                "element": rows["element_id"][mask],
                "option": rows["option"][mask],
                "value": rows["value"][mask],
                "estimated": rows["estimated"][mask],
            }

    def _read(
        self,
        units: list[AdministrativeUnit],
        levels: set[int],
        periods: list[str],
        elements: dict[int, DataElement],
        basis: str,
    ) -> dict[str, Any]:
        """Sum rows and own values, summed over organization types in the database for
        the elements no part reads per type (`self.per_option` are kept per type, option
        -1 is "every type"): a sixth of the rows to send."""
        dtypes = [
            ("level", "i8"),
            ("unit_id", "i8"),
            ("period", "i8"),
            ("element_id", "i8"),
            ("option", "i8"),
            ("value", "f8"),
            ("count", "i8"),
            ("estimated", "i8"),
        ]
        found: list[dict[str, Any]] = []
        if not elements:
            return _concat(found, dtypes)
        cte, cte_params = _period_cte(periods)
        element_ids = sorted(elements)
        marks = ", ".join(["%s"] * len(element_ids))
        level_marks = ", ".join(["%s"] * len(levels))
        total, count = f"{basis}_total", f"{basis}_count"
        option_sql, option_params = self._option_sql("s.element_id", "s.option")
        deepest = max(levels)
        above = [u.id for u in units if u.level < deepest]
        at_level = [u.id for u in units if u.level == deepest]
        choices: list[tuple[str, list[Any]]] = []
        if above:
            choices.append(_among_sql("s.unit_id", above))
        if at_level:
            condition, params = _among_sql("c.target_id", at_level)
            subquery = f"SELECT c.target_id FROM geography_unitcarry c WHERE {condition}"
            choices.append((f"s.unit_id IN ({subquery})", params))
        for condition, params in choices:
            # Level and element as filters, not index conditions: probing the key for
            # every (unit, level, element) triple cost more than reading the units' rows.
            sql = f"""{cte}
            SELECT s.level AS level, s.unit_id AS unit_id, pp.ix AS period,
                   s.element_id AS element_id, {option_sql} AS option,
                   SUM(s.{total}) AS value, SUM(s.{count}) AS count,
                   SUM(s.estimated_count) AS estimated
            FROM indicators_elementsum s JOIN pp ON pp.id = s.period_id
            WHERE {condition} AND s.level + 0 IN ({level_marks})
              AND s.element_id + 0 IN ({marks}) AND s.{count} > 0
            GROUP BY 1, 2, 3, 4, 5
            """
            sql_params = [*cte_params, *option_params, *params, *sorted(levels), *element_ids]
            found.append(_fetch(sql, sql_params, dtypes))
        own = [u for u in units if u.level in levels]
        if own:
            found.append(self._own(own, cte, cte_params, element_ids, basis, dtypes))
        return _concat(found, dtypes)

    def _option_sql(self, element: str, option: str) -> tuple[str, list[Any]]:
        if not self.per_option:
            return "-1", []
        marks = ", ".join(["%s"] * len(self.per_option))
        return f"CASE WHEN {element} IN ({marks}) THEN {option} ELSE -1 END", sorted(
            self.per_option
        )

    def _own(
        self,
        units: list[AdministrativeUnit],
        cte: str,
        cte_params: list[Any],
        element_ids: list[int],
        basis: str,
        dtypes: list[tuple[str, str]],
    ) -> dict[str, Any]:
        """The units' own values whose form has reached the basis (as `results_read`:
        a form has reached it when a submission of it — unit, period, the element's data
        set, the body's type — has the state)."""
        condition, params = _among_sql("dv.unit_id", [u.id for u in units])
        marks = ", ".join(["%s"] * len(element_ids))
        sql = f"""{cte}
        SELECT 0 AS level, dv.unit_id AS unit_id, pp.ix AS period,
               dv.element_id AS element_id, COALESCE(dv.organization_type_id, 0) AS option,
               dv.value AS value, 0 AS count, 0 AS estimated
        FROM datasets_datavalue dv JOIN pp ON pp.id = dv.period_id
        WHERE {condition} AND dv.element_id IN ({marks})
        """
        rows = _fetch(sql, [*cte_params, *params, *element_ids], dtypes)
        # A unit's own values are figures at its own level.
        ids = np.array([u.id for u in units], dtype=np.int64)
        levels = np.array([u.level for u in units], dtype=np.int64)
        rows["level"] = levels[_positions(ids, rows["unit_id"])]
        if basis == Basis.ENTERED or not len(rows["unit_id"]):
            return rows
        # The forms that have reached the basis, read apart and matched by their packed
        # key: as a join or EXISTS, PostgreSQL misjudged the forms of a province and
        # probed the values once per form of the country (21 s for one province).
        statuses = [Submission.Status.APPROVED]
        if RANK[basis] < 2:
            statuses.append(Submission.Status.SUBMITTED)
        holding = [int(u) for u in np.unique(rows["unit_id"])]
        condition, params = _among_sql("s.unit_id", holding)
        sql = f"""{cte}
        SELECT s.unit_id AS unit_id, pp.ix AS period, s.data_set_id AS data_set_id,
               COALESCE((SELECT o.type_id FROM organizations_organization o
                         WHERE o.id = s.organization_id), 0) AS option
        FROM datasets_submission s JOIN pp ON pp.id = s.period_id
        WHERE {condition} AND s.status IN ({", ".join(["%s"] * len(statuses))})
        """
        forms = _fetch(
            sql,
            [*cte_params, *params, *statuses],
            [("unit_id", "i8"), ("period", "i8"), ("data_set_id", "i8"), ("option", "i8")],
        )
        lookup = np.zeros(int(rows["element_id"].max()) + 1, dtype=np.int64)
        for element_id, data_set_id in _form_of_elements().items():
            if element_id < len(lookup):
                lookup[element_id] = data_set_id
        values_key = _pack(
            rows["unit_id"], rows["period"], lookup[rows["element_id"]], rows["option"]
        )
        forms_key = _pack(forms["unit_id"], forms["period"], forms["data_set_id"], forms["option"])
        keep = np.isin(values_key, forms_key)
        return {name: column[keep] for name, column in rows.items()}

    def present(self, level: int) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """(unit, period) holding any figure of the read at `level`."""
        found = self._present.get(level)
        if found is None:
            rows = self._by_level[level]
            valid = rows["flat"] >= 0
            size = self.n_units * self.n_periods
            held = np.bincount(rows["flat"][valid], minlength=size) > 0
            found = self._present[level] = held.reshape(self.n_units, self.n_periods)
        return found

    def ref(
        self, level: int, code: str, option: str | None, *, per_option: int | None = None
    ) -> FloatArray:
        """The figure a reference reads, over (unit, period); NaN where there is none.
        `#{code}` sums every option; `per_option` takes one option by id."""
        element_id = self.code_ids.get(code)
        option_id = per_option
        if option is not None:
            option_id = self.option_ids.get(option, -1)
        key = (level, code, option_id)
        found = self._refs.get(key)
        if found is not None:
            return found
        size = self.n_units * self.n_periods
        rows = self._by_level[level]
        mask = (rows["element"] == (element_id if element_id is not None else -1)) & (
            rows["flat"] >= 0
        )
        if option_id is not None:
            mask &= rows["option"] == option_id
        flat = rows["flat"][mask]
        total = np.bincount(flat, weights=rows["value"][mask], minlength=size)
        held = np.bincount(flat, minlength=size) > 0
        found = np.where(held, total, np.nan).reshape(self.n_units, self.n_periods)
        self._refs[key] = found
        return found

    def options_of(self, level: int, code: str) -> list[int]:
        rows = self._by_level[level]
        element_id = self.code_ids.get(code, -1)
        return sorted(int(o) for o in np.unique(rows["option"][rows["element"] == element_id]))

    def evaluate(
        self, part: IndicatorPart, level: int, chosen: IntArray, columns: IntArray
    ) -> tuple[FloatArray, FloatArray]:
        """Numerator and denominator at (period, unit) for single periods."""

        def read(code: str, option: str | None) -> FloatArray:
            return self.ref(level, code, option)[chosen][:, columns].T

        present = self.present(level)[chosen][:, columns].T
        numerator = np.where(present, _evaluate(_parsed(part.numerator).tree, read), np.nan)
        if not part.denominator:
            return numerator, np.full(numerator.shape, np.nan)
        denominator = np.where(present, _evaluate(_parsed(part.denominator).tree, read), np.nan)
        return numerator, denominator

    def term(
        self,
        part: IndicatorPart,
        level: int,
        chosen: IntArray,
        periods: list[str],
        at: dict[str, int],
        resolution: Resolution,
    ) -> tuple[FloatArray, FloatArray]:
        """Totals since the start of the term for each period: flows summed over the
        term's years, stocks (aggregation 'last') the latest figure of each option."""

        def read(code: str, option: str | None) -> FloatArray:
            out = np.full((len(periods), len(chosen)), np.nan)
            element_id = self.code_ids.get(code)
            stock = element_id in self.stocks
            if stock and option is None:
                series = [
                    self.ref(level, code, None, per_option=o)[chosen]
                    for o in self.options_of(level, code)
                ]
            else:
                series = [self.ref(level, code, option)[chosen]]
            for n, period_id in enumerate(periods):
                years = [
                    at[y] for y in _years(resolution.term_start, int(period_id[:4])) if y in at
                ]
                if not years:
                    continue
                total = np.full(len(chosen), np.nan)
                for grid in series:
                    window = grid[:, years]
                    if stock:
                        # The last figure in the window, per option.
                        held = ~np.isnan(window)
                        last = np.where(
                            held.any(axis=1),
                            window.shape[1] - 1 - np.argmax(held[:, ::-1], axis=1),
                            0,
                        )
                        picked = np.where(
                            held.any(axis=1), window[np.arange(len(chosen)), last], np.nan
                        )
                    else:
                        picked = np.where(
                            (~np.isnan(window)).any(axis=1), np.nansum(window, axis=1), np.nan
                        )
                    total = np.where(
                        np.isnan(total), picked, np.where(np.isnan(picked), total, total + picked)
                    )
                out[n] = total
            return out

        numerator = _evaluate(_parsed(part.numerator).tree, read)
        if not part.denominator:
            return numerator, np.full(numerator.shape, np.nan)
        return numerator, _evaluate(_parsed(part.denominator).tree, read)

    def estimated(
        self, part: IndicatorPart, level: int, chosen: IntArray, columns: IntArray
    ) -> np.ndarray[Any, np.dtype[np.bool_]]:
        rows = self._by_level[level]
        ids = [self.code_ids[c] for c in part_codes(part) if c in self.code_ids]
        mask = (rows["estimated"] > 0) & np.isin(rows["element"], ids) & (rows["flat"] >= 0)
        size = self.n_units * self.n_periods
        found = np.bincount(rows["flat"][mask], minlength=size) > 0
        return found.reshape(self.n_units, self.n_periods)[chosen][:, columns].T


def _evaluate(node: Node, read: Any) -> Any:
    """An expression tree (lib/expressions.py) over arrays: NaN for a missing figure, as
    `Expression.evaluate` gives None, and for a division by zero."""
    kind = node[0]
    if kind == "num":
        return float(node[1])
    if kind == "ref":
        return read(node[1].code, node[1].option)
    if kind == "neg":
        return -_evaluate(node[1], read)
    left, right = _evaluate(node[1], read), _evaluate(node[2], read)
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(right) != 0, np.asarray(left) / np.asarray(right), np.nan)


def _pack(unit: IntArray, period: IntArray, data_set: IntArray, option: IntArray) -> IntArray:
    """One int64 per form key (unit, period, data set, body type)."""
    if len(unit) and (unit.max() >= 2**31 or data_set.max() >= 2**12 or option.max() >= 2**10):
        raise OverflowError("form keys beyond the packed range")
    return ((unit.astype(np.int64) << 30) | (period << 22) | (data_set << 10) | option).astype(
        np.int64
    )


def _positions(ids: IntArray, found: IntArray) -> IntArray:
    """The position in `ids` of each of `found` (-1 where absent)."""
    if not len(found):
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    at = np.clip(np.searchsorted(ordered, found), 0, max(len(ids) - 1, 0))
    hit = ordered[at] == found
    return np.where(hit, order[at], -1).astype(np.int64)


def _concat(parts: list[dict[str, Any]], dtypes: Sequence[tuple[str, str]]) -> dict[str, Any]:
    if not parts:
        return {name: np.zeros(0, dtype=kind) for name, kind in dtypes}
    return {name: np.concatenate([p[name] for p in parts]) for name, _kind in dtypes}


# --- coverage ---------------------------------------------------------------------------


class _Coverage:
    """Per level, unit and period: the reporting units expected under the unit and those
    counted in the basis (`Coverage.units_expected` / `counted`)."""

    def __init__(self, expected: dict[int, IntArray], counted: dict[int, IntArray]) -> None:
        self.expected, self.counted = expected, counted

    def of(self, level: int, chosen: IntArray) -> tuple[IntArray, IntArray]:
        return self.expected[level][chosen].T, self.counted[level][chosen].T


def _coverage(
    units: list[AdministrativeUnit],
    levels: set[int],
    periods: list[str],
    data_sets: Sequence[Any],
    basis: str,
) -> _Coverage:
    """`coverage_read`'s units expected and counted, as arrays: each reporting unit's
    (unit, period) count is added to itself and its ancestors among `units`, matched by
    id with `_positions` rather than by path in Python (a tenth of a ranking's time)."""
    shape = (len(units), len(periods))
    expected = {level: np.zeros(shape, dtype=np.int64) for level in levels}
    counted = {level: np.zeros(shape, dtype=np.int64) for level in levels}
    result = _Coverage(expected, counted)
    if not units or not data_sets:
        return result
    # A reporting unit and the units above it (the hierarchy is at most four levels
    # deep), read as columns: ten thousand rows as Python tuples set off the collector.
    chain = ("parent_id", "parent__parent_id", "parent__parent__parent_id")
    reporters = (
        reporters_query(units, levels)
        .values("level")
        .annotate(
            unit_id=F("pk"), **{f"up{n}": Coalesce(hop, -1) for n, hop in enumerate(chain, 1)}
        )
    )
    dtypes = [("level", "i8"), ("unit_id", "i8"), ("up1", "i8"), ("up2", "i8"), ("up3", "i8")]
    found = _fetch(*reporters.query.sql_with_params(), dtypes)
    if not len(found["unit_id"]):
        return result
    reporter_levels, reporter_ids = found["level"], found["unit_id"]
    levels_of = dict(zip(reporter_ids.tolist(), reporter_levels.tolist(), strict=True))
    query = form_counts_query(levels_of, periods, data_sets)
    if query is None:
        return result
    counts = _fetch(
        *query,
        [
            ("unit_id", "i8"),
            ("period_ix", "i8"),
            ("forms", "i8"),
            ("sent", "i8"),
            ("approved", "i8"),
        ],
    )
    counted_ids, period_at = counts["unit_id"], counts["period_ix"]
    if basis == Basis.ENTERED:
        keys = list(zip(counted_ids.tolist(), [periods[i] for i in period_at], strict=True))
        entered = _holding(sorted(set(counted_ids.tolist())), set(periods), data_sets)
        hit = np.array([key in entered for key in keys], dtype=np.int64)
    else:
        done = counts["sent"] if basis == Basis.SUBMITTED else counts["approved"]
        hit = (done == counts["forms"]).astype(np.int64)
    row = _positions(reporter_ids, counted_ids)
    level_at = reporter_levels[row]
    unit_ids = np.array([u.id for u in units], dtype=np.int64)
    for column in ("unit_id", "up1", "up2", "up3"):
        holder = _positions(unit_ids, found[column][row])
        for level in levels:
            mask = (holder >= 0) & (level_at == level)
            np.add.at(expected[level], (holder[mask], period_at[mask]), 1)
            np.add.at(counted[level], (holder[mask], period_at[mask]), hit[mask])
    return result
