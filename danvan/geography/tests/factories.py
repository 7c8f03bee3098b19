"""Units for test worlds, valid as long as their hierarchy version."""

from __future__ import annotations

from danvan.geography.models import AdministrativeUnit, HierarchyVersion


def unit_create(
    version: HierarchyVersion,
    code: str,
    name: str,
    kind: str,
    level: int,
    parent: AdministrativeUnit | None = None,
) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        version=version,
        code=code,
        name=name,
        kind=kind,
        level=level,
        parent=parent,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
    )
