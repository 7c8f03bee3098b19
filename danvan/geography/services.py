"""Writes to the administrative hierarchy: loading real units, successions, demo hamlets."""

from __future__ import annotations

import datetime
import difflib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from danvan.accounts.models import User
from danvan.geography import sources
from danvan.geography.models import AdministrativeUnit, HierarchyVersion, UnitSuccession
from danvan.lib.text import fold

Kind = AdministrativeUnit.Kind
Level = AdministrativeUnit.Level

VERSIONS: dict[str, dict[str, object]] = {
    sources.LEGACY: {
        "name": "Đơn vị hành chính trước 01/7/2025 (63 tỉnh, thành phố)",
        "valid_from": None,
        "valid_to": datetime.date(2025, 6, 30),
        "has_district_level": True,
    },
    sources.REFORM_2025: {
        "name": "Đơn vị hành chính từ 01/7/2025 (34 tỉnh, thành phố)",
        "valid_from": datetime.date(2025, 7, 1),
        "valid_to": None,
        "has_district_level": False,
    },
}

_KIND_BY_LABEL: dict[tuple[int, str], str] = {
    (1, "Tỉnh"): Kind.PROVINCE,
    (1, "Thành phố"): Kind.CITY,
    (2, "Thành phố"): Kind.CITY,
    (2, "Quận"): Kind.URBAN_DISTRICT,
    (2, "Huyện"): Kind.RURAL_DISTRICT,
    (2, "Thị xã"): Kind.TOWN,
    (3, "Xã"): Kind.COMMUNE,
    (3, "Phường"): Kind.WARD,
    (3, "Thị trấn"): Kind.TOWNSHIP,
    (3, "Đặc khu"): Kind.SPECIAL_ZONE,
}


class UnknownProvinceError(ValueError):
    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f" Closest matches: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"No province matches {query!r}.{hint}")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    provinces: list[str] = field(default_factory=list)


def hierarchy_version_ensure(code: str) -> HierarchyVersion:
    if code not in VERSIONS:
        raise ValidationError(
            f"Unknown hierarchy version {code!r}; expected one of {list(VERSIONS)}."
        )
    version, _ = HierarchyVersion.objects.update_or_create(code=code, defaults=VERSIONS[code])
    return version


def province_resolve(version_code: str, query: str) -> sources.SourceProvince:
    """Find a province by GSO code or name, with or without diacritics and 'Tỉnh'/'Thành phố'."""
    candidates = sources.provinces(version_code)
    wanted = fold(query)
    for province in candidates:
        if wanted in {province.code, fold(province.name), fold(province.short_name)}:
            return province
    by_folded = {fold(p.short_name): p.name for p in candidates}
    close = difflib.get_close_matches(wanted, list(by_folded), n=3, cutoff=0.6)
    raise UnknownProvinceError(query, [by_folded[c] for c in close])


