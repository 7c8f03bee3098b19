"""Synthetic demo figures around the seed: the ten years 2016–2026 across the 2025 reform.

No figures of these provinces are public, so everything here is invented, deterministically
(a seeded RNG), from the seed-based Hậu Giang figures of `figures.py`:

- Hậu Giang 2022–2024 continue its own 2016–2021 figures (stocks grow slowly from 2021,
  a year's flows follow the same year of the previous five-year term);
- old Cần Thơ and Sóc Trăng 2016–2024: each unit takes the figures of a Hậu Giang unit of
  the same level, scaled by the size of its province (figures of a body, such as its cadres,
  equipment or funds, are not scaled);
- the new Cần Thơ's communes 2025–2026: their predecessors' figures, continued the same
  way, taken by each succession link's share; the city, the mean of the three old provinces.

Every form rule that compares figures still holds (members at the start of a year are the
previous year's, studied and informed members stay within members, and so on), and the
workflow shows the new hierarchy at work: commune forms go straight to the city.
"""

from __future__ import annotations

import datetime
import math
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction

from django.db import transaction

from danvan.datasets.models import DataElement, DataValue, Submission, ValidationRule
from danvan.datasets.queries import period_get
from danvan.demo import figures as seed
from danvan.geography.models import AdministrativeUnit, UnitSuccession
from danvan.lib.numbers import format_vn_number
from danvan.organizations.models import Organization

HISTORY_SEED = 20160721 + 2025
LEGACY_YEARS = tuple(range(2016, 2025))
EXTENSION = tuple(range(2022, 2025))  # Hậu Giang beyond the seed's term
REFORM_YEARS = (2025, 2026)
AUDIT_NOTE = "Số liệu mẫu tự tạo (không phải số liệu thật) cho bản demo"
# Size of the old provinces against Hậu Giang (population, 2019 census, rounded).
PROVINCE_SIZE = {"92": 1.69, "94": 1.63}
# A body's own figures: counted per organization, not per inhabitant.
PER_BODY = ("cadre_", "equipment_", "grassroots_", "operating_funds", "transfers_")
MEMBERS = ("members_start", "members_new", "members_removed", "members")
Cell = tuple[int, str | None]
Figures = dict[seed.Key, int]


def _round(value: float | Fraction) -> int:
    return math.floor(Fraction(value) + Fraction(1, 2))


class _Catalogue:
    def __init__(self) -> None:
        elements = DataElement.objects.all()
        self.stocks = {e.code for e in elements if e.aggregation == DataElement.Aggregation.LAST}
        self.money = {e.code for e in elements if e.value_type == DataElement.ValueType.MONEY}
        # Rules 'a (+ b…) <= c' of the forms, in file order, to keep generated figures valid.
        self.bounds: list[tuple[list[str], str]] = []
        for rule in ValidationRule.objects.filter(operator="<=", is_active=True).order_by("pk"):
            left, right = (
                re.findall(r"#\{(\w+)\}", rule.left),
                re.findall(r"#\{(\w+)\}", rule.right),
            )
            if len(right) == 1 and "-" not in rule.left:
                self.bounds.append((left, right[0]))

    def scaled(self, code: str) -> bool:
        return not code.startswith(PER_BODY)

    def value(self, code: str, amount: float | Fraction) -> int:
        if code in self.money:
            return _round(Fraction(amount) / seed.MONEY_STEP) * seed.MONEY_STEP
        return _round(amount)


