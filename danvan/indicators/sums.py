"""Maintained sums: the one materialisation of the engine.

`ElementSum` holds, for every unit, the figures of the units below it summed per level,
period, element and organization type, in three bases (entered, submitted or approved,
approved). They are rebuilt set-based (`sums_rebuild`) and otherwise kept by difference
in the transaction of the change that moves them:

- a saved, cleared or imported value adds (new − old) to the rows of its ancestors
  (`sums_apply_changes`);
- a form that changes state moves its values between the bases (`sums_apply_transition`);
- a unit that moves takes its subtree's values out of its old ancestors and into the new
  ones (`sums_retract` / `sums_restore` around the move).

Every statement is one `INSERT … SELECT … ON CONFLICT DO UPDATE` (PostgreSQL and SQLite
both have it) touching only the ancestors of the values it is given; indicator results
are computed from these rows where they are read (`indicators/results.py`), so nothing
else has to be kept current.

A value's basis is the state of the form it belongs to: the submission of the element's
data set (the first one, if an element were on several) for the value's unit, period and
organization type. Elements aggregated `none` are not rolled up and have no sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from danvan.indicators.models import ElementSum

# The decimals a sum keeps (its column) and each carried contribution is rounded to: in
# SQL as `DIGITS`, in Python as `PLACES`.
DIGITS = 4
PLACES = Decimal(1).scaleb(-DIGITS)

# State rank of a form: 0 entered (draft, returned, or no form yet), 1 submitted, 2 approved.
_RANK = "CASE s.status WHEN 'approved' THEN 2 WHEN 'submitted' THEN 1 ELSE 0 END"

# The form (data set) an element's values belong to.
_FORM_OF = """
SELECT de.element_id AS element_id, MIN(sec.data_set_id) AS data_set_id
FROM datasets_datasetelement de
JOIN datasets_datasetsection sec ON sec.id = de.section_id
GROUP BY de.element_id
"""

# The state rank of each form (unit, period, data set, organization type or 0) among the
# submissions `{{submission_where}}` selects.
_FORM_STATES = f"""
SELECT s.unit_id AS unit_id, s.period_id AS period_id, s.data_set_id AS data_set_id,
       COALESCE(o.type_id, 0) AS opt, MIN({_RANK}) AS rnk
FROM datasets_submission s
LEFT JOIN organizations_organization o ON o.id = s.organization_id
WHERE {{submission_where}}
GROUP BY s.unit_id, s.period_id, s.data_set_id, COALESCE(o.type_id, 0)
"""

# Values with the state rank of their form; `{where}` filters values and forms alike.
_VALUES_WITH_RANK = f"""
SELECT dv.unit_id AS unit_id, dv.period_id AS period_id, dv.element_id AS element_id,
       COALESCE(dv.organization_type_id, 0) AS opt, dv.value AS value,
       COALESCE(st.rnk, 0) AS rnk
FROM datasets_datavalue dv
LEFT JOIN ({_FORM_OF}) fo ON fo.element_id = dv.element_id
LEFT JOIN ({_FORM_STATES}) st ON st.unit_id = dv.unit_id AND st.period_id = dv.period_id
    AND st.data_set_id = fo.data_set_id AND st.opt = COALESCE(dv.organization_type_id, 0)
WHERE {{value_where}}
"""

# Where a unit's figures are added: every ancestor (the hierarchy is at most four levels
# deep: three hops), at the unit's own level and whole; and, for a unit that has
# successors, every unit at the end of its chains (`geography_unitcarry`) with its
# ancestors, at that unit's level, times the chain's weight.
#
# Whole contributions are summed first per parent (`parents`), and those fewer rows then
# go up the chain: each value is grouped once instead of once per ancestor (the sums of
# a million imported values on SQLite: 2,2 s instead of 4,9 s; benchmarks/README.md). A
# carried contribution is rounded on its own (`_rolled`), so it goes to its targets
# value by value.
_CARRIED = """
SELECT c.source_id AS unit_id, t.id AS ancestor_id, t.level AS level,
       c.weight AS weight, CASE WHEN c.estimated THEN 1 ELSE 0 END AS estimated