@transaction.atomic
def admin_units_import(
    *,
    version_code: str,
    province: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    """Load one province (or all) of a hierarchy version. Idempotent: keys are GSO codes,
    existing rows are updated in place and keep their primary keys."""
    version = hierarchy_version_ensure(version_code)
    if province is None:
        targets = sources.provinces(version_code)
    else:
        targets = [province_resolve(version_code, province)]
    result = LoadResult()
    existing = {
        u.code: u for u in AdministrativeUnit.objects.filter(version=version, is_generated=False)
    }
    for target in targets:
        result.provinces.append(target.name)
        by_code: dict[str, AdministrativeUnit] = {}
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        for source in sources.units(version_code, target.code):
            parent = by_code.get(source.parent_code) if source.parent_code else None
            path = (parent.path if parent else "/") + f"{source.code}/"
            values = {
                "name": source.name,
                "short_name": source.short_name,
                "kind": _KIND_BY_LABEL[(source.level, source.kind_label)],
                "level": source.level,
                "path": path,
                "search_name": fold(source.name),
                "source_key": source.key,
                "valid_from": version.valid_from,
                "valid_to": version.valid_to,
            }
            unit = existing.get(source.code)
            if unit is None:
                unit = AdministrativeUnit(
                    version=version, code=source.code, parent=parent, **values
                )
                to_create.append(unit)
            else:
                changed = unit.parent_id != (parent.pk if parent else None) or any(
                    getattr(unit, name) != value for name, value in values.items()
                )
                if changed:
                    for name, value in values.items():
                        setattr(unit, name, value)
                    unit.parent = parent
                    to_update.append(unit)
                else:
                    result.unchanged += 1
            by_code[source.code] = unit
            if unit.pk is None and source.level < Level.COMMUNE:
                # Children need the parent's primary key: save upper levels one by one.
                unit.save()
                to_create.remove(unit)
                result.created += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        AdministrativeUnit.objects.bulk_update(
            to_update,
            [
                "name",
                "short_name",
                "kind",
                "level",
                "path",
                "search_name",
                "source_key",
                "valid_from",
                "valid_to",
                "parent",
            ],
            batch_size=1000,
        )
        result.created += len(to_create)
        result.updated += len(to_update)
        if progress:
            progress(f"{target.name}: {len(by_code)} units")
    return result


@dataclass
class SuccessionResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # one end not loaded


@transaction.atomic
def unit_successions_import() -> SuccessionResult:
    """Link every loaded legacy unit to the 2025 unit(s) that took over its territory.

    Only links whose two ends are loaded are written; re-running adds what is newly loaded.
    """
    old_version = hierarchy_version_ensure(sources.LEGACY)
    new_version = hierarchy_version_ensure(sources.REFORM_2025)
    effective = new_version.valid_from
    assert effective is not None
    old_units = {
        u.source_key: u
        for u in AdministrativeUnit.objects.filter(version=old_version).exclude(source_key="")
    }
    new_units = {
        u.source_key: u
        for u in AdministrativeUnit.objects.filter(version=new_version).exclude(source_key="")
    }
    wanted: dict[tuple[int, int], dict[str, object]] = {}
    for old_key, new_key in sources.province_successions():
        old, new = old_units.get(old_key), new_units.get(new_key)
        if old and new:
            wanted[(old.pk, new.pk)] = {
                "share": Decimal("1"),
                "is_partial": False,
                "is_main_successor": True,
            }
    result = SuccessionResult()
    loaded_new_provinces = {u.source_key for u in new_units.values() if u.level == Level.PROVINCE}
    for new_province_key in loaded_new_provinces:
        for link in sources.commune_successions(new_province_key):
            # Island districts without communes appear as 'province_district_'.
            old, new = old_units.get(link.old_key.rstrip("_")), new_units.get(link.new_key)
            if old is None or new is None:
                result.skipped += 1
                continue
            wanted[(old.pk, new.pk)] = {
                "share": Decimal(str(link.share_of_old)).quantize(
                    Decimal("0.0001"), rounding=ROUND_HALF_UP
                ),
                "is_partial": link.is_partial,
                "is_main_successor": link.is_main_successor,
                # The package gives no split ratios: its shares are equal, an estimate
                # until the board sets them (`succession_share_set`).
                "share_basis": UnitSuccession.ShareBasis.EQUAL
                if link.is_partial
                else UnitSuccession.ShareBasis.WHOLE,
            }
    existing = {
        (s.predecessor_id, s.successor_id): s
        for s in UnitSuccession.objects.filter(predecessor__version=old_version)
    }
    to_create = []
    for (old_pk, new_pk), values in wanted.items():
        current = existing.get((old_pk, new_pk))
        if current is None:
            to_create.append(
                UnitSuccession(
                    predecessor_id=old_pk,
                    successor_id=new_pk,
                    effective_date=effective,
                    source="vietnamadminunits converter 2025",
                    **values,
                )
            )
        elif current.share_basis not in (
            UnitSuccession.ShareBasis.WHOLE,
            UnitSuccession.ShareBasis.EQUAL,
        ):
            result.unchanged += 1  # a share the board set is kept
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
            result.updated += 1
        else:
            result.unchanged += 1
    UnitSuccession.objects.bulk_create(to_create, batch_size=1000)
    result.created = len(to_create)
    from danvan.geography.carrying import carry_links_rebuild
    from danvan.indicators.sums import sums_rebuild

    carry_links_rebuild()
    if result.created or result.updated:
        sums_rebuild()  # figures already entered are carried along the new links
    return result


_HAMLET_NAMES = [
    "Thạnh Lợi",
    "Tân Hòa",
    "Long An",
    "Phú Thạnh",
    "Mỹ Hiệp",
    "Bình Thạnh",
    "Hòa Lợi",
    "Tân Phú",
    "Vĩnh Lợi",
    "An Hưng",
    "Thạnh Hưng",
    "Long Phú",
    "Phước Thới",
    "Mỹ Phú",
    "Tân Long",
    "Hòa Thạnh",
    "Vĩnh Hưng",
    "An Lợi",
    "Thạnh Mỹ",
    "Long Hòa",
    "Phú Lợi",
    "Tân Thạnh",
    "Bình Hòa",
    "Mỹ Lợi",
    "Thới Hòa",
    "Xẻo Môn",
    "Cái Sơn",
    "Kinh Cùng",
]


def _hamlet_counts(communes: int, total: int, rng: random.Random) -> list[int]:
    """Split `total` over `communes`, each between 3 and 12, deterministically."""
    if total < 3 * communes or total > 12 * communes:
        raise ValidationError(
            f"Cannot spread {total} hamlets over {communes} communes (3 to 12 each)."
        )
    counts = [total // communes] * communes
    for i in range(total - sum(counts)):
        counts[i % communes] += 1
    for _round in range(communes * 4):
        a, b = rng.randrange(communes), rng.randrange(communes)
        if a != b and counts[a] > 3 and counts[b] < 12:
            counts[a] -= 1
            counts[b] += 1
    return counts


@transaction.atomic
def hamlets_generate(*, province: AdministrativeUnit, total: int, seed: int = 6) -> int:
    """Generate `total` hamlets under the province's communes, the same ones every time.

    Hamlets are in no public dataset. Existing generated hamlets of the province are kept
    (same codes, same primary keys) and only missing ones are added.
    """
    communes = list(
        AdministrativeUnit.objects.within(province).at_level(Level.COMMUNE).order_by("code")
    )
    if not communes:
        raise ValidationError(f"{province} has no communes loaded.")
    rng = random.Random(f"{province.code}:{seed}")
    counts = _hamlet_counts(len(communes), total, rng)
    existing = set(
        AdministrativeUnit.objects.within(province)
        .at_level(Level.HAMLET)
        .values_list("code", flat=True)
    )
    to_create = []
    for commune, count in zip(communes, counts, strict=True):
        urban = commune.kind in (Kind.WARD, Kind.TOWNSHIP)
        names = rng.sample(_HAMLET_NAMES, k=min(count, len(_HAMLET_NAMES)))
        for index in range(1, count + 1):
            code = f"{commune.code}-{index:02d}"
            if code in existing:
                continue
            if urban:
                name, kind = f"Khu vực {index}", Kind.NEIGHBOURHOOD
            else:
                name, kind = f"Ấp {names[(index - 1) % len(names)]}", Kind.HAMLET
            to_create.append(
                AdministrativeUnit(
                    version_id=commune.version_id,
                    code=code,
                    name=name,
                    short_name=name,
                    kind=kind,
                    level=Level.HAMLET,
                    parent=commune,
                    path=f"{commune.path}{code}/",
                    search_name=fold(name),
                    valid_from=commune.valid_from,
                    valid_to=commune.valid_to,
                    is_generated=True,
                )
            )
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
    return len(to_create)


@transaction.atomic
def unit_save(*, actor: User, unit: AdministrativeUnit) -> AdministrativeUnit:
    """Save a unit edited by `actor`; a new parent or code rewrites the whole subtree's paths.

    Every scope check and roll-up reads the materialised path, so the unit's communes and
    hamlets move with it in the same transaction, and the subtree's figures leave the old
    ancestors' sums and join the new ones'.
    """
    from danvan.accounts import access
    from danvan.indicators.sums import sums_restore, sums_retract

    if not access.can_manage(actor):
        raise PermissionDenied(_("Only an administrator may change units."))
    stored = None
    if unit.pk is not None:
        stored = (
            AdministrativeUnit.objects.select_for_update(of=("self",))
            .select_related("parent")
            .filter(pk=unit.pk)
            .first()
        )
    for place in (stored, unit.parent if unit.parent_id else None):
        if place is not None and not access.can_view_unit(actor, place):
            raise PermissionDenied(_("You may only place units within your own scope."))
    if unit.parent_id is None and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may add or move a province."))
    unit.full_clean()
    moved: list[int] = []
    if stored is not None and stored.parent_id != unit.parent_id:
        moved = list(
            AdministrativeUnit.objects.filter(
                version_id=stored.version_id, path__startswith=stored.path
            ).values_list("pk", flat=True)
        )
        sums_retract(unit_ids=moved)
    unit.save()
    if stored is None or stored.path == unit.path:
        if moved:
            sums_restore(unit_ids=moved)
        return unit
    old_path, new_path = stored.path, unit.path
    descendants = AdministrativeUnit.objects.filter(
        version_id=unit.version_id, path__startswith=old_path
    ).exclude(pk=unit.pk)
    descendants.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField())
    )
    if moved:
        sums_restore(unit_ids=moved)
    return unit
