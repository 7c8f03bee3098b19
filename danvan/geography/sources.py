"""Reading the `vietnamadminunits` package's data: the legacy (63-province) and 2025
(34-province) unit lists and the 2025 converter's old-ward -> new-ward tables.

The package ships an SQLite file and a JSON file; we read them directly because its
public API is address parsing, not enumeration.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import vietnamadminunits

PACKAGE_DIR = Path(vietnamadminunits.__file__).parent
LEGACY = "vn-legacy"
REFORM_2025 = "vn-2025"


@dataclass(frozen=True)
class SourceUnit:
    code: str
    name: str
    short_name: str
    kind_label: str  # 'Tỉnh', 'Huyện', 'Phường', ... as the source spells it
    level: int
    parent_code: str | None
    key: str  # the package's own ASCII key, e.g. 'tinhhaugiang_huyenvithuy_xavinhthuan'


@dataclass(frozen=True)
class SourceProvince:
    code: str
    name: str
    short_name: str
    key: str


@dataclass(frozen=True)
class SourceSuccession:
    old_key: str
    new_key: str
    share_of_old: float
    is_partial: bool
    is_main_successor: bool


def _rows(sql: str, params: tuple[str, ...] = ()) -> list[sqlite3.Row]:
    with sqlite3.connect(f"file:{PACKAGE_DIR / 'data' / 'dataset.db'}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def _table(version: str) -> str:
    if version == LEGACY:
        return "admin_units_legacy"
    if version == REFORM_2025:
        return "admin_units"
    raise ValueError(f"unknown hierarchy version {version!r}")


def provinces(version: str) -> list[SourceProvince]:
    rows = _rows(
        f"SELECT DISTINCT provinceCode, province, provinceShort, provinceKey FROM {_table(version)}"
        " ORDER BY provinceCode"
    )
    return [SourceProvince(r[0], r[1], r[2], r[3]) for r in rows]


def _province_kind(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


def units(version: str, province_code: str) -> Iterator[SourceUnit]:
    """Province, then districts (legacy only), then communes, each parent before its children."""
    table = _table(version)
    if version == LEGACY:
        rows = _rows(
            "SELECT province, provinceShort, provinceCode, provinceKey, district, districtShort,"
            " districtType, districtCode, districtKey, ward, wardShort, wardType, wardCode, wardKey"
            f" FROM {table} WHERE provinceCode = ? ORDER BY districtCode, wardCode",
            (province_code,),
        )
    else:
        rows = _rows(
            "SELECT province, provinceShort, provinceCode, provinceKey, ward, wardShort, wardType,"
            f" wardCode, wardKey FROM {table} WHERE provinceCode = ? ORDER BY wardCode",
            (province_code,),
        )
    if not rows:
        return
    first = rows[0]
    yield SourceUnit(
        code=first["provinceCode"],
        name=first["province"],
        short_name=first["provinceShort"],
        kind_label=_province_kind(first["province"]),
        level=1,
        parent_code=None,
        key=first["provinceKey"],
    )
    seen_districts: set[str] = set()
    for row in rows:
        parent = row["provinceCode"]
        key_prefix = row["provinceKey"]
        if version == LEGACY:
            district_code = row["districtCode"]
            key_prefix = f"{row['provinceKey']}_{row['districtKey']}"
            if district_code not in seen_districts:
                seen_districts.add(district_code)
                yield SourceUnit(
                    code=district_code,
                    name=row["district"],
                    short_name=row["districtShort"],
                    kind_label=row["districtType"],
                    level=2,
                    parent_code=parent,
                    key=key_prefix,
                )
            parent = district_code
        if row["wardCode"] is None:  # island districts have no communes
            continue
        yield SourceUnit(
            code=row["wardCode"],
            name=row["ward"],
            short_name=row["wardShort"],
            kind_label=row["wardType"],
            level=3,
            parent_code=parent,
            key=f"{key_prefix}_{row['wardKey']}",
        )


@cache
def _converter() -> dict[str, dict[str, Any]]:
    with open(PACKAGE_DIR / "data" / "converter_2025.json", encoding="utf-8") as handle:
        data: dict[str, dict[str, Any]] = json.load(handle)
    return data


def province_successions() -> list[tuple[str, str]]:
    """(old province key, new province key): every old province went whole into one new one."""
    return [
        (old_key, new_key)
        for new_key, old_keys in _converter()["DICT_PROVINCE"].items()
        for old_key in old_keys
    ]


def predecessor_provinces(new_province_key: str) -> list[str]:
    """Keys of the legacy provinces merged into this 2025 province, in the source's order."""
    return list(_converter()["DICT_PROVINCE"].get(new_province_key, []))


def commune_successions(new_province_key: str) -> list[SourceSuccession]:
    """Old commune -> new commune links for one new province.

    The source lists, for each new commune, the old communes merged into it whole, and for
    each old commune that was split, the new communes sharing it (one marked as default).
    It gives no split ratios; a split is recorded as equal shares and flagged partial.
    Old keys are 'province_district_ward'; new keys are 'province_ward'.
    """
    data = _converter()
    links: list[SourceSuccession] = []
    for new_ward, old_keys in (
        data["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_province_key, {}).items()
    ):
        for old_key in old_keys:
            links.append(
                SourceSuccession(old_key, f"{new_province_key}_{new_ward}", 1.0, False, True)
            )
    for old_key, parts in data["DICT_PROVINCE_WARD_DIVIDED"].get(new_province_key, {}).items():
        for part in parts:
            links.append(
                SourceSuccession(
                    old_key,
                    f"{new_province_key}_{part['newWardKey']}",
                    1.0 / len(parts),
                    True,
                    bool(part["isDefaultNewWard"]),
                )
            )
    return links