FROM geography_unitcarry c JOIN geography_administrativeunit t ON t.id = c.target_id
WHERE 1 = 1 {carry_where}
UNION ALL
SELECT c.source_id, t.parent_id, t.level, c.weight, CASE WHEN c.estimated THEN 1 ELSE 0 END
FROM geography_unitcarry c JOIN geography_administrativeunit t ON t.id = c.target_id
WHERE t.parent_id IS NOT NULL {carry_where}
UNION ALL
SELECT c.source_id, p.parent_id, t.level, c.weight, CASE WHEN c.estimated THEN 1 ELSE 0 END
FROM geography_unitcarry c JOIN geography_administrativeunit t ON t.id = c.target_id
JOIN geography_administrativeunit p ON p.id = t.parent_id
WHERE p.parent_id IS NOT NULL {carry_where}
"""

_COLUMNS = (
    "entered_total",
    "entered_count",
    "submitted_total",
    "submitted_count",
    "approved_total",
    "approved_count",
)

# The deltas of `{source}` (unit_id, period_id, element_id, opt and one delta per column)
# summed into the rows of every target of each unit: totals weighted (carried figures),
# counts not; `estimated_count` counts the values that reached a row through an
# estimated share.
#
# `d` is read twice and left inline: materialised, it was written out whole (2,7 million
# rows at a tenth of the country) to be read again for the few carried units. The other
# parts are read more than once and computed once.
_ROLLED = """
WITH d AS NOT MATERIALIZED ({source}),
carried_to AS MATERIALIZED ({ancestors}),
parents AS MATERIALIZED (
  SELECT u.parent_id AS unit_id, u.level AS level, d.period_id AS period_id,
         d.element_id AS element_id, d.opt AS opt, {summed}
  FROM d
  JOIN geography_administrativeunit u ON u.id = d.unit_id
  JOIN datasets_dataelement e ON e.id = d.element_id
  WHERE e.aggregation <> 'none' AND u.parent_id IS NOT NULL
  GROUP BY u.parent_id, u.level, d.period_id, d.element_id, d.opt
),
contributions AS (
  SELECT g.unit_id AS unit_id, g.level AS level, g.period_id AS period_id,
         g.element_id AS element_id, g.opt AS opt, {plain}, 0 AS estimated_count
  FROM parents g
  UNION ALL
  SELECT p.parent_id, g.level, g.period_id, g.element_id, g.opt, {plain}, 0
  FROM parents g JOIN geography_administrativeunit p ON p.id = g.unit_id
  WHERE p.parent_id IS NOT NULL
  UNION ALL
  SELECT q.parent_id, g.level, g.period_id, g.element_id, g.opt, {plain}, 0
  FROM parents g JOIN geography_administrativeunit p ON p.id = g.unit_id
  JOIN geography_administrativeunit q ON q.id = p.parent_id
  WHERE q.parent_id IS NOT NULL
  UNION ALL
  SELECT anc.ancestor_id, anc.level, d.period_id, d.element_id, d.opt, {carried},
         anc.estimated * d.entered_count
  FROM d
  JOIN carried_to anc ON anc.unit_id = d.unit_id
  JOIN datasets_dataelement e ON e.id = d.element_id
  WHERE e.aggregation <> 'none'
)
{rows}
"""
# One row per key (a statement that writes the sums needs it), or every contribution as
# it is (a statement that groups them again itself: `_differences_sql`).
_GROUPED = """SELECT unit_id, level, period_id, element_id, opt AS option, {totals},
       SUM(estimated_count) AS estimated_count
FROM contributions
GROUP BY unit_id, level, period_id, element_id, opt"""
_UNGROUPED = """SELECT unit_id, level, period_id, element_id, opt AS option, {columns},
       estimated_count
