"""Workbook mappings: made from a sample file, changed, shared, deleted — each audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange.models import WorkbookMapping, WorkbookMappingEvent
from danvan.datasets.exchange.workbooks import Grid, column_index, is_column, normalized
from danvan.datasets.models import DataElement
from danvan.geography.models import AdministrativeUnit
from danvan.organizations.models import OrganizationType


@dataclass(frozen=True)
class ColumnChoice:
    column: str
    element: str
    option: str = ""


def _snapshot(mapping: WorkbookMapping) -> dict[str, Any]:
    return {
        "name": mapping.name,
        "sheet": mapping.sheet,
        "header_row": mapping.header_row,
        "first_data_row": mapping.first_data_row,
        "unit_column": mapping.unit_column,
        "unit_header": mapping.unit_header,
        "columns": mapping.columns,
        "skip_labels": mapping.skip_labels,
        "unit_levels": mapping.unit_levels,
        "shared_with": sorted(mapping.shared_with.values_list("code", flat=True))
        if mapping.pk
        else [],
    }


def _event(mapping: WorkbookMapping, action: str, actor: User, remote_address: str | None) -> None:
    WorkbookMappingEvent.objects.create(
        mapping=mapping if action != WorkbookMappingEvent.Action.DELETE else None,
        mapping_name=mapping.name,
        unit=mapping.unit,
        action=action,
        user=actor,
        remote_address=remote_address,
        detail=_snapshot(mapping),
    )


def _columns_check(actor: User, columns: Iterable[ColumnChoice], unit_column: str) -> list[str]:
    errors: list[str] = []
    elements = {e.code: e for e in DataElement.objects.prefetch_related("organization_types")}
    options = {t.code: t for t in OrganizationType.objects.all()}
    seen: set[str] = set()
    for choice in columns:
        column = choice.column.upper()
        if not is_column(column):
            errors.append(_("“%(column)s” is not a column letter.") % {"column": column[:5]})
            continue
        if column == unit_column:
            errors.append(
                _("Column %(column)s names the units: it cannot also hold a figure.")
                % {"column": column}
            )
        if column in seen:
            errors.append(_("Column %(column)s is mapped twice.") % {"column": column})
        seen.add(column)
        element = elements.get(choice.element)
        if element is None:
            errors.append(
                _("Column %(column)s: unknown figure “%(code)s”.")
                % {"column": column, "code": choice.element[:64]}
            )
            continue
        option = options.get(choice.option) if choice.option else None
        if element.disaggregated_by_organization:
            allowed = {t.code for t in element.organization_types.all()}
            if option is None or (allowed and option.code not in allowed):
                errors.append(
                    _(
                        "Column %(column)s: “%(element)s” is reported by organization: choose one "
                        "that reports it."
                    )
                    % {"column": column, "element": element.name}
                )
                continue
        elif choice.option:
            errors.append(
                _("Column %(column)s: “%(element)s” is a unit's figure, not an organization's.")
                % {"column": column, "element": element.name}
            )
            continue
        restricted = actor.organization_type_id
        if (
            not actor.is_superuser
            and restricted is not None
            and (option is None or option.id != restricted)
        ):
            errors.append(
                _("Column %(column)s: you may map only your organization's figures.")
                % {"column": column}
            )
    if not seen:
        errors.append(_("Map at least one column to a figure."))
    return errors


@transaction.atomic
def workbook_mapping_save(
    *,
    actor: User,
    unit: AdministrativeUnit,
    name: str,
    sample: Grid,
    header_row: int,
    first_data_row: int,
    unit_column: str,
    columns: list[ColumnChoice],
    skip_labels: list[str],
    unit_levels: list[int] | None = None,
    mapping: WorkbookMapping | None = None,
    remote_address: str | None = None,
) -> WorkbookMapping:
    """Make (or change) a mapping from a sample workbook: the headers of its columns are
    read from the sample and checked again in every file read through it."""
    if mapping is not None:
        if not access.can_change_workbook_mapping(actor, mapping):
            raise PermissionDenied(_("You may not change this mapping."))
        unit = mapping.unit
    elif not access.can_change_unit(actor, unit):
        raise PermissionDenied(_("You may not make mappings for this unit."))
    unit_column = unit_column.strip().upper()
    errors: list[str] = []
    name = name.strip()
    if not name:
        errors.append(_("Give the mapping a name."))
    if header_row < 1 or first_data_row <= header_row:
        errors.append(_("The figures must start below the header row."))
    if first_data_row > len(sample.rows):
        errors.append(_("The sample has no row %(row)s.") % {"row": first_data_row})
    if not is_column(unit_column):
        errors.append(_("Choose the column that names the units."))
    errors += _columns_check(actor, columns, unit_column)
    if any(level not in AdministrativeUnit.Level.values for level in unit_levels or ()):
        errors.append(_("Unknown unit level."))
    labels = [label.strip() for label in skip_labels if label.strip()]
    clash = WorkbookMapping.objects.filter(unit=unit, name=name)
    if mapping is not None:
        clash = clash.exclude(pk=mapping.pk)
    if name and clash.exists():
        errors.append(_("This unit already has a mapping named “%(name)s”.") % {"name": name})
    if errors:
        raise ValidationError(errors)

    def header(column: str) -> str:
        return sample.header(column_index(column), header_row, first_data_row)[:300]

    created = mapping is None
    mapping = mapping or WorkbookMapping(
        unit=unit, created_by=actor, organization_type_id=actor.organization_type_id
    )
    mapping.name = name
    mapping.sheet = sample.name
    mapping.header_row = header_row
    mapping.first_data_row = first_data_row
    mapping.unit_column = unit_column
    mapping.unit_header = header(unit_column)
    mapping.columns = [
        {
            "column": c.column.upper(),
            "header": header(c.column.upper()),
            "element": c.element,
            "option": c.option,
        }
        for c in sorted(columns, key=lambda c: column_index(c.column))
    ]
    mapping.skip_labels = list(dict.fromkeys(labels, None))
    mapping.unit_levels = sorted(set(unit_levels or ()))
    mapping.save()
    _event(
        mapping,
        WorkbookMappingEvent.Action.CREATE if created else WorkbookMappingEvent.Action.UPDATE,
        actor,
        remote_address,
    )
    return mapping


@transaction.atomic
def workbook_mapping_share(
    *,
    actor: User,
    mapping: WorkbookMapping,
    units: list[AdministrativeUnit],
    remote_address: str | None = None,
) -> WorkbookMapping:
    """Share with these units (and the units below them): only units in the actor's scope."""
    if not access.can_change_workbook_mapping(actor, mapping):
        raise PermissionDenied(_("You may not change this mapping."))
    for unit in units:
        if not access.can_view_unit(actor, unit):
            raise PermissionDenied(_("You may share only with units in your area."))
    # Units shared by someone with a wider scope stay shared: this actor cannot see them.
    kept = [u for u in mapping.shared_with.all() if not access.can_view_unit(actor, u)]
    mapping.shared_with.set([*units, *kept])
    _event(mapping, WorkbookMappingEvent.Action.SHARE, actor, remote_address)
    return mapping


@transaction.atomic
def workbook_mapping_delete(
    *, actor: User, mapping: WorkbookMapping, remote_address: str | None = None
) -> None:
    if not access.can_change_workbook_mapping(actor, mapping):
        raise PermissionDenied(_("You may not change this mapping."))
    _event(mapping, WorkbookMappingEvent.Action.DELETE, actor, remote_address)
    mapping.delete()


def skip_labels_parse(text: str) -> list[str]:
    """One label a line (or separated by ';')."""
    parts = [p.strip() for line in text.splitlines() for p in line.split(";")]
    return [p for p in dict.fromkeys(parts) if p and normalized(p)]
