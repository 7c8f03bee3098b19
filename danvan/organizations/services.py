"""Writes for organizations: the bodies at each unit, as a structure loaded from data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from danvan.geography.models import AdministrativeUnit
from danvan.organizations.models import Organization, OrganizationType

Level = AdministrativeUnit.Level
DEFAULT_STRUCTURES = (
    Path(__file__).resolve().parent.parent.parent / "structures" / "organization-bodies.yaml"
)
_LEVELS = {"province": Level.PROVINCE, "district": Level.DISTRICT}
_LEVELS |= {"commune": Level.COMMUNE, "hamlet": Level.HAMLET}


@dataclass(frozen=True)
class BodyStructure:
    """Which bodies exist at each level of one hierarchy version, and when."""

    version_code: str
    types_by_level: dict[int, tuple[str, ...]]
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    under_front: str | None = None


@dataclass
class OrganizationsResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Bodies at the units that the structure does not list: reported, left as they are.
    outside_structure: list[Organization] = field(default_factory=list)


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    raise ValidationError(f"{where}: {value!r} is not a date (write 2025-07-01).")


def body_structures_read(path: Path = DEFAULT_STRUCTURES) -> dict[str, BodyStructure]:
    """Parse the structures file whole; any error names its place and nothing is returned."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValidationError(f"{path.name}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("versions"), dict):
        raise ValidationError(f"{path.name}: expected a mapping 'versions'.")
    known = set(OrganizationType.objects.values_list("code", flat=True))
    branches = set(
        OrganizationType.objects.filter(has_grassroots_branches=True).values_list("code", flat=True)
    )
    structures: dict[str, BodyStructure] = {}
    errors: list[str] = []
    for code, entry in data["versions"].items():
        where = f"{path.name}: {code}"
        if not isinstance(entry, dict) or not isinstance(entry.get("levels"), dict):
            errors.append(f"{where}: expected 'levels'.")
            continue
        levels: dict[int, tuple[str, ...]] = {}
        for name, types in entry["levels"].items():
            if name not in _LEVELS:
                errors.append(f"{where}: unknown level {name!r}; expected one of {list(_LEVELS)}.")
                continue
            unknown = sorted(set(types or []) - known)
            if unknown:
                errors.append(f"{where}, {name}: unknown organization types {unknown}.")
            if _LEVELS[name] == Level.HAMLET and set(types or []) - branches - set(unknown):
                errors.append(
                    f"{where}, hamlet: {sorted(set(types) - branches - set(unknown))} "
                    "have no hamlet branches."
                )
            levels[_LEVELS[name]] = tuple(types or [])
        front = entry.get("under_front")
        if front is not None and front not in known:
            errors.append(f"{where}: unknown organization type {front!r} in under_front.")
        try:
            valid_from = _date(entry.get("valid_from"), where)
            valid_to = _date(entry.get("valid_to"), where)
        except ValidationError as error:
            errors += error.messages
            continue
        if valid_from and valid_to and valid_from > valid_to:
            errors.append(f"{where}: valid_from is after valid_to.")
        structures[code] = BodyStructure(code, levels, valid_from, valid_to, front)
    if errors:
        raise ValidationError(errors)
    return structures


def _default_structure(version_code: str) -> BodyStructure:
    every = tuple(OrganizationType.objects.values_list("code", flat=True))
    branches = tuple(
        OrganizationType.objects.filter(has_grassroots_branches=True).values_list("code", flat=True)
    )
    levels: dict[int, tuple[str, ...]] = {level: every for level in (1, 2, 3)}
    return BodyStructure(version_code, {**levels, Level.HAMLET: branches})