FROM contributions"""

# Every column a sum row keeps, estimated_count included.
_KEPT = (*_COLUMNS, "estimated_count")
_RETURNED_BATCH = 5000  # rows of SQLite's RETURNING read at a time

# Adds them to the sums, creating the rows it needs.
_APPLY = """
INSERT INTO indicators_elementsum (unit_id, level, period_id, element_id, option, {columns})
{rolled}
ON CONFLICT (unit_id, level, period_id, element_id, option) DO UPDATE SET {updates}
"""


def _rolled(
    source: str, unit_ids: Sequence[int] | None, *, grouped: bool = True
) -> tuple[str, list[int]]:
    carry_where, unit_params = "", list[int]()
    if unit_ids is not None:
        carry_where = f"AND c.source_id IN ({', '.join(['%s'] * len(unit_ids))})"
        unit_params = [*unit_ids] * 3
    # Each carried contribution rounded to the four decimals a sum keeps, once: a sum
    # is then exactly the total of its contributions, whichever way it was reached (a
    # rebuild, or saves by difference, each of which sends a figure's new and old
    # contributions as two rows). Rounding only the stored sum, 1,5 × 0,3333 = 0,49995
    # was kept as 0,5000 against a rebuild of 0,49995, and reported as out of step.
    # Whole contributions need no rounding: a figure has four decimals at most
    # (`value_parse` refuses a fifth).
    carried = ", ".join(
        f"ROUND(d.{name} * anc.weight, {DIGITS})" if name.endswith("_total") else f"d.{name}"
        for name in _COLUMNS
    )
    sql = _ROLLED.format(
        source=source,
        summed=", ".join(f"SUM(d.{name}) AS {name}" for name in _COLUMNS),
        plain=", ".join(f"g.{name}" for name in _COLUMNS),
        carried=carried,
        ancestors=_CARRIED.format(carry_where=carry_where),
        rows=(
            _GROUPED.format(totals=", ".join(f"SUM({name}) AS {name}" for name in _COLUMNS))
            if grouped
            else _UNGROUPED.format(columns=", ".join(_COLUMNS))
        ),
    )
    return sql, unit_params


def _apply(source: str, params: Sequence[Any], unit_ids: Sequence[int] | None) -> None:
    rolled, unit_params = _rolled(source, unit_ids)
    sql = _APPLY.format(
        columns=", ".join(_KEPT),
        rolled=rolled,
        updates=", ".join(
            f"{name} = indicators_elementsum.{name} + excluded.{name}" for name in _KEPT
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *unit_params])


def _national(cursor: Any) -> None:
    """Settings for one statement over every value of the country (PostgreSQL; they last
    until the transaction ends). Measured at a tenth of the country (benchmarks/README.md):
    the JIT compile took 14 of 35 s, and with the default work_mem the hash aggregate of
    1,4 million groups spilled to disk."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")


def _values_source(
    coefficients: tuple[int, int, int],
    *,
    unit_ids: Sequence[int] | None = None,
    period_ids: Sequence[str] | None = None,
    element_ids: Sequence[int] | None = None,
    option: int | None = None,
) -> tuple[str, list[object]]:
    """The values matching the filters as deltas: each value counted `coefficients[b]`
    times in basis b (entered, submitted-or-approved, approved) by its form's rank."""
    value_where, submission_where = ["1 = 1"], ["1 = 1"]
    value_params: list[object] = []
    submission_params: list[object] = []

    def both(column: str, items: Sequence[object]) -> None:
        marks = ", ".join(["%s"] * len(items))
        value_where.append(f"dv.{column} IN ({marks})")
        submission_where.append(f"s.{column} IN ({marks})")
        value_params.extend(items)
        submission_params.extend(items)

    if unit_ids is not None:
        both("unit_id", unit_ids)
    if period_ids is not None:
        both("period_id", period_ids)
    if element_ids is not None:
        value_where.append(f"dv.element_id IN ({', '.join(['%s'] * len(element_ids))})")
        value_params.extend(element_ids)
    if option is not None:
        value_where.append("COALESCE(dv.organization_type_id, 0) = %s")
        value_params.append(option)
    inner = _VALUES_WITH_RANK.format(
        submission_where=" AND ".join(submission_where), value_where=" AND ".join(value_where)
    )
    k_entered, k_submitted, k_approved = coefficients
    source = f"""
    SELECT v.unit_id, v.period_id, v.element_id, v.opt,
      {k_entered} * v.value AS entered_total, {k_entered} AS entered_count,
      CASE WHEN v.rnk >= 1 THEN {k_submitted} * v.value ELSE 0 END AS submitted_total,
      CASE WHEN v.rnk >= 1 THEN {k_submitted} ELSE 0 END AS submitted_count,
      CASE WHEN v.rnk >= 2 THEN {k_approved} * v.value ELSE 0 END AS approved_total,
      CASE WHEN v.rnk >= 2 THEN {k_approved} ELSE 0 END AS approved_count
    FROM ({inner}) v
    """
    return source, [*submission_params, *value_params]


