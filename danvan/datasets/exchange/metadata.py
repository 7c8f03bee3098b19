"""The DHIS2 UID mapping, imported from a DHIS2 metadata export (`/api/metadata` JSON).

An object is matched to danvan's by its DHIS2 code (a data element, data set or
organization type code; a unit's GSO code in the importer's hierarchy version), or by the
danvan code given in one of its attribute values (`attribute_code`, for instances whose
codes differ). Objects that match nothing are listed, never stored; a UID already mapped
to something else is refused. All or nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange.models import Dhis2Identifier
from danvan.datasets.exchange.pipeline import version_for
from danvan.datasets.models import DataElement, DataSet
from danvan.geography.models import AdministrativeUnit
from danvan.organizations.models import OrganizationType

security_log = logging.getLogger("danvan.security")
MAX_METADATA_BYTES = 50 * 1024 * 1024
# DHIS2's collection name -> our kind.
COLLECTIONS = {
    "dataElements": Dhis2Identifier.Kind.ELEMENT,
    "organisationUnits": Dhis2Identifier.Kind.UNIT,
    "categoryOptionCombos": Dhis2Identifier.Kind.OPTION,
    "categoryOptions": Dhis2Identifier.Kind.OPTION,
    "dataSets": Dhis2Identifier.Kind.DATA_SET,
}
_TARGET_FIELD: dict[str, str] = {
    Dhis2Identifier.Kind.ELEMENT: "element",
    Dhis2Identifier.Kind.UNIT: "unit",
    Dhis2Identifier.Kind.OPTION: "organization_type",
    Dhis2Identifier.Kind.DATA_SET: "data_set",
}


class MetadataError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class MetadataSummary:
    mapped: int = 0
    updated: int = 0
    unmatched: list[str] = field(default_factory=list)  # "dataElements uid (code)"
    skipped_collections: list[str] = field(default_factory=list)
    applied: bool = False


def _attributes(item: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in item.get("attributeValues") or []:
        if not isinstance(entry, dict):
            continue
        attribute = entry.get("attribute")
        uid = attribute.get("id") if isinstance(attribute, dict) else None
        if isinstance(uid, str) and entry.get("value") is not None:
            found[uid] = str(entry["value"])
    return found


def dhis2_metadata_import(
    *,
    actor: User,
    stream: IO[bytes],
    attribute_code: str | None = None,
    dry_run: bool = False,
) -> MetadataSummary:
    """Store the UID -> danvan mapping of a DHIS2 metadata export."""
    if not access.can_edit_catalogue(actor):
        raise PermissionDenied(_("Only a province administrator may import DHIS2 metadata."))
    data = stream.read(MAX_METADATA_BYTES + 1)
    if len(data) > MAX_METADATA_BYTES:
        raise MetadataError(_("The metadata file is larger than 50 MB."))
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MetadataError(_("This is not a DHIS2 metadata JSON document.")) from error
    if not isinstance(document, dict):
        raise MetadataError(_("This is not a DHIS2 metadata JSON document."))
    summary = MetadataSummary()
    summary.skipped_collections = sorted(
        k for k, v in document.items() if isinstance(v, list) and k not in COLLECTIONS
    )
    version = version_for(actor)
    targets: dict[str, dict[str, Any]] = {
        Dhis2Identifier.Kind.ELEMENT: {e.code: e for e in DataElement.objects.all()},
        Dhis2Identifier.Kind.OPTION: {t.code: t for t in OrganizationType.objects.all()},
        Dhis2Identifier.Kind.DATA_SET: {d.code: d for d in DataSet.objects.all()},
    }
    rows: list[Dhis2Identifier] = []
    unit_codes: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for collection, kind in COLLECTIONS.items():
        items = document.get(collection) or []
        if not isinstance(items, list):
            raise MetadataError(_("“%(name)s” must be a list.") % {"name": collection})
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise MetadataError(
                    _("Every object in “%(name)s” needs its DHIS2 id.") % {"name": collection}
                )
            attributes = _attributes(item)
            code = str(attributes.get(attribute_code or "", "") or item.get("code") or "")
            if kind == Dhis2Identifier.Kind.UNIT:
                unit_codes.setdefault(code, []).append((item, collection))
                continue
            target = targets[kind].get(code)
            if target is None:
                summary.unmatched.append(f"{collection} {item['id']} ({code or '—'})")
                continue
            rows.append(_row(kind, item, attributes, target, actor))
    if unit_codes:
        units = {
            u.code: u
            for u in AdministrativeUnit.objects.filter(version=version, code__in=list(unit_codes))
        }
        for code, entries in unit_codes.items():
            for item, collection in entries:
                unit = units.get(code)
                if unit is None:
                    summary.unmatched.append(f"{collection} {item['id']} ({code or '—'})")
                    continue
                if not access.can_view_unit(actor, unit):
                    raise PermissionDenied(
                        _("Unit %(code)s is outside your scope.") % {"code": code}
                    )
                rows.append(_row(Dhis2Identifier.Kind.UNIT, item, _attributes(item), unit, actor))
    with transaction.atomic():
        existing = {
            (m.kind, m.uid): m
            for m in Dhis2Identifier.objects.filter(uid__in=[r.uid for r in rows])
        }
        for row in rows:
            field_name = _TARGET_FIELD[row.kind]
            old = existing.get((row.kind, row.uid))
            if old is None:
                summary.mapped += 1
                continue
            if getattr(old, f"{field_name}_id") != getattr(row, f"{field_name}_id"):
                raise MetadataError(
                    _(
                        "DHIS2 UID %(uid)s is already mapped to %(old)s, not %(new)s: remove "
                        "the old mapping in the admin first. Nothing was imported."
                    )
                    % {"uid": row.uid, "old": old.target_code, "new": row.target_code}
                )
            summary.updated += 1
        if dry_run:
            return summary
        for row in rows:
            Dhis2Identifier.objects.update_or_create(
                kind=row.kind,
                uid=row.uid,
                defaults={
                    "code": row.code,
                    "name": row.name,
                    "attributes": row.attributes,
                    _TARGET_FIELD[row.kind]: getattr(row, _TARGET_FIELD[row.kind]),
                    "imported_by": actor,
                },
            )
        summary.applied = True
    security_log.info(
        "dhis2 metadata imported user=%r mapped=%s updated=%s unmatched=%s",
        actor.username,
        summary.mapped,
        summary.updated,
        len(summary.unmatched),
    )
    return summary


def _row(
    kind: str, item: dict[str, Any], attributes: dict[str, str], target: Any, actor: User
) -> Dhis2Identifier:
    row = Dhis2Identifier(
        kind=kind,
        uid=item["id"][:11],
        code=str(item.get("code") or "")[:100],
        name=str(item.get("name") or "")[:300],
        attributes=attributes,
        imported_by=actor,
    )
    setattr(row, _TARGET_FIELD[kind], target)
    return row