@transaction.atomic
def organizations_ensure_for(
    *, root: AdministrativeUnit, structure: BodyStructure | None = None
) -> OrganizationsResult:
    """The bodies `structure` lists at every unit under `root`, with their validity (the
    structure's, within the unit's), their parent (same type, unit above) and the Front
    committee they are placed under. Idempotent: existing bodies are updated in place.

    Without a structure: one body of each type at every province/district/commune unit
    and a branch at every hamlet for the types that have hamlet branches, always valid.
    """
    if structure is None:
        structure = _default_structure(root.version.code)
    if structure.version_code != root.version.code:
        raise ValidationError(
            f"The structure of {structure.version_code} cannot apply to {root} "
            f"({root.version.code})."
        )
    types = {t.code: t for t in OrganizationType.objects.all()}
    units = list(AdministrativeUnit.objects.within(root).order_by("path"))
    existing = {
        (o.type_id, o.unit_id): o
        for o in Organization.objects.filter(
            unit__in=[u.pk for u in units],
            kind__in=[Organization.Kind.TERRITORIAL, Organization.Kind.BRANCH],
        )
    }
    result = OrganizationsResult()
    by_unit_type: dict[tuple[int, int], Organization] = dict(existing.items())
    unit_by_path = {u.path: u for u in units}
    listed: set[tuple[int, int]] = set()
    fields = ["parent", "valid_from", "valid_to", "front_committee"]
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.HAMLET):
        batch: list[Organization] = []
        changed: list[Organization] = []
        codes = structure.types_by_level.get(level, ())
        for unit in (u for u in units if u.level == level):
            parent_unit = (
                unit_by_path.get(unit.path.rsplit("/", 2)[0] + "/") if unit.parent_id else None
            )
            valid_from = max(
                (d for d in (structure.valid_from, unit.valid_from) if d), default=None
            )
            valid_to = min((d for d in (structure.valid_to, unit.valid_to) if d), default=None)
            # The Front committee first: the others are placed under it.
            ordered = sorted(codes, key=lambda code: code != structure.under_front)
            for code in ordered:
                org_type = types[code]
                key = (org_type.pk, unit.pk)
                listed.add(key)
                parent = by_unit_type.get((org_type.pk, parent_unit.pk)) if parent_unit else None
                front = None
                if structure.under_front and code != structure.under_front:
                    front = by_unit_type.get((types[structure.under_front].pk, unit.pk))
                wanted = {
                    "parent": parent,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "front_committee": front,
                }
                organization = by_unit_type.get(key)
                if organization is None:
                    template = (
                        org_type.branch_name_template
                        if level == Level.HAMLET
                        else org_type.unit_name_template
                    ) or org_type.unit_name_template
                    organization = Organization(
                        type=org_type,
                        unit=unit,
                        kind=Organization.Kind.BRANCH
                        if level == Level.HAMLET
                        else Organization.Kind.TERRITORIAL,
                        name=template.format(unit=_lower_first(unit.name)),
                        **wanted,
                    )
                    batch.append(organization)
                    by_unit_type[key] = organization
                elif (
                    organization.parent_id != (parent.pk if parent else None)
                    or organization.front_committee_id != (front.pk if front else None)
                    or (organization.valid_from, organization.valid_to) != (valid_from, valid_to)
                ):
                    for name, value in wanted.items():
                        setattr(organization, name, value)
                    changed.append(organization)
                else:
                    result.unchanged += 1
        # Front committees of this level before the bodies placed under them.
        fronts = [o for o in batch if o.type.code == structure.under_front]
        Organization.objects.bulk_create(fronts, batch_size=1000)
        for organization in [*batch, *changed]:
            if organization.front_committee is not None:
                organization.front_committee_id = organization.front_committee.pk
        Organization.objects.bulk_create([o for o in batch if o not in fronts], batch_size=1000)
        Organization.objects.bulk_update(changed, fields, batch_size=1000)
        result.created += len(batch)
        result.updated += len(changed)
    result.outside_structure = [o for key, o in existing.items() if key not in listed]
    return result


@transaction.atomic
def organization_bodies_load(
    *, path: Path = DEFAULT_STRUCTURES, version_code: str | None = None
) -> dict[str, OrganizationsResult]:
    """Apply each version's structure to every loaded province of that version."""
    structures = body_structures_read(path)
    if version_code is not None and version_code not in structures:
        raise ValidationError(f"{path.name} has no structure for {version_code!r}.")
    results: dict[str, OrganizationsResult] = {}
    for code, structure in structures.items():
        if version_code not in (None, code):
            continue
        for root in AdministrativeUnit.objects.filter(version__code=code, parent__isnull=True):
            results[f"{code} {root.name}"] = organizations_ensure_for(
                root=root, structure=structure
            )
    return results


def _lower_first(name: str) -> str:
    # 'Tỉnh Hậu Giang' reads 'Hội Nông dân tỉnh Hậu Giang' inside an organization's name.
    return name[:1].lower() + name[1:]