@transaction.atomic
def sums_rebuild() -> int:
    """Every sum rebuilt from the values, set-based; returns the number of rows.

    Written by difference like everything else: each row receives (rebuilt − kept), and
    only the rows that differ are written; rows left all zero are removed. (Deleting
    every row and inserting them again took 199 s at a tenth of the country, three times
    the roll-up itself: dead index entries under every upsert, a foreign-key check per
    row at commit.)"""
    sql, arguments = _differences_sql()
    delta = ", ".join(f"delta_{name}" for name in _KEPT)
    updates = ", ".join(
        f"{name} = indicators_elementsum.{name} + excluded.{name}" for name in _KEPT
    )
    with connection.cursor() as cursor:
        _national(cursor)
        cursor.execute(
            f"INSERT INTO indicators_elementsum (unit_id, level, period_id, element_id, option, "
            f"{', '.join(_KEPT)}) SELECT unit_id, level, period_id, element_id, option, "
            f"{delta} FROM ({sql}) differing WHERE 1 = 1 "  # SQLite: ON CONFLICT needs a WHERE
            f"ON CONFLICT (unit_id, level, period_id, element_id, option) DO UPDATE SET {updates}",
            arguments,
        )
        zero = " AND ".join(f"{name} = 0" for name in _KEPT)
        cursor.execute(f"DELETE FROM indicators_elementsum WHERE {zero}")
    return ElementSum.objects.count()


def sums_retract(*, unit_ids: Sequence[int], period_ids: Sequence[str] | None = None) -> None:
    """Take the values of `unit_ids` out of their ancestors' sums (before a move)."""
    source, params = _values_source((-1, -1, -1), unit_ids=unit_ids, period_ids=period_ids)
    _apply(source, params, unit_ids)


def sums_restore(*, unit_ids: Sequence[int], period_ids: Sequence[str] | None = None) -> None:
    """Put the values of `unit_ids` into their (new) ancestors' sums (after a move)."""
    source, params = _values_source((1, 1, 1), unit_ids=unit_ids, period_ids=period_ids)
    _apply(source, params, unit_ids)


@dataclass(frozen=True)
class Form:
    """The key a form's values are filed under: unit, period, data set, organization
    type (None: the unit's own form)."""

    unit_id: int
    period_id: str
    data_set_id: int
    option: int | None


def sums_apply_transition(*, forms: Sequence[Form], old_status: str, new_status: str) -> None:
    """Forms went from `old_status` to `new_status`: move their values between bases, in
    one statement for all of them.

    Runs after the new status is stored: the values' rank is read as the new one, and
    the coefficients take the old one out."""
    old, new = _rank(old_status), _rank(new_status)
    if old == new or not forms:
        return
    submitted = int(new >= 1) - int(old >= 1)
    approved = int(new >= 2) - int(old >= 2)
    # Values are selected with their current (new) rank; the source's CASE counts a value
    # in a basis only if that rank reaches it, so give the coefficients on a rank-free
    # source instead: every value of the forms, counted by the change of each basis. The
    # forms are a list of rows joined to the values, and their elements a join in the same
    # statement: a bulk approval is a few statements, and each round trip counted
    # (benchmarks/README.md, submission).
    keys = " UNION ALL ".join(
        ["SELECT %s AS unit_id, %s AS period_id, %s AS opt, %s AS data_set_id"] * len(forms)
    )
    source = f"""
    SELECT dv.unit_id AS unit_id, dv.period_id AS period_id, dv.element_id AS element_id,
      COALESCE(dv.organization_type_id, 0) AS opt,
      0 * dv.value AS entered_total, 0 AS entered_count,
      {submitted} * dv.value AS submitted_total, {submitted} AS submitted_count,
      {approved} * dv.value AS approved_total, {approved} AS approved_count
    FROM ({keys}) f
    JOIN datasets_datavalue dv ON dv.unit_id = f.unit_id AND dv.period_id = f.period_id
      AND COALESCE(dv.organization_type_id, 0) = f.opt
    JOIN ({_FORM_OF}) fo ON fo.element_id = dv.element_id AND fo.data_set_id = f.data_set_id
    """
    params: list[object] = []
    for form in forms:
        params += [form.unit_id, form.period_id, form.option or 0, form.data_set_id]
    _apply(source, params, sorted({form.unit_id for form in forms}))


def _rank(status: str) -> int:
    return {"approved": 2, "submitted": 1}.get(status, 0)


@dataclass(frozen=True)
class Change:
    """One figure before and after a write (None: absent)."""

    unit_id: int
    period_id: str
    element_id: int
    option: int | None
    old: Decimal | None
    new: Decimal | None


_BATCH = 400


