"""Writes for organizations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from danvan.geography.models import AdministrativeUnit
from danvan.organizations.models import Organization, OrganizationType

Level = AdministrativeUnit.Level


@dataclass
class OrganizationsResult:
    created: int = 0
    unchanged: int = 0


@transaction.atomic
def organizations_ensure_for(*, root: AdministrativeUnit) -> OrganizationsResult:
    """One organization of each type at every province/district/commune unit under `root`,
    and a branch at every hamlet for the types that have hamlet branches. Idempotent."""
    types = list(OrganizationType.objects.all())
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
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.HAMLET):
        batch: list[Organization] = []
        for unit in (u for u in units if u.level == level):
            parent_unit = (
                unit_by_path.get(unit.path.rsplit("/", 2)[0] + "/") if unit.parent_id else None
            )
            for org_type in types:
                if level == Level.HAMLET and not org_type.has_grassroots_branches:
                    continue
                if (org_type.pk, unit.pk) in by_unit_type:
                    result.unchanged += 1
                    continue
                template = (
                    org_type.branch_name_template
                    if level == Level.HAMLET
                    else org_type.unit_name_template
                ) or org_type.unit_name_template
                parent = by_unit_type.get((org_type.pk, parent_unit.pk)) if parent_unit else None
                organization = Organization(
                    type=org_type,
                    unit=unit,
                    parent=parent,
                    kind=Organization.Kind.BRANCH
                    if level == Level.HAMLET
                    else Organization.Kind.TERRITORIAL,
                    name=template.format(unit=_lower_first(unit.name)),
                )
                batch.append(organization)
                by_unit_type[(org_type.pk, unit.pk)] = organization
        Organization.objects.bulk_create(batch, batch_size=1000)
        result.created += len(batch)
    return result


def _lower_first(name: str) -> str:
    # 'Tỉnh Hậu Giang' reads 'Hội Nông dân tỉnh Hậu Giang' inside an organization's name.
    return name[:1].lower() + name[1:]
