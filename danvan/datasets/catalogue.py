"""Loading the YAML catalogue of data elements, data sets and validation rules.

Idempotent: codes are keys, rows are updated in place. Every expression is parsed before
anything is written; an error names the file, the rule and the position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from danvan.datasets.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataSetSection,
    ValidationRule,
)
from danvan.lib.expressions import ExpressionError, expression_parse
from danvan.lib.periods import PeriodType
from danvan.organizations.models import OrganizationType


class CatalogueError(ValidationError):
    pass


@dataclass
class CatalogueResult:
    elements: int = 0
    data_sets: int = 0
    rules: int = 0
    messages: list[str] = field(default_factory=list)


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise CatalogueError(f"{where}: '{key}' is missing.")
    return entry[key]


def _check(path: Path, data: Any) -> None:
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: not a catalogue (expected a mapping at the top).")
    element_codes = {str(e.get("code")) for e in data.get("elements", []) or []}
    element_codes |= set(DataElement.objects.values_list("code", flat=True))
    org_codes = set(OrganizationType.objects.values_list("code", flat=True))
    for entry in data.get("elements", []) or []:
        where = f"{path}: element {entry.get('code', '?')}"
        _require(entry, "code", where)
        _require(entry, "name", where)
        if entry.get("value_type", "integer") not in DataElement.ValueType.values:
            raise CatalogueError(f"{where}: unknown value_type {entry.get('value_type')!r}.")
        if entry.get("aggregation", "sum") not in DataElement.Aggregation.values:
            raise CatalogueError(f"{where}: unknown aggregation {entry.get('aggregation')!r}.")
        for code in entry.get("organization_types", []) or []:
            if code not in org_codes:
                raise CatalogueError(f"{where}: unknown organization type {code!r}.")
    data_set_codes = {str(d.get("code")) for d in data.get("data_sets", []) or []}
    data_set_codes |= set(DataSet.objects.values_list("code", flat=True))
    for entry in data.get("data_sets", []) or []:
        where = f"{path}: data set {entry.get('code', '?')}"
        _require(entry, "code", where)
        _require(entry, "name", where)
        if entry.get("period_type", "yearly") not in {t.value for t in PeriodType}:
            raise CatalogueError(f"{where}: unknown period_type {entry.get('period_type')!r}.")
        for section in entry.get("sections", []) or []:
            for code in section.get("elements", []) or []:
                if code not in element_codes:
                    raise CatalogueError(
                        f"{where}, section {section.get('name')!r}: unknown element {code!r}."
                    )
        for code in entry.get("organization_types", []) or []:
            if code not in org_codes:
                raise CatalogueError(f"{where}: unknown organization type {code!r}.")
        on_form = {
            code
            for section in entry.get("sections", []) or []
            for code in section.get("elements", []) or []
        }
        for code in entry.get("required", []) or []:
            if code not in on_form:
                raise CatalogueError(
                    f"{where}: required cell {code!r} is not on the form; add it to a section "
                    "of this data set or remove it from 'required'."
                )
    for entry in data.get("validation_rules", []) or []:
        where = f"{path}: validation rule {entry.get('code', '?')}"
        for key in ("code", "left", "op", "right", "message"):
            _require(entry, key, where)
        if entry["op"] not in ValidationRule.Operator.values:
            raise CatalogueError(f"{where}: unknown operator {entry['op']!r}.")
        for side in ("left", "right"):
            try:
                expression_parse(str(entry[side]), element_codes)
            except ExpressionError as error:
                raise CatalogueError(f"{where}, {side} side: {error}") from error
        for code in entry.get("data_sets", []) or []:
            if code not in data_set_codes:
                raise CatalogueError(f"{where}: unknown data set {code!r}.")


@transaction.atomic
def catalogue_load(path: Path) -> CatalogueResult:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogueError(f"{path}: cannot read the catalogue ({error}).") from error
    _check(path, data)
    version = str(data.get("version", ""))
    result = CatalogueResult()
    org_types = {t.code: t for t in OrganizationType.objects.all()}
    for entry in data.get("elements", []) or []:
        element, _ = DataElement.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "name_en": entry.get("name_en", ""),
                "short_name": entry.get("short_name", ""),
                "description": entry.get("description", ""),
                "value_type": entry.get("value_type", DataElement.ValueType.INTEGER),
                "aggregation": entry.get("aggregation", DataElement.Aggregation.SUM),
                "unit_of_measure": entry.get("unit_of_measure", ""),
                "disaggregated_by_organization": bool(entry.get("by_organization", False)),
                "catalogue_version": version,
            },
        )
        element.organization_types.set(
            [org_types[c] for c in entry.get("organization_types", []) or []]
        )
        result.elements += 1
    elements = {e.code: e for e in DataElement.objects.all()}
    for entry in data.get("data_sets", []) or []:
        data_set, _ = DataSet.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "period_type": entry.get("period_type", PeriodType.YEARLY.value),
                "levels": list(entry.get("levels", [1, 2, 3])),
                "reported_by_organizations": bool(entry.get("reported_by_organizations", True)),
                "closing_day": int(entry.get("closing_day", 15)),
                "deadline_days": int(entry.get("deadline_days", 5)),
                "catalogue_version": version,
            },
        )
        data_set.organization_types.set(
            [org_types[c] for c in entry.get("organization_types", []) or []]
        )
        required = set(entry.get("required", []) or [])
        kept_sections = []
        for order, section_entry in enumerate(entry.get("sections", []) or [], start=1):
            section, _ = DataSetSection.objects.update_or_create(
                data_set=data_set, name=section_entry["name"], defaults={"sort_order": order}
            )
            kept_sections.append(section.pk)
            kept_items = []
            for item_order, code in enumerate(section_entry.get("elements", []) or [], start=1):
                item, _ = DataSetElement.objects.update_or_create(
                    section=section,
                    element=elements[code],
                    defaults={
                        "sort_order": item_order,
                        "levels": list(section_entry.get("levels", [])),
                        "required": code in required,
                    },
                )
                kept_items.append(item.pk)
            section.items.exclude(pk__in=kept_items).delete()
        data_set.sections.exclude(pk__in=kept_sections).delete()
        result.data_sets += 1
    data_sets = {d.code: d for d in DataSet.objects.all()}
    for entry in data.get("validation_rules", []) or []:
        rule, _ = ValidationRule.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry.get("name", entry["message"]),
                "left": entry["left"],
                "operator": entry["op"],
                "right": entry["right"],
                "severity": entry.get("severity", ValidationRule.Severity.ERROR),
                "message": entry["message"],
                "is_active": bool(entry.get("active", True)),
                "catalogue_version": version,
            },
        )
        rule.data_sets.set([data_sets[c] for c in entry.get("data_sets", []) or []])
        result.rules += 1
    return result


DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent.parent / "catalogue"


def catalogue_load_all(directory: Path = DEFAULT_CATALOGUE) -> CatalogueResult:
    total = CatalogueResult()
    for path in sorted(directory.glob("*.yaml")):
        result = catalogue_load(path)
        total.elements += result.elements
        total.data_sets += result.data_sets
        total.rules += result.rules
        total.messages.append(
            f"{path.name}: {result.elements} elements, {result.data_sets} data sets, "
            f"{result.rules} rules"
        )
    return total