def _series(figures: Figures) -> dict[tuple[int, str | None], dict[str, dict[int, int]]]:
    """(unit pk, option) -> element code -> year -> value."""
    cells: dict[tuple[int, str | None], dict[str, dict[int, int]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for (code, unit, option, year), value in figures.items():
        cells[(unit, option)][code][year] = value
    return cells


def _flatten(cells: dict[Cell, dict[str, dict[int, int]]], years: Iterable[int]) -> Figures:
    wanted = set(years)
    return {
        (code, unit, option, year): value
        for (unit, option), codes in cells.items()
        for code, by_year in codes.items()
        for year, value in by_year.items()
        if year in wanted
    }


def _keep_valid(
    catalogue: _Catalogue, codes: dict[str, dict[int, int]], years: Iterable[int]
) -> None:
    """Members at the start of a year are last year's, and the form's bounds hold."""
    for year in years:
        if all(year in codes.get(code, {}) for code in MEMBERS):
            start = codes["members"].get(year - 1, codes["members_start"][year])
            codes["members_start"][year] = start
            removed = min(codes["members_removed"][year], start + codes["members_new"][year])
            codes["members_removed"][year] = removed
            codes["members"][year] = start + codes["members_new"][year] - removed
        for _pass in range(2):
            for left, right in catalogue.bounds:
                if year not in codes.get(right, {}) or any(
                    year not in codes.get(c, {}) for c in left
                ):
                    continue
                room = codes[right][year] - sum(codes[c][year] for c in left[:-1])
                if codes[left[-1]][year] > room:
                    codes[left[-1]][year] = max(0, room)
                    if room < 0:  # the earlier terms take the rest of the cut
                        for code in left[:-1]:
                            codes[code][year] = min(codes[code][year], codes[right][year])


def _extend(
    catalogue: _Catalogue,
    cells: dict[Cell, dict[str, dict[int, int]]],
    years: Iterable[int],
    rng: random.Random,
) -> None:
    """Continue every series to `years`: stocks grow a little a year from the last known
    year, flows repeat the year five before with a little noise (a term has a rhythm:
    election years 2016, 2021, 2026)."""
    years = list(years)
    for cell in sorted(cells, key=lambda c: (c[0], c[1] or "")):
        codes = cells[cell]
        growth = rng.uniform(1.0, 1.015)
        for year in years:
            flow_factor = rng.uniform(0.96, 1.08)
            for code, by_year in codes.items():
                if year in by_year:
                    continue
                if code in catalogue.stocks:
                    last = max((y for y in by_year if y < year), default=None)
                    if last is None:
                        continue
                    factor = growth ** (year - last) if catalogue.scaled(code) else 1.0
                    by_year[year] = catalogue.value(code, by_year[last] * factor)
                elif year - 5 in by_year:
                    factor = flow_factor if catalogue.scaled(code) else 1.0
                    by_year[year] = catalogue.value(code, by_year[year - 5] * factor)
            _keep_valid(catalogue, codes, [year])


def _units(province: AdministrativeUnit) -> dict[int, list[AdministrativeUnit]]:
    by_level: dict[int, list[AdministrativeUnit]] = defaultdict(list)
    for unit in AdministrativeUnit.objects.within(province).filter(level__lte=3).order_by("code"):
        by_level[unit.level].append(unit)
    return by_level


def _bodies(units: Iterable[AdministrativeUnit]) -> set[Cell]:
    found = Organization.objects.filter(unit__in=list(units), kind=Organization.Kind.TERRITORIAL)
    return {(unit, code) for unit, code in found.values_list("unit_id", "type__code")}


def _cells_of(
    province: AdministrativeUnit, units: dict[int, list[AdministrativeUnit]]
) -> dict[int, list[tuple[str, str | None]]]:
    """Level -> the (element, option) a form of that level asks for, where the body exists."""
    world = seed._world(province, random.Random(0))
    bodies = _bodies(u for level in units.values() for u in level)
    asked: dict[int, set[tuple[str, str | None]]] = defaultdict(set)
    for (code, level), cells in world.cells.items():
        for unit, option in cells:
            if option is None or (unit, option) in bodies:
                asked[level].add((code, option))
    return {
        level: sorted(pairs, key=lambda p: (p[0], p[1] or "")) for level, pairs in asked.items()
    }


def _like(
    catalogue: _Catalogue,
    template: dict[Cell, dict[str, dict[int, int]]],
    template_units: dict[int, list[AdministrativeUnit]],
    province: AdministrativeUnit,
    rng: random.Random,
) -> dict[Cell, dict[str, dict[int, int]]]:
    """An old province's figures: each unit takes a Hậu Giang unit of its level, scaled."""
    units = _units(province)
    asked = _cells_of(province, units)
    size = PROVINCE_SIZE.get(province.code, 1.0)
    cells: dict[Cell, dict[str, dict[int, int]]] = {}
    for level, mine in units.items():
        models = template_units[level]
        per_unit = size * len(models) / len(mine)
        for unit in mine:
            model = rng.choice(models)
            scale = per_unit * rng.lognormvariate(0, 0.15)
            for code, option in asked.get(level, []):
                source = template.get((model.pk, option), {}).get(code)
                if source is None:
                    continue
                factor = scale if catalogue.scaled(code) else 1.0
                cells.setdefault((unit.pk, option), defaultdict(dict))[code] = {
                    year: catalogue.value(code, value * factor) for year, value in source.items()
                }
    for codes in cells.values():
        _keep_valid(catalogue, codes, LEGACY_YEARS)
    return cells


def _successors(
    catalogue: _Catalogue,
    old: dict[Cell, dict[str, dict[int, int]]],
    city: AdministrativeUnit,
    old_provinces: list[AdministrativeUnit],
) -> dict[Cell, dict[str, dict[int, int]]]:
    """The new units' 2025–2026 figures: the old communes' continued figures by share; the
    city, the mean of the old provinces (its bodies are one of each, not three)."""
    units = _units(city)
    asked = _cells_of(city, units)
    links = UnitSuccession.objects.filter(successor__in=units[3]).values_list(
        "successor_id", "predecessor_id", "share"
    )
    shares: dict[int, list[tuple[int, Fraction]]] = defaultdict(list)
    for successor, predecessor, share in links:
        shares[successor].append((predecessor, Fraction(share)))
    parents = {city.pk: [(p.pk, Fraction(1, len(old_provinces))) for p in old_provinces]}
    cells: dict[Cell, dict[str, dict[int, int]]] = {}
    for level, mine in units.items():
        for unit in mine:
            sources = shares.get(unit.pk) or parents.get(unit.pk, [])
            for code, option in asked.get(level, []):
                by_year: dict[int, int] = {}
                for year in REFORM_YEARS:
                    parts = [
                        (old[(pk, option)][code][year], share)
                        for pk, share in sources
                        if year in old.get((pk, option), {}).get(code, {})
                    ]
                    if not parts:
                        continue
                    if code in catalogue.stocks and not catalogue.scaled(code) and level == 3:
                        # A merged commune has one body: its cadres are not the sum of three.
                        total = sum(v * s for v, s in parts) / sum(s for _, s in parts)
                    else:
                        total = sum(v * s for v, s in parts)
                    by_year[year] = catalogue.value(code, total)
                if by_year:
                    cells.setdefault((unit.pk, option), defaultdict(dict))[code] = by_year
    for codes in cells.values():
        _keep_valid(catalogue, codes, REFORM_YEARS)
    return cells


def _reform_state(
    rng: random.Random, clerk_units: frozenset[str]
) -> Callable[..., tuple[str, str, bool]]:
    """2025: approved, a few still waiting; 2026 (open now): every stage of the cycle."""
    Status = Submission.Status

    def state(year: int, unit: str, option: str | None) -> tuple[str, str, bool]:
        draw = rng.random()
        if year == 2025:
            return (Status.SUBMITTED, "", True) if draw < 0.03 else (Status.APPROVED, "", False)
        if unit in clerk_units:  # the demo clerk's commune has work to do
            if option == "hnd":
                return Status.RETURNED, "Đề nghị bổ sung số hội viên phát triển mới.", False
            return Status.DRAFT, "", False
        if draw < 0.45:
            return Status.APPROVED, "", False
        if draw < 0.75:
            return Status.SUBMITTED, "", False
        if draw < 0.9:
            return Status.DRAFT, "", False
        return Status.RETURNED, "Đề nghị kiểm tra lại số liệu trước khi duyệt.", False

    return state


def _sent_on(year: int, level: int) -> datetime.date:
    if year == 2026:  # the year is still running: sent and decided before December
        return datetime.date(2026, 11, {1: 20, 2: 15, 3: 5}[level])
    return datetime.date(year, 12, {1: 15, 2: 10, 3: 2}[level])


@transaction.atomic
def demo_history_generate(
    *,
    hau_giang: AdministrativeUnit,
    old_provinces: list[AdministrativeUnit],
    city: AdministrativeUnit,
    clerk_units: frozenset[str] = frozenset(),
    progress: Callable[[str], None] = print,
) -> int:
    """Synthetic figures and form states: Hậu Giang 2022–2024, the other old provinces
    2016–2024, the new city 2025–2026. Does nothing if the city already has figures."""
    started = time.perf_counter()
    if DataValue.objects.filter(unit__in=AdministrativeUnit.objects.within(city)).exists():
        progress("Figures 2025–2026 already present: left as they are.")
        return 0
    rng = random.Random(HISTORY_SEED)
    catalogue = _Catalogue()
    periods = {year: period_get(str(year)) for year in (*LEGACY_YEARS, *REFORM_YEARS)}
    hau_giang_units = _units(hau_giang)
    # Hậu Giang's seed-based figures as written (reading them back costs less than
    # computing them again).
    written_rows = DataValue.objects.filter(
        unit__in=AdministrativeUnit.objects.within(hau_giang), period__in=seed.YEARS_IDS
    ).values_list("element__code", "unit_id", "organization_type__code", "period_id", "value")
    base = _series({(c, u, o, int(p)): int(v) for c, u, o, p, v in written_rows})
    _extend(catalogue, base, EXTENSION, rng)
    written = seed._write(_flatten(base, EXTENSION), periods, note=AUDIT_NOTE)
    forms = seed._submissions_create(
        seed._world(hau_giang, rng), {y: periods[y] for y in EXTENSION}, rng
    )
    everything = dict(base)
    for province in old_provinces:
        cells = _like(catalogue, base, hau_giang_units, province, rng)
        written += seed._write(_flatten(cells, LEGACY_YEARS), periods, note=AUDIT_NOTE)
        forms += seed._submissions_create(
            seed._world(province, rng), {y: periods[y] for y in LEGACY_YEARS}, rng
        )
        everything.update(cells)
    _extend(catalogue, everything, REFORM_YEARS, rng)
    new = _successors(catalogue, everything, city, [hau_giang, *old_provinces])
    written += seed._write(_flatten(new, REFORM_YEARS), periods, note=AUDIT_NOTE)
    forms += seed._submissions_create(
        seed._world(city, rng),
        {y: periods[y] for y in REFORM_YEARS},
        rng,
        state=_reform_state(rng, clerk_units),
        sent_on=_sent_on,
    )
    seconds = format_vn_number(Decimal(time.perf_counter() - started), 1)
    progress(
        f"Synthetic figures (Hậu Giang 2022–2024, old Cần Thơ and Sóc Trăng 2016–2024, "
        f"new Cần Thơ 2025–2026): {format_vn_number(written)} values, "
        f"{format_vn_number(forms)} forms ({seconds} s)"
    )
    return written
