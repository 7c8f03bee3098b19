"""Loading a resolution and its indicators from YAML (resolutions/*.yaml).

Idempotent: the resolution number, indicator numbers and part codes are keys. Every
expression is parsed against the data element catalogue before anything is written;
an error names the file, the indicator, the part and the position.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from danvan.datasets.models import DataElement
from danvan.datasets.queries import period_get
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import Indicator, IndicatorPart, Resolution, Target
from danvan.lib.expressions import ExpressionError, expression_parse

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent.parent / "resolutions"


class DefinitionError(ValidationError):
    pass


def _fail(path: Path, where: str, message: str) -> DefinitionError:
    return DefinitionError(f"{path.name}: {where}: {message}")


def _targets(
    path: Path, where: str, spec: dict[str, Any]
) -> tuple[str, list[tuple[int, Decimal, Decimal | None]]]:
    kind = spec.get("kind", IndicatorPart.TargetKind.AT_LEAST)
    if kind not in IndicatorPart.TargetKind.values:
        raise _fail(path, where, f"unknown target kind {kind!r}")
    found: list[tuple[int, Decimal, Decimal | None]] = []
    for year, value in (spec.get("by") or {}).items():
        if kind == IndicatorPart.TargetKind.RANGE:
            if not (isinstance(value, list) and len(value) == 2):
                raise _fail(path, where, f"a range target for {year} needs [lower, upper]")
            lower, upper = Decimal(str(value[0])), Decimal(str(value[1]))
            if lower > upper:
                raise _fail(path, where, f"the range for {year} has lower > upper")
            found.append((int(year), lower, upper))
        else:
            found.append((int(year), Decimal(str(value)), None))
    if kind != IndicatorPart.TargetKind.NONE and not found:
        raise _fail(path, where, "a target needs at least one year")
    return kind, found


@transaction.atomic
def resolution_load(path: Path) -> Resolution:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DefinitionError(f"{path.name}: cannot read ({error})") from error
    if not isinstance(data, dict) or "resolution" not in data:
        raise DefinitionError(f"{path.name}: not a resolution definition (no 'resolution' key)")
    head = data["resolution"]
    codes = set(DataElement.objects.values_list("code", flat=True))
    scope = head.get("unit", {})
    unit = AdministrativeUnit.objects.filter(
        version__code=scope.get("hierarchy", "vn-legacy"), code=str(scope.get("code", ""))
    ).first()
    if unit is None:
        raise DefinitionError(f"{path.name}: the unit {scope} is not loaded")
    term = head.get("term") or [None, None]
    issued = head["issued_on"]
    basis = str(head.get("basis", Resolution.Basis.APPROVED))
    if basis not in Resolution.Basis.values:
        raise DefinitionError(
            f"{path.name}: unknown basis {basis!r} (one of {', '.join(Resolution.Basis.values)})"
        )
    resolution, _ = Resolution.objects.update_or_create(
        number=head["number"],
        defaults={
            "issued_on": issued
            if isinstance(issued, datetime.date)
            else datetime.date.fromisoformat(str(issued)),
            "issuing_body": head.get("issuing_body", ""),
            "title": head.get("title", ""),
            "term_start": int(term[0]),
            "term_end": int(term[1]),
            "scope_unit": unit,
            "source_file": path.name,
            "basis": basis,
        },
    )
    default_baseline = head.get("baseline")
    kept_indicators = []
    for indicator_data in data.get("indicators") or []:
        number = int(indicator_data["number"])
        indicator, _ = Indicator.objects.update_or_create(
            resolution=resolution, number=number, defaults={"name": indicator_data["name"]}
        )
        kept_indicators.append(indicator.pk)
        kept_parts = []
        for order, part_data in enumerate(indicator_data.get("parts") or [], start=1):
            where = f"indicator {number}, part {part_data.get('code', order)}"
            for key in ("code", "name", "level", "numerator"):
                if not part_data.get(key):
                    raise _fail(path, where, f"'{key}' is missing")
            for side in ("numerator", "denominator"):
                text = part_data.get(side)
                if text:
                    try:
                        expression_parse(str(text), codes)
                    except ExpressionError as error:
                        raise _fail(path, f"{where}, {side}", str(error)) from error
            kind, targets = _targets(path, where, part_data.get("target") or {"kind": "none"})
            baseline = part_data.get("baseline", default_baseline)
            is_rate = bool(part_data.get("denominator"))
            part, _ = IndicatorPart.objects.update_or_create(
                indicator=indicator,
                code=part_data["code"],
                defaults={
                    "name": part_data["name"],
                    "level_label": part_data.get("level_label", ""),
                    "sort_order": order,
                    "level": int(part_data["level"]),
                    "numerator": str(part_data["numerator"]),
                    "denominator": str(part_data.get("denominator") or ""),
                    "factor": Decimal(str(part_data.get("factor", 100 if is_rate else 1))),
                    "unit_of_measure": part_data.get("unit_of_measure", "%" if is_rate else ""),
                    "count_noun": part_data.get("count_noun", ""),
                    "decimals": int(part_data.get("decimals", 2)),
                    "accumulation": part_data.get(
                        "accumulation", IndicatorPart.Accumulation.PERIOD
                    ),
                    "baseline_period": period_get(str(baseline)) if baseline else None,
                    "target_kind": kind,
                },
            )
            kept_parts.append(part.pk)
            every_year = bool((part_data.get("target") or {}).get("every_year", False))
            kept_targets = []
            for year, value, upper in targets:
                target, _ = Target.objects.update_or_create(
                    part=part,
                    year=year,
                    defaults={"value": value, "upper": upper, "every_year": every_year},
                )
                kept_targets.append(target.pk)
            part.targets.exclude(pk__in=kept_targets).delete()
        indicator.parts.exclude(pk__in=kept_parts).delete()
    resolution.indicators.exclude(pk__in=kept_indicators).delete()
    return resolution


def resolutions_load_all(directory: Path = DEFAULT_DIRECTORY) -> list[Resolution]:
    return [resolution_load(path) for path in sorted(directory.glob("*.yaml"))]
