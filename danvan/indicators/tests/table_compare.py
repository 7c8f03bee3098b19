"""`results_table` against `results_read`, row by row (used by the tests of both)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import Resolution
from danvan.indicators.results import Result, results_read
from danvan.indicators.table import STATUSES, ResultTable, results_table


def _same(a: Decimal | None, b: float) -> bool:
    if a is None:
        return math.isnan(b)
    if math.isnan(b):
        return False
    return math.isclose(float(a), b, rel_tol=1e-9, abs_tol=1e-9)


def differences(
    resolution: Resolution, units: Sequence[AdministrativeUnit], **options: Any
) -> tuple[int, list[str]]:
    """(rows compared, the rows that differ, described)."""
    rows: list[Result] = results_read(resolution, units=units, **options)
    table: ResultTable = results_table(resolution, units=units, **options)
    found: list[str] = []
    if len(rows) != len(table):
        found.append(f"{len(rows)} results against {len(table)} rows")
        return len(rows), found
    for i, row in enumerate(rows):
        part = table.parts[table.part_index[i]]
        unit = table.units[table.unit_index[i]]
        period = table.periods[table.period_index[i]]
        where = f"{row.part.indicator.number}/{row.part.code} {row.unit_id} {row.period_id}"
        if (part.pk, unit.pk, period) != (row.part.pk, row.unit_id, row.period_id):
            found.append(f"{where}: row {i} is {part.code} {unit.pk} {period}")
            continue
        pairs = {
            "numerator": (row.numerator, table.numerator[i]),
            "denominator": (row.denominator, table.denominator[i]),
            "value": (row.value, table.value[i]),
            "achievement": (row.achievement, table.achievement[i]),
            "baseline_numerator": (row.baseline_numerator, table.baseline_numerator[i]),
            "baseline_value": (row.baseline_value, table.baseline_value[i]),
            "change_value": (row.change_value, table.change_value[i]),
            "change_count": (row.change_count, table.change_count[i]),
        }
        for name, (a, b) in pairs.items():
            if not _same(a, b):
                found.append(f"{where}: {name} {a} against {b}")
        if row.status != STATUSES[table.status[i]]:
            found.append(f"{where}: status {row.status} against {STATUSES[table.status[i]]}")
        target = row.target.value if row.target is not None else None
        if row.status != "not_applicable" and not _same(target, table.target[i]):
            found.append(f"{where}: target {target} against {table.target[i]}")
        if row.estimated != bool(table.estimated[i]):
            found.append(f"{where}: estimated {row.estimated} against {table.estimated[i]}")
        if row.coverage is not None and options.get("coverage", True):
            counted = row.coverage.counted(row.basis)
            mine = (int(table.units_expected[i]), int(table.units_counted[i]))
            if (row.coverage.units_expected, counted) != mine:
                found.append(
                    f"{where}: coverage {row.coverage.units_expected}/{counted} against {mine}"
                )
    return len(rows), found