def sums_apply_changes(changes: Iterable[Change]) -> None:
    """Add (new − old) of each change to its ancestors' sums, in the bases its form's
    current state reaches. Call in the transaction that wrote the values."""
    batch: list[Change] = []
    for change in changes:
        if change.old == change.new:
            continue
        batch.append(change)
        if len(batch) >= _BATCH:
            _apply_batch(batch)
            batch = []
    if batch:
        _apply_batch(batch)


def _apply_batch(batch: list[Change]) -> None:
    rows = []
    params: list[object] = []
    for change in batch:
        # The new figure in, the old one out: two rows, so that each is weighted and
        # rounded as a rebuild weights and rounds it (`_rolled`).
        for figure, sign in ((change.new, 1), (change.old, -1)):
            if figure is None:
                continue
            rows.append(
                "SELECT %s AS unit_id, %s AS period_id, %s AS element_id, %s AS opt, "
                "CAST(%s AS NUMERIC) AS delta, %s AS dcount"
            )
            params += [
                change.unit_id,
                change.period_id,
                change.element_id,
                change.option or 0,
                str(sign * figure),
                sign,
            ]
    unit_ids = sorted({change.unit_id for change in batch})
    period_ids = sorted({change.period_id for change in batch})
    forms = (
        f"s.unit_id IN ({', '.join(['%s'] * len(unit_ids))}) "
        f"AND s.period_id IN ({', '.join(['%s'] * len(period_ids))})"
    )
    source = _changes_source(" UNION ALL ".join(rows), forms)
    _apply(source, [*params, *unit_ids, *period_ids], unit_ids)


class NegativeSumError(Exception):
    """A change would leave a sum below zero. Figures are never negative (`value_parse`
    refuses them), so the kept sums are out of step with the values: `check_sums
    --repair` rebuilds them."""

    def __init__(self, *, unit_id: int, period_id: str, element_id: int, total: Decimal) -> None:
        super().__init__(f"sum of element {element_id} at unit {unit_id} in {period_id}: {total}")
        self.unit_id, self.period_id, self.element_id, self.total = (
            unit_id,
            period_id,
            element_id,
            total,
        )


def sums_apply_staged(*, table: str) -> None:
    """Add the changes of an import to the sums, set-based from its staging table
    (`unit_id, period_id, element_id, opt, value, old_value, action`; action "" is
    nothing to write). Raises `NegativeSumError` (the caller's transaction must then be
    rolled back) if a touched sum would fall below zero."""
    # The new figures in and the old ones out, as two rows each (see `_apply_batch`).
    changes = f"""
    SELECT a.unit_id AS unit_id, a.period_id AS period_id, a.element_id AS element_id,
      a.opt AS opt, CAST(a.value AS NUMERIC) AS delta, 1 AS dcount
    FROM {table} a
    WHERE a.action <> '' AND a.value IS NOT NULL
    UNION ALL
    SELECT a.unit_id, a.period_id, a.element_id, a.opt, -CAST(a.old_value AS NUMERIC), -1
    FROM {table} a
    WHERE a.action <> '' AND a.old_value IS NOT NULL
    """
    forms = f"s.unit_id IN (SELECT a.unit_id FROM {table} a WHERE a.action <> '')"
    rolled, unit_params = _rolled(_changes_source(changes, forms), None)
    negative = " OR ".join(f"ROUND({name}, {DIGITS}) < 0" for name in _KEPT)
    sql = _APPLY.format(
        columns=", ".join(_KEPT),
        rolled=rolled,
        updates=", ".join(
            f"{name} = indicators_elementsum.{name} + excluded.{name}" for name in _KEPT
        ),
    )
    # The rows the statement wrote come back only if negative (PostgreSQL filters them
    # in a data-modifying CTE; SQLite's RETURNING cannot be filtered, so Python does).
    returning = "RETURNING unit_id, period_id, element_id, " + ", ".join(_KEPT)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                f"WITH applied AS ({sql} {returning}) "
                f"SELECT * FROM applied WHERE {negative} LIMIT 1",
                unit_params,
            )
            found = cursor.fetchall()
        else:
            # One row per sum written, read a batch at a time: memory stays flat however
            # many sums a large import touches.
            cursor.execute(f"{sql} {returning}", unit_params)
            found = []
            while rows := cursor.fetchmany(_RETURNED_BATCH):
                found = found or [r for r in rows if any(round(x, DIGITS) < 0 for x in r[3:])]
    if found:
        unit_id, period_id, element_id, *figures = found[0]
        total = min(Decimal(str(x)) for x in figures)
        raise NegativeSumError(
            unit_id=unit_id, period_id=period_id, element_id=element_id, total=total
        )


