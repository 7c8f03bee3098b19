"""Resolution 06-NQ/TU loaded for the canonical world's Tỉnh A, with a few figures.

Province cadres 10 → 12 (political 6 → 12), district cadres 5 + 5, communes with two
organizations each; printers, desks and cabinets are never entered (a gap, not a zero);
supervisions: province 2 a year, Huyện Một 3, Huyện Zeta 4, every commune 1 (2017–2021).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from danvan.datasets.models import DataElement, DataValue
from danvan.datasets.queries import period_get
from danvan.organizations.models import OrganizationType

RESOLUTION = Path(__file__).resolve().parents[3] / "resolutions" / "06-NQ-TU.yaml"


class Put:
    def __init__(self) -> None:
        self.elements = {e.code: e for e in DataElement.objects.all()}
        self.types = {t.code: t for t in OrganizationType.objects.all()}
        self.rows: list[DataValue] = []

    def __call__(self, unit, code, year, value, option=None):  # type: ignore[no-untyped-def]
        self.rows.append(
            DataValue(
                element=self.elements[code],
                unit=unit,
                period=period_get(str(year)),
                organization_type=self.types[option] if option else None,
                value=Decimal(value),
            )
        )

    def save(self) -> None:
        DataValue.objects.bulk_create(self.rows)


@pytest.fixture
def report_world(world, catalogue, tmp_path):  # type: ignore[no-untyped-def]
    from danvan.indicators.definitions import resolution_load
    from danvan.indicators.sums import sums_rebuild

    data = yaml.safe_load(RESOLUTION.read_text(encoding="utf-8"))
    data["resolution"]["unit"]["code"] = world.province.code
    data["resolution"]["basis"] = "entered"  # the fixture's figures have no forms
    path = tmp_path / "06-NQ-TU.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    resolution = resolution_load(path)

    put = Put()
    communes = [world.commune_one_a, world.commune_one_b, world.commune_two_a]
    districts = [world.district_one, world.district_two]
    cadres = ("cadre_heads", "cadre_heads_political", "cadre_heads_assessed")
    for code, before, after in zip(cadres, (10, 6, 10), (12, 12, 12), strict=True):
        put(world.province, code, 2016, before, "mttq")
        put(world.province, code, 2021, after, "mttq")
    put(world.province, "cadre_heads_professional", 2016, 7, "mttq")
    put(world.province, "cadre_heads_professional", 2021, 12, "mttq")
    for district in districts:
        for code, before, after in (
            ("cadre_heads", 5, 5),
            ("cadre_heads_political", 4, 5),
            ("cadre_heads_assessed", 5, 5),
            ("cadre_heads_professional", 3, 5),
        ):
            put(district, code, 2016, before, "mttq")
            put(district, code, 2021, after, "mttq")
    for commune in communes:
        for option in ("mttq", "hnd"):
            for code, before, after in (
                ("cadre_heads", 3, 3),
                ("cadre_heads_political", 2, 3),
                ("cadre_heads_assessed", 3, 3),
                ("cadre_heads_professional", 2, 2),
                ("cadre_heads_university", 1, 2),
            ):
                put(commune, code, 2016, before // 2 if option == "hnd" else before, option)
                put(commune, code, 2021, after // 2 if option == "hnd" else after, option)
        put(commune, "households", 2016, 100)
        put(commune, "households_with_member", 2016, 70)
        put(commune, "households", 2021, 100)
        put(commune, "households_with_member", 2021, 85)
        put(commune, "grassroots_orgs", 2016, 5, "hnd")
        put(commune, "grassroots_orgs_strong", 2016, 4, "hnd")
        put(commune, "grassroots_orgs", 2021, 5, "hnd")
        put(commune, "grassroots_orgs_strong", 2021, 5, "hnd")
        put(commune, "members", 2016, 1000, "hnd")
        put(commune, "members_studied", 2016, 800, "hnd")
        put(commune, "members", 2021, 1000, "hnd")
        put(commune, "members_studied", 2021, 990, "hnd")
        put(commune, "equipment_computers", 2016, 2, "hnd")
        put(commune, "equipment_computers", 2021, 5, "hnd")
        for year in range(2017, 2022):
            put(commune, "supervisions", year, 1, "mttq")
            put(commune, "mediation_received", year, 10)
            put(commune, "mediation_mediated", year, 9)
            put(commune, "mediation_settled", year, 8)
            put(commune, "members_new", year, 30, "hnd")
            put(commune, "members_removed", year, 30, "hnd")
    for year in range(2017, 2022):
        put(world.province, "supervisions", year, 2, "mttq")
        put(world.district_one, "supervisions", year, 3, "mttq")
        put(world.district_two, "supervisions", year, 4, "mttq")
    put(world.province, "transfers_in", 2017, 3)
    put(world.province, "transfers_in", 2021, 4)
    put(world.district_one, "transfers_in", 2017, 10)
    put(world.district_one, "transfers_in", 2021, 12)
    put(world.district_two, "transfers_in", 2019, 14)
    put.save()
    sums_rebuild()
    return resolution


@pytest.fixture(autouse=True)
def _report_files_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
