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


def _status(path: Path, number: int, data: dict[str, Any]) -> tuple[str, str, set[str] | None]:
    """(rule, wording when met, codes of the deciding parts — None: all parts)."""
    where = f"indicator {number}"
    spec = data.get("status") or {}
    rule = str(spec.get("rule", Indicator.StatusRule.TARGETS))
    if rule not in Indicator.StatusRule.values:
        known = ", ".join(Indicator.StatusRule.values)
        raise _fail(path, where, f"unknown status rule {rule!r} (known: {known})")
    decided_by = spec.get("decided_by", "all")
    codes = {str(p.get("code")) for p in data.get("parts") or []}
    deciding: set[str] | None
    if decided_by == "all":
        deciding = None if codes else set()
    elif isinstance(decided_by, list):
        deciding = {str(code) for code in decided_by}
        unknown = sorted(deciding - codes)
        if unknown:
            raise _fail(path, where, f"'decided_by' names parts it does not have: {unknown}")
    else:
        raise _fail(path, where, "'decided_by' is 'all' or a list of part codes")
    if deciding is not None and not deciding:
        raise _fail(path, where, "no part decides the indicator ('decided_by' is empty)")
    return rule, str(spec.get("met_text", "")), deciding


def _check_deciding(path: Path, indicator: Indicator) -> None:
    """Judged against targets, an indicator needs a deciding part that has one."""
    if indicator.status_rule != Indicator.StatusRule.TARGETS:
        return
    deciding = indicator.parts.filter(decides=True)
    if not deciding.exclude(target_kind=IndicatorPart.TargetKind.NONE).exists():
        codes = ", ".join(deciding.values_list("code", flat=True))
        raise _fail(
            path,
            f"indicator {indicator.number}",
            f"no deciding part has a target ({codes}): give one a target or judge the "
            f"indicator by 'baseline'",
        )


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
    target_rule = str(head.get("target_rule", Resolution.TargetRule.UPCOMING))
    if target_rule not in Resolution.TargetRule.values:
        known = ", ".join(Resolution.TargetRule.values)
        raise DefinitionError(
            f"{path.name}: resolution: unknown target rule {target_rule!r} (known: {known})"
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
            "target_rule": target_rule,
        },
    )
    default_baseline = head.get("baseline")
    kept_indicators = []
    for indicator_data in data.get("indicators") or []:
        number = int(indicator_data["number"])
        status_rule, met_text, deciding = _status(path, number, indicator_data)
        indicator, _ = Indicator.objects.update_or_create(
            resolution=resolution,
            number=number,
            defaults={
                "name": indicator_data["name"],
                "status_rule": status_rule,
                "met_text": met_text,
            },
        )
        kept_indicators.append(indicator.pk)
        kept_parts = []
        for order, part_data in enumerate(indicator_data.get("parts") or [], start=1):
            where = f"indicator {number}, part {part_data.get('code', order)}"
            for key in ("code", "name", "level", "numerator"):
                if not part_data.get(key):
                    raise _fail(path, where, f"'{key}' is missing")
            detail = part_data.get("of_which") or {}
            if detail and not (detail.get("numerator") and detail.get("label")):
                raise _fail(path, where, "'of_which' needs a numerator and a label")
            sides = {side: part_data.get(side) for side in ("numerator", "denominator")}
            sides["of_which"] = detail.get("numerator")
            for side, text in sides.items():
                if text:
                    try:
                        expression_parse(str(text), codes)
                    except ExpressionError as error:
                        raise _fail(path, f"{where}, {side}", str(error)) from error
            kind, targets = _targets(path, where, part_data.get("target") or {"kind": "none"})
            applies = {key: _day(path, where, key, part_data.get(key)) for key in ("from", "until")}
            if applies["from"] and applies["until"] and applies["from"] > applies["until"]:
                raise _fail(path, where, "'from' is after 'until'")
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
                    "decides": deciding is None or part_data["code"] in deciding,
                    "detail_numerator": str(detail.get("numerator") or ""),
                    "detail_label": str(detail.get("label") or ""),
                    "show_previous_year": bool(part_data.get("show_previous_year", False)),
                    "valid_from": applies["from"],
                    "valid_to": applies["until"],
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
        _check_deciding(path, indicator)
    resolution.indicators.exclude(pk__in=kept_indicators).delete()
    return resolution


def _day(path: Path, where: str, key: str, value: object) -> datetime.date | None:
    """A part's 'from'/'until' date (YAML reads 2025-06-30 as a date already)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise _fail(path, where, f"'{key}' is not a date (YYYY-MM-DD): {value!r}") from error


def resolutions_load_all(directory: Path = DEFAULT_DIRECTORY) -> list[Resolution]:
    return [resolution_load(path) for path in sorted(directory.glob("*.yaml"))]