def _changes_source(changes: str, submission_where: str) -> str:
    """Deltas of `changes` (unit_id, period_id, element_id, opt, delta, dcount) in the bases
    their form's current state reaches."""
    return f"""
    SELECT c.unit_id, c.period_id, c.element_id, c.opt,
      c.delta AS entered_total, c.dcount AS entered_count,
      CASE WHEN COALESCE(st.rnk, 0) >= 1 THEN c.delta ELSE 0 END AS submitted_total,
      CASE WHEN COALESCE(st.rnk, 0) >= 1 THEN c.dcount ELSE 0 END AS submitted_count,
      CASE WHEN COALESCE(st.rnk, 0) >= 2 THEN c.delta ELSE 0 END AS approved_total,
      CASE WHEN COALESCE(st.rnk, 0) >= 2 THEN c.dcount ELSE 0 END AS approved_count
    FROM ({changes}) c
    LEFT JOIN ({_FORM_OF}) fo ON fo.element_id = c.element_id
    LEFT JOIN ({_FORM_STATES.format(submission_where=submission_where)}) st
      ON st.unit_id = c.unit_id AND st.period_id = c.period_id
        AND st.data_set_id = fo.data_set_id AND st.opt = c.opt
    """


@dataclass(frozen=True)
class Difference:
    key: tuple[int, int, str, int, int]  # unit, level, period, element, option
    kept: tuple[Decimal | int, ...]
    rebuilt: tuple[Decimal | int, ...]


def sums_differences() -> list[Difference]:
    """Maintained sums against a rebuild from the values (rows all zero count as absent).

    Compared in the database, writing nothing: the kept rows and the roll-up of every
    value side by side, grouped by key; only rows that differ come back. (Reading both
    into Python took 193 s and 2,4 GB at a tenth of the country.) Totals are compared at
    the four decimals they are stored with: SQLite keeps them as floating point."""
    sql, arguments = _differences_sql()
    sides = ", ".join(
        f"COALESCE(k.{name}, 0) AS kept_{name}, COALESCE(k.{name}, 0) + d.delta_{name}"
        for name in _KEPT
    )
    columns = _KEY.split(", ")
    key = ", ".join(f"d.{column}" for column in columns)
    joined = " AND ".join(f"k.{column} = d.{column}" for column in columns)
    with connection.cursor() as cursor:
        _national(cursor)
        cursor.execute(
            f"SELECT {key}, {sides} FROM ({sql}) d "
            f"LEFT JOIN indicators_elementsum k ON {joined} ORDER BY {key}",
            arguments,
        )
        rows = cursor.fetchall()
    return [Difference(tuple(row[:5]), _figures(row[5::2]), _figures(row[6::2])) for row in rows]


_KEY = "unit_id, level, period_id, element_id, option"


def _differences_sql() -> tuple[str, list[Any]]:
    """Keys whose kept sums differ from the roll-up of every value: the key, then
    `delta_<column>` (rebuilt − kept) for each column.

    One signed sum per column (kept rows negated, the roll-up as it is), grouped once:
    the roll-up is not grouped by key on its own first, and kept and rebuilt are not
    summed apart (this statement at a tenth of the country: 19,9 s before, 16,7 s;
    benchmarks/README.md)."""
    source, params = _values_source((1, 1, 1))
    rolled, unit_params = _rolled(source, None, grouped=False)
    negated = ", ".join(f"-{name} AS {name}" for name in _KEPT)
    deltas = ", ".join(f"SUM({name}) AS delta_{name}" for name in _KEPT)
    differ = " OR ".join(f"ROUND(SUM({name}), {DIGITS}) <> 0" for name in _KEPT)
    sql = f"""
    SELECT {_KEY}, {deltas} FROM (
      SELECT {_KEY}, {negated} FROM indicators_elementsum
      UNION ALL
      SELECT {_KEY}, {", ".join(_KEPT)} FROM ({rolled}) rolled
    ) both_sides
    GROUP BY {_KEY} HAVING {differ}
    """
    return sql, [*params, *unit_params]


def _figures(row: Sequence[Any]) -> tuple[Decimal | int, ...]:
    return tuple(
        Decimal(str(value)).quantize(PLACES) if name.endswith("_total") else int(value)
        for name, value in zip(_KEPT, row, strict=True)
    )
