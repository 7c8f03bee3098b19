"""Demo figures for Hậu Giang, 2016–2021 (Resolution 06-NQ/TU).

The province totals are the counts of the seed report (Báo cáo sơ kết 05 năm thực hiện
Nghị quyết 06-NQ/TU: the annex and the footnotes) spread over the real districts and communes
in proportion to invented weights; the years between the baseline (2016) and the result
(2021) move smoothly, so the outlier check stays quiet. The catalogue decides which unit,
organization and figure exist. A seeded RNG drives everything: two builds are identical.
Values are written as imported, each with its audit row, and every form gets a workflow state.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from danvan.accounts.models import User
from danvan.datasets.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    DataValueAudit,
    Period,
    Submission,
    SubmissionEvent,
)
from danvan.datasets.queries import period_get
from danvan.geography.models import AdministrativeUnit
from danvan.lib.numbers import format_vn_number
from danvan.organizations.models import Organization, OrganizationType

SEED = 20160721  # the day Resolution 06-NQ/TU was adopted
YEARS = tuple(range(2016, 2022))
YEARS_IDS = tuple(str(year) for year in YEARS)
BASELINE, RESULT = YEARS[0], YEARS[-1]
TERM = YEARS[1:]  # the seed's five-year totals run over 2017–2021
DATA_SETS = ("nq06-org", "nq06-unit")
MONEY_STEP = 100_000  # VND: money figures are whole hundreds of thousands
AUDIT_NOTE = "Số liệu mẫu theo Báo cáo sơ kết 05 năm thực hiện Nghị quyết 06-NQ/TU (Hậu Giang)"
# Mild yearly rhythm of activities: congress and election years are busier.
YEAR_FACTOR = {2016: 0.9, 2017: 0.96, 2018: 1.0, 2019: 1.02, 2020: 0.99, 2021: 1.03}
SHARE_2016 = Fraction(YEAR_FACTOR[BASELINE]) / Fraction(sum(YEAR_FACTOR[y] for y in TERM))

# Key cadres by level, 2016 and 2021: heads, political standard, assessed, professional
# standard, university degree (at levels 1 and 2 the seed has no university count: ours).
CADRE_CODES = (
    "cadre_heads",
    "cadre_heads_political",
    "cadre_heads_assessed",
    "cadre_heads_professional",
    "cadre_heads_university",
)
KEY_CADRES = {
    1: ((50, 27, 50, 34, 38), (52, 52, 52, 52, 49)),
    2: ((133, 118, 133, 110, 84), (113, 113, 113, 113, 104)),
    3: ((456, 366, 456, 402, 242), (450, 418, 449, 426, 353)),
}
# Footnote 7 (2021), heads on the Party committee: (standing committee, executive committee).
# The two MTTQ vice-chairs on district executive committees are deputies, not heads: left out.
PARTY_HEADS = {
    1: {"mttq": (1, 0), "cd": (0, 1), "hnd": (0, 1), "dtn": (0, 1), "hlhpn": (0, 1)},
    2: {"mttq": (8, 0), "cd": (1, 5), "hnd": (0, 7), "dtn": (0, 8), "hlhpn": (0, 8)},
    3: {"mttq": (68, 0), "hnd": (0, 55), "dtn": (0, 49), "hlhpn": (0, 64), "hccb": (1, 9)},
}
GRASSROOTS = {2016: (372, 336), 2020: (375, 373), 2021: (375, 374)}  # (bodies, strong)
HOUSEHOLDS = ((192_318, 138_738), (199_274, 166_573))  # 2016: 72,14%; 2021: 83,59%
MEMBERS = ((313_900, 251_120), (322_915, 308_222))  # (members, studied) in 2016 and 2021
MEMBERS_NEW_TERM = 172_537
# Members by organization, in shares chosen so that footnote 1's rates make the seed's 98,55%.
MEMBER_SHARES = {"cd": 1000, "hnd": 3300, "dtn": 3468, "hlhpn": 1532, "hccb": 700}
RATES = {"cd": "0.9976", "hnd": "0.98", "dtn": "1", "hlhpn": "0.95", "hccb": "1"}
INFORMED_RATE = {code: Fraction(rate) for code, rate in RATES.items()}
# Commune-level equipment: (2016, 2021, most per organization).
EQUIPMENT = {"equipment_computers": (140, 432, 3), "equipment_printers": (66, 374, 3)}
EQUIPMENT |= {"equipment_desks": (531, 750, 4), "equipment_cabinets": (201, 377, 3)}
# Operating funds: 150.000–1.250.000 đ a month in 2016; in 2021 the seed's highest is the MTTQ
# of Phường I (Vị Thanh) and its lowest "Hội LHPN xã Hòa Lợi, TP Vị Thanh" — but Vị Thanh has
# no Hòa Lợi (its communes are Vị Tân, Hỏa Lựu, Tân Tiến, Hỏa Tiến): we take Hỏa Lựu.
FUNDS_2016, FUNDS_2021 = (1_800_000, 15_000_000), (2_800_000, 31_000_000)
FUNDS_EXTREMES = {  # (commune code, organization) -> (2016, 2021)
    ("31318", "mttq"): (15_000_000, 31_000_000),
    ("31336", "hlhpn"): (1_800_000, 2_800_000),
}


@dataclass(frozen=True)
class _Flow:
    """A yearly count whose 2017–2021 total the seed gives, per level."""

    term: Mapping[int, int]
    weights: Mapping[str, float] = field(default_factory=dict)  # by organization type; 1 if absent
    only: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # level -> the types doing it


# 5.448 houses: the MTTQ's "nhà đại đoàn kết"; at province level also the houses of the trade
# unions, the women's union and the veterans.
WELFARE_BY = {1: ("mttq", "cd", "hlhpn", "hccb"), 2: ("mttq",), 3: ("mttq",)}
FLOWS = {
    "supervisions": _Flow({1: 94, 2: 580, 3: 873}, {"mttq": 2.0}),
    "social_critiques": _Flow({1: 9, 2: 34, 3: 34}),
    "contributions": _Flow({1: 476, 2: 3_092, 3: 20_220}, {"mttq": 1.5}),  # 23.788
    "welfare_houses": _Flow({1: 218, 2: 872, 3: 4_358}, {"mttq": 3.0}, WELFARE_BY),
    "scholarships": _Flow({1: 2_773, 2: 8_319, 3: 44_371}, {"dtn": 1.5}),  # 55.463
    "works": _Flow({1: 6_290, 2: 25_160, 3: 178_218}),  # 209.668
    "members_out_of_poverty": _Flow({1: 175, 2: 700, 3: 7_875}, {"hnd": 2.0, "hlhpn": 1.5}),
    "party_inspections": _Flow({2: 412, 3: 205}),
    "surveys": _Flow({2: 64}),
}
MONEY = {  # value code -> (count code, total over 2017–2021 in VND)
    "welfare_houses_value": ("welfare_houses", 140_512_000_000),
    "scholarships_value": ("scholarships", 31_208_000_000),
}
DISSEMINATION_2016 = (278, 29_576, 29_824)  # sessions, attendees, expected
# Province: one inspection a year, two thematic ones in 2021 (Vị Thủy, Phụng Hiệp); surveys of
# 12 communes and 8 districts over 2017–2020, none in 2021 (inspections instead).
PROVINCE_INSPECTIONS, PROVINCE_SURVEYS = (1, 1, 1, 1, 1, 2), (0, 8, 2, 8, 2, 0)
DIALOGUES = {1: (1, 214, 1_497), 2: (8, 1_559, 4_977)}  # count, attendees, opinions
TRANSFERS = {1: ((12, 5), (9, 0)), 2: ((82, 60), (60, 51))}  # (in, leaders), (out, leaders)
MEDIATION_TERM = (14_243, 14_144, 12_983)  # received, mediated, settled
VOTERS = {2016: (548_902, 1_046), 2021: (562_134, 38)}  # voters, absent (99,81%, 99,99%)

# 2021 by unit code (every other form of 2016–2021 is approved on time).
DRAFT_2021 = ("31318", "31453", "31486")  # Phường I (the demo clerk's), Vĩnh Thuận Tây, -Đông
RETURNED_2021 = {
    ("31318", "hnd"): "Đề nghị kiểm tra lại số tổ chức cơ sở vững mạnh.",
    ("31402", None): "Đề nghị kiểm tra lại số vụ việc hòa giải thành.",
}
SUBMITTED_2021 = ("31321", "31399", "935")  # Phường III, Xã Tân Bình; Vị Thủy (district)
LATE_2021 = {"31333": True, "31408": False}  # Xã Vị Tân (approved), Xã Long Thạnh (waiting)

Cell = tuple[int, str | None]  # (unit pk, organization type code or None)
Key = tuple[str, int, str | None, int]  # (element code, unit pk, option, year)


def proportional_split(
    total: int, weights: Sequence[float], caps: Sequence[int] | None = None
) -> list[int]:
    """Whole numbers in proportion to `weights` that add up to `total` exactly.

    Largest-remainder rounding: every share is its exact quotient rounded down or up (ties
    to the first), so a zero weight gets nothing. With `caps`, a share that would exceed its
    cap is held at the cap and the rest is split again among the others.
    """
    limits = list(caps) if caps is not None else [total] * len(weights)
    if total < 0 or len(limits) != len(weights) or any(w < 0 for w in weights):
        raise ValueError("A split needs a non-negative total and one weight and cap per share.")
    if total > sum(c for c, w in zip(limits, weights, strict=True) if w > 0):
        raise ValueError(f"Cannot split {total}: the caps of the weighted shares are too small.")
    # Exact integer arithmetic on weights in units of 2⁻³² (a power of two: no float error).
    scaled = [max(1, round(w * 2.0**32)) if w > 0 else 0 for w in weights]
    shares = [0] * len(weights)
    open_ = [i for i, w in enumerate(scaled) if w and limits[i] > 0]
    remaining = total
    while remaining:
        weight_sum = sum(scaled[i] for i in open_)
        exact = [divmod(remaining * scaled[i], weight_sum) for i in open_]
        parts = [whole for whole, _ in exact]
        by_remainder = sorted(range(len(open_)), key=lambda k: (-exact[k][1], k))
        for k in by_remainder[: remaining - sum(parts)]:
            parts[k] += 1
        over = {k for k, i in enumerate(open_) if parts[k] > limits[i]}
        if not over:
            for k, i in enumerate(open_):
                shares[i] = parts[k]
            break
        for k in sorted(over):
            shares[open_[k]] = limits[open_[k]]
            remaining -= limits[open_[k]]
        open_ = [i for k, i in enumerate(open_) if k not in over]
    return shares


_split = proportional_split


def _round(value: float | Fraction) -> int:
    return math.floor(Fraction(value) + Fraction(1, 2))


@dataclass
class _World:
    province: AdministrativeUnit
    units: dict[int, list[AdministrativeUnit]]  # level -> units in code order
    weight: dict[int, float]  # unit pk -> population proxy
    cells: dict[tuple[str, int], list[Cell]]  # (element, level) -> what the catalogue asks for

    def at(self, code: str, level: int) -> list[Cell]:
        return self.cells.get((code, level), [])


class _Figures:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.values: dict[Key, int] = {}

    def put(self, code: str, cell: Cell, year: int, value: int) -> None:
        if value < 0:
            raise ValueError(f"{code} {cell} {year}: negative figure {value}.")
        self.values[(code, cell[0], cell[1], year)] = value

    def put_path(self, code: str, cell: Cell, path: Sequence[int]) -> None:
        for year, value in zip(YEARS, path, strict=True):
            self.put(code, cell, year, value)

    def path(self, code: str, cell: Cell) -> list[int]:
        return [self.values[(code, cell[0], cell[1], year)] for year in YEARS]

    def noise(self, spread: float) -> float:
        return self.rng.uniform(1 - spread, 1 + spread)

    def walk(self, start: int, end: int) -> list[int]:
        """From `start` (2016) to `end` (2021) in whole steps spread over the years."""
        steps = _split(abs(end - start), [self.noise(0.5) for _ in TERM])
        sign = 1 if end >= start else -1
        return [start + sign * sum(steps[:k]) for k in range(len(YEARS))]

    def glide(self, code: str, cells: list[Cell], start: list[int], end: list[int]) -> None:
        for cell, a, b in zip(cells, start, end, strict=True):
            self.put_path(code, cell, [_round(a + Fraction(b - a) * k / 5) for k in range(6)])

    def rate_glide(
        self, code: str, of: str, cells: list[Cell], start: list[int], end: list[int]
    ) -> None:
        """`code` as a share of `of`, the share moving in a straight line over the years."""
        for cell, a, b in zip(cells, start, end, strict=True):
            whole = self.path(of, cell)
            r0, r5 = Fraction(a, whole[0] or 1), Fraction(b, whole[-1] or 1)
            path = [min(w, _round(w * (r0 + (r5 - r0) * k / 5))) for k, w in enumerate(whole)]
            self.put_path(code, cell, [a, *path[1:-1], b])


def _world(province: AdministrativeUnit, rng: random.Random) -> _World:
    units: dict[int, list[AdministrativeUnit]] = {1: [province]}
    for level in (2, 3):
        below = AdministrativeUnit.objects.within(province).filter(level=level)
        units[level] = list(below.order_by("code"))
    weight = {u.pk: rng.lognormvariate(0, 0.3) for u in units[3]}
    for district in units[2]:
        weight[district.pk] = sum(weight[u.pk] for u in units[3] if u.parent_id == district.pk)
    weight[province.pk] = 1.0
    types = list(OrganizationType.objects.order_by("sort_order", "code"))
    cells: dict[tuple[str, int], list[Cell]] = {}
    items = (
        DataSetElement.objects.filter(section__data_set__code__in=DATA_SETS)
        .select_related("section__data_set", "element")
        .prefetch_related("element__organization_types", "section__data_set__organization_types")
        .order_by("section__data_set__code", "section__sort_order", "sort_order")
    )
    for item in items:
        data_set, element = item.section.data_set, item.element
        options: list[str | None] = [None]
        if element.disaggregated_by_organization != data_set.reported_by_organizations:
            continue
        if data_set.reported_by_organizations:
            allowed = {t.pk for t in element.organization_types.all()}
            offered = {t.pk for t in data_set.organization_types.all()}
            options = [
                t.code
                for t in types
                if (not allowed or t.pk in allowed) and (not offered or t.pk in offered)
            ]
        for level in item.levels or data_set.levels:
            listed = cells.setdefault((element.code, level), [])
            listed += [(u.pk, o) for u in units.get(level, []) for o in options]
    return _World(province, units, weight, cells)


def _key_cadres(fig: _Figures, world: _World) -> None:
    noise = fig.noise
    for level, ((h0t, p0t, a0t, f0t, u0t), (h5t, p5t, a5t, f5t, u5t)) in KEY_CADRES.items():
        cells = world.at("cadre_heads", level)
        n, most = len(cells), {1: 15, 2: 3, 3: 1}[level]  # deputies besides the head
        bias = [1.3 if option == "mttq" else 1.0 for _, option in cells]
        extra = _split(h0t - n, [b * noise(0.3) for b in bias], [most] * n)
        h0 = [1 + e for e in extra]
        h5 = [1 + e for e in _split(h5t - n, [(e + 0.5) * noise(0.3) for e in extra], [most] * n)]
        a0 = _split(a0t, [h * noise(0.1) for h in h0], h0)
        a5 = _split(a5t, [h * noise(0.1) for h in h5], h5)
        p0 = _split(p0t, [h * noise(0.3) * b for h, b in zip(h0, bias, strict=True)], h0)
        p5 = _split(p5t, [(p + 0.2) * noise(0.3) for p in p0], h5)
        f0 = _split(f0t, [a * noise(0.3) for a in a0], a0)
        f5 = _split(f5t, [(f + 0.2) * noise(0.3) for f in f0], a5)
        u0 = _split(u0t, [(f + 0.3) * noise(0.3) for f in f0], a0)
        u5 = _split(u5t, [(u + 0.2) * noise(0.3) for u in u0], a5)
        for i, cell in enumerate(cells):
            heads = fig.walk(h0[i], h5[i])
            # Heads without a recorded qualification: the assessed follow the heads.
            missing = fig.walk(h0[i] - a0[i], h5[i] - a5[i])
            assessed = [max(0, h - m) for h, m in zip(heads, missing, strict=True)]
            paths = [heads, fig.walk(p0[i], p5[i]), assessed]
            paths += [fig.walk(f0[i], f5[i]), fig.walk(u0[i], u5[i])]
            for k, bound in ((1, heads), (3, assessed), (4, assessed)):
                paths[k] = [min(v, b) for v, b in zip(paths[k], bound, strict=True)]
            for code, path in zip(CADRE_CODES, paths, strict=True):
                fig.put_path(code, cell, path)
    for level, by_type in PARTY_HEADS.items():
        cells = world.at("cadre_heads_party_standing", level)
        for option in dict.fromkeys(o for _, o in cells):
            mine = [c for c in cells if c[1] == option]
            standing, executive = by_type.get(option or "", (0, 0))
            chosen = fig.rng.sample(range(len(mine)), standing + executive)
            for i, cell in enumerate(mine):
                # Most heads already sat on the committee in 2016; the others joined later.
                since = fig.rng.choice((2016,) * 6 + TERM) if i in chosen else RESULT + 1
                seat, none = [int(year >= since) for year in YEARS], [0] * len(YEARS)
                on_standing = i in chosen[:standing]
                fig.put_path("cadre_heads_party_standing", cell, seat if on_standing else none)
                fig.put_path("cadre_heads_party_executive", cell, none if on_standing else seat)


def _grassroots(fig: _Figures, world: _World) -> None:
    """Each cell is one body or none; ranked, the first are strong earliest."""
    cells = world.at("grassroots_orgs", 3)
    missing = len(cells) - GRASSROOTS[BASELINE][0]  # no body yet in 2016: the last ranks
    strong = {year: count for year, (_, count) in GRASSROOTS.items()}
    for rank, cell in enumerate(fig.rng.sample(cells, len(cells))):
        body = BASELINE if rank < len(cells) - missing else fig.rng.choice(TERM[:-1])
        since = RESULT + 1
        if rank < strong[BASELINE]:
            since = BASELINE
        elif rank < strong[2020]:
            since = max(body, fig.rng.choice(TERM[:-1]))
        elif rank < strong[RESULT]:
            since = RESULT
        fig.put_path("grassroots_orgs", cell, [int(y >= body) for y in YEARS])
        fig.put_path("grassroots_orgs_strong", cell, [int(y >= since) for y in YEARS])


def _households(fig: _Figures, world: _World) -> None:
    cells = world.at("households", 3)
    (h0t, w0t), (h5t, w5t) = HOUSEHOLDS
    h5 = _split(h5t, [world.weight[u] * fig.noise(0.05) for u, _ in cells])
    h0 = _split(h0t, [h * fig.noise(0.02) for h in h5])
    w0 = _split(w0t, [h * fig.noise(0.15) for h in h0], h0)
    w5 = _split(
        w5t, [h * (w / h + 0.11) * fig.noise(0.03) for h, w in zip(h5, w0, strict=True)], h5
    )
    fig.glide("households", cells, h0, h5)
    fig.rate_glide("households_with_member", "households", cells, w0, w5)


def _members(fig: _Figures, world: _World) -> None:
    cells = world.at("members", 3)
    types = list(dict.fromkeys(o or "" for _, o in cells))
    (m0t, s0t), (m5t, s5t) = MEMBERS
    shares = [MEMBER_SHARES.get(t, 1000) for t in types]
    start: dict[Cell, int] = {}
    end: dict[Cell, int] = {}
    for t, t0, t5 in zip(types, _split(m0t, shares), _split(m5t, shares), strict=True):
        mine = [c for c in cells if c[1] == t]
        first = _split(t0, [world.weight[u] * fig.noise(0.15) for u, _ in mine])
        start |= zip(mine, first, strict=True)
        end |= zip(mine, _split(t5, [m * fig.noise(0.05) + 1 for m in first]), strict=True)
    m0, m5 = [start[c] for c in cells], [end[c] for c in cells]
    fig.glide("members", cells, m0, m5)
    # New members cover at least each year's growth; the rest follows the size of the body.
    paths = {c: fig.path("members", c) for c in cells}
    slots = [(c, k) for c in cells for k in range(1, 6)]
    need = [max(0, paths[c][k] - paths[c][k - 1]) for c, k in slots]
    weights = [paths[c][k] * YEAR_FACTOR[YEARS[k]] * fig.noise(0.04) for c, k in slots]
    new: dict[Cell, list[int]] = defaultdict(list)
    rest = _split(MEMBERS_NEW_TERM - sum(need), weights)
    for (cell, _), n, r in zip(slots, need, rest, strict=True):
        new[cell].append(n + r)
    for cell in cells:
        m = paths[cell]
        removed = [m[k - 1] + new[cell][k - 1] - m[k] for k in range(1, 6)]
        new0 = _round(sum(new[cell]) / 5 * fig.noise(0.03))
        removed0 = _round(sum(removed) / 5 * fig.noise(0.03))
        fig.put_path("members_new", cell, [new0, *new[cell]])
        fig.put_path("members_removed", cell, [removed0, *removed])
        fig.put_path("members_start", cell, [m[0] - new0 + removed0, *m[:-1]])
    s0 = _split(s0t, [m * fig.noise(0.1) for m in m0], m0)
    rates = [(s / m + 0.2) * fig.noise(0.02) for s, m in zip(s0, m0, strict=True)]
    s5 = _split(s5t, [m * r for m, r in zip(m5, rates, strict=True)], m5)
    fig.rate_glide("members_studied", "members", cells, s0, s5)
    # Footnote 1's rates by organization, in 2021 and also in 2016 (the year of dissemination).
    for t in types:
        mine = [c for c in cells if c[1] == t]
        for k, year in enumerate(YEARS):
            members = [paths[c][k] for c in mine]
            rate = INFORMED_RATE.get(t, Fraction("0.97"))
            if year not in (BASELINE, RESULT):
                rate = max(Fraction(0), rate - Fraction(fig.rng.randint(0, 15), 1000))
            informed = _split(_round(rate * sum(members)), members, members)
            for cell, value in zip(mine, informed, strict=True):
                fig.put("members_informed", cell, year, value)


def _equipment_and_funds(fig: _Figures, world: _World) -> None:
    for code, (start_total, end_total, most) in EQUIPMENT.items():
        cells = world.at(code, 3)
        bias = [(1.3 if o == "mttq" else 1.0) * world.weight[u] ** 0.5 for u, o in cells]
        end = _split(end_total, [b * fig.noise(0.3) for b in bias], [most] * len(cells))
        start = _split(start_total, [e * fig.noise(0.3) for e in end], end)
        for cell, a, b in zip(cells, start, end, strict=True):
            fig.put_path(code, cell, fig.walk(a, b))
    step = MONEY_STEP
    codes = {u.pk: u.code for u in world.units[3]}
    for unit, option in world.at("operating_funds", 3):
        base = (9_000_000 if option == "mttq" else 4_500_000) * world.weight[unit] ** 0.5
        first = min(FUNDS_2016[1], max(FUNDS_2016[0], _round(base * fig.noise(0.3) / step) * step))
        last = _round(first * fig.rng.uniform(1.45, 1.95) / step) * step
        # Strictly inside the seed's 2021 range: only the two named bodies sit on its ends.
        last = min(FUNDS_2021[1] - step, max(FUNDS_2021[0] + step, last))
        first, last = FUNDS_EXTREMES.get((codes[unit], option or ""), (first, last))
        growth = last / first
        path = [_round(first * growth ** (k / 5) / step) * step for k in range(6)]
        fig.put_path("operating_funds", (unit, option), [first, *path[1:-1], last])


def _flow(fig: _Figures, world: _World, code: str, flow: _Flow) -> None:
    """Spread each level's 2017–2021 total over units, organizations and years; 2016 alike."""
    for level in (1, 2, 3):
        cells, only = world.at(code, level), flow.only.get(level)
        base = [
            world.weight[u] * flow.weights.get(o or "", 1.0) if not only or o in only else 0.0
            for u, o in cells
        ]
        term_total = flow.term.get(level, 0)
        for years, total in (((BASELINE,), _round(term_total * SHARE_2016)), (TERM, term_total)):
            slots = [(cell, y) for y in years for cell in cells]
            weights = [b * YEAR_FACTOR[y] * fig.noise(0.04) for y in years for b in base]
            for (cell, year), value in zip(slots, _split(total, weights), strict=True):
                fig.put(code, cell, year, value)


def _money(fig: _Figures, world: _World, code: str, count_code: str, total: int) -> None:
    """A value proportional to its count, at a price per organization rising 3% a year."""
    cells = [cell for level in (1, 2, 3) for cell in world.at(code, level)]
    price = {cell: fig.noise(0.08) for cell in cells}
    counts = {(c, y): fig.values[(count_code, *c, y)] for c in cells for y in YEARS}
    term = [(c, y) for c in cells for y in TERM]
    steps = total // MONEY_STEP
    units = _split(steps, [counts[(c, y)] * price[c] * 1.03 ** (y - BASELINE) for c, y in term])
    per_count = Fraction(steps, sum(counts[s] for s in term))
    for (cell, year), value in zip(term, units, strict=True):
        fig.put(code, cell, year, value * MONEY_STEP)
    for cell in cells:  # 2016 at the term's average price, three years of 3% earlier
        value = _round(counts[(cell, BASELINE)] * price[cell] * per_count / Fraction(1.03) ** 3)
        fig.put(code, cell, BASELINE, value * MONEY_STEP)


def _dissemination_and_dialogues(fig: _Figures, world: _World) -> None:
    everyone = [c for level in (1, 2, 3) for c in world.at("dissemination_sessions", level)]
    size = {u.pk: {1: 4.0, 2: 1.2, 3: 0.8}[level] for level, us in world.units.items() for u in us}
    weights = [size[u] * world.weight[u] ** 0.5 * fig.noise(0.2) for u, _ in everyone]
    # The resolution was disseminated in its first year; no sessions are counted later.
    sessions, attendees, expected = DISSEMINATION_2016
    briefed = _split(expected, [w * fig.noise(0.05) for w in weights])
    came = _split(attendees, [b * fig.noise(0.01) for b in briefed], briefed)
    counts = zip(_split(sessions, weights), came, briefed, strict=True)
    for cell, values in zip(everyone, counts, strict=True):
        for code, value in zip(("sessions", "attendees", "expected"), values, strict=True):
            fig.put_path(f"dissemination_{code}", cell, [value, 0, 0, 0, 0, 0])
    # Dialogues happened once, in 2017 or 2018; communes held none the seed counts.
    for level in (1, 2, 3):
        cells = world.at("dialogues", level)
        count, people, opinions = DIALOGUES.get(level, (0, 0, 0))
        held = [1] * count + [0] * (len(cells) - count)
        came = _split(people, [h * world.weight[c[0]] for h, c in zip(held, cells, strict=True)])
        said = _split(opinions, [c * fig.noise(0.3) for c in came])
        for cell, values in zip(cells, zip(held, came, said, strict=True), strict=True):
            year = fig.rng.choice((2017, 2018)) if level == 2 else 2018
            codes = ("dialogues", "dialogue_attendees", "dialogue_opinions")
            for code, value in zip(codes, values, strict=True):
                fig.put_path(code, cell, [value if y == year else 0 for y in YEARS])


def _local_figures(fig: _Figures, world: _World) -> None:
    if world.at("party_inspections", 1):
        fig.put_path("party_inspections", (world.province.pk, None), PROVINCE_INSPECTIONS)
        fig.put_path("surveys", (world.province.pk, None), PROVINCE_SURVEYS)
    for level, moves in TRANSFERS.items():
        slots = [(cell, year) for cell in world.at("transfers_in", level) for year in YEARS]
        for (total, leaders), way in zip(moves, ("in", "out"), strict=True):
            # At most three a year per unit: transfers come one or two at a time.
            moved = _split(total, [fig.noise(0.5) for _ in slots], [3] * len(slots))
            led = _split(leaders, [m * fig.noise(0.1) for m in moved], moved)
            for (cell, year), m, lead in zip(slots, moved, led, strict=True):
                fig.put(f"transfers_{way}", cell, year, m)
                fig.put(f"transfers_{way}_leaders", cell, year, lead)
    cells = world.at("mediation_received", 3)
    for years in ((BASELINE,), TERM):
        share = 1 if years == TERM else SHARE_2016
        slots = [(cell, y) for y in years for cell in cells]
        weights = [world.weight[u] * YEAR_FACTOR[y] * fig.noise(0.04) for (u, _), y in slots]
        received = _split(_round(MEDIATION_TERM[0] * share), weights)
        mediated = _split(_round(MEDIATION_TERM[1] * share), received, received)
        noisy = [m * fig.noise(0.03) for m in mediated]
        settled = _split(_round(MEDIATION_TERM[2] * share), noisy, mediated)
        for (cell, year), *values in zip(slots, received, mediated, settled, strict=True):
            for code, value in zip(("received", "mediated", "settled"), values, strict=True):
                fig.put(f"mediation_{code}", cell, year, value)
    # Voters only in election years (2016, 2021): no list is drawn up in between.
    cells = world.at("voters", 3)
    weights = [world.weight[u] * fig.noise(0.03) for u, _ in cells]
    for year, (voters, absent) in VOTERS.items():
        listed = _split(voters, weights)
        away = _split(absent, [v * fig.noise(0.5) for v in listed], listed)
        for cell, v, a in zip(cells, listed, away, strict=True):
            fig.put("voters", cell, year, v)
            fig.put("voters_voted", cell, year, v - a)
        weights = [v * fig.noise(0.01) for v in listed]


def demo_figures_compute(*, province: AdministrativeUnit) -> dict[Key, int]:
    """The figures the demo writes, without writing them: the same on every call.

    Keys are (element code, unit pk, organization type code or None, year).
    """
    fig = _Figures(random.Random(SEED))
    world = _world(province, fig.rng)
    _key_cadres(fig, world)
    _grassroots(fig, world)
    _households(fig, world)
    _members(fig, world)
    _equipment_and_funds(fig, world)
    for code, flow in FLOWS.items():
        _flow(fig, world, code, flow)
    for code, (count_code, total) in MONEY.items():
        _money(fig, world, code, count_code, total)
    _dissemination_and_dialogues(fig, world)
    _local_figures(fig, world)
    return fig.values


def _write(figures: dict[Key, int], periods: dict[int, Period], note: str = AUDIT_NOTE) -> int:
    """Insert the values and their audit rows set-based: the ORM's per-object work made
    hundreds of thousands of demo values take minutes."""
    elements = dict(DataElement.objects.values_list("code", "pk"))
    options = dict(OrganizationType.objects.values_list("code", "pk"))
    ops = connection.ops
    qn = ops.quote_name
    now = ops.adapt_datetimefield_value(timezone.now())
    imported, create = DataValue.Source.IMPORTED, DataValueAudit.Action.CREATE
    value_columns = [
        "element_id", "organization_type_id", "unit_id", "period_id", "value", "comment",
        "source", "revision", "created_at", "updated_at",
    ]  # fmt: skip
    audit_columns = [
        "element_id", "organization_type_id", "unit_id", "period_id", "action", "new_value",
        "comment", "source", "created_at",
    ]  # fmt: skip
    rows, audits = [], []
    for (code, unit, option, year), number in figures.items():
        key = (elements[code], options[option] if option else None, unit, periods[year].pk)
        value = ops.adapt_decimalfield_value(Decimal(number), 20, 4)
        rows.append((*key, value, "", imported, 1, now, now))
        audits.append((*key, create, value, note, imported, now))
    with connection.cursor() as cursor:
        for model, columns, batch in (
            (DataValue, value_columns, rows),
            (DataValueAudit, audit_columns, audits),
        ):
            sql = (
                f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(map(qn, columns))}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            for start in range(0, len(batch), 20_000):
                cursor.executemany(sql, batch[start : start + 20_000])
    return len(rows)


def _state(year: int, unit: str, option: str | None) -> tuple[str, str, bool]:
    """(status, comment, late) of the form of the unit with this code."""
    comment = RETURNED_2021.get((unit, option), "") if year == RESULT else ""
    late = year == RESULT and unit in LATE_2021
    if comment:
        return Submission.Status.RETURNED, comment, False
    if year == RESULT and unit in DRAFT_2021:
        return Submission.Status.DRAFT, "", False
    if year == RESULT and (unit in SUBMITTED_2021 or LATE_2021.get(unit) is False):
        return Submission.Status.SUBMITTED, "", late
    return Submission.Status.APPROVED, "", late


def _submissions_create(
    world: _World,
    periods: dict[int, Period],
    rng: random.Random,
    *,
    state: Callable[[int, str, str | None], tuple[str, str, bool]] = _state,
    sent_on: Callable[[int, int], datetime.date] | None = None,
) -> int:
    """Every form of 2016–2020 approved; in 2021 drafts, returns, waiting and late forms.

    Submitted by the unit's clerk and decided by the approver of the unit above where the
    demo has one; elsewhere by nobody named (as imported). `state` gives each form's
    (status, comment, late) and `sent_on` the day a level sends its forms, for other years.
    """
    Status = Submission.Status
    units = [u for level in (1, 2, 3) for u in world.units[level]]
    bodies: dict[int, list[Organization]] = defaultdict(list)
    territorial = Organization.objects.filter(unit__in=units, kind=Organization.Kind.TERRITORIAL)
    for organization in territorial.select_related("type").order_by("type__sort_order", "pk"):
        bodies[organization.unit_id].append(organization)
    users: dict[tuple[int | None, str], User] = {}
    for user in User.objects.filter(home_unit__in=units, is_active=True).order_by("username"):
        users.setdefault((user.home_unit_id, user.role), user)
    submissions: list[Submission] = []
    for data_set in DataSet.objects.filter(code__in=DATA_SETS).order_by("code"):
        offered = {t.pk for t in data_set.organization_types.all()}
        for (year, period), unit in itertools.product(periods.items(), units):
            forms: list[Organization | None] = [None]
            if data_set.reported_by_organizations:
                forms = [b for b in bodies[unit.pk] if not offered or b.type_id in offered]
            for body in forms if unit.level in data_set.levels else []:
                status, comment, late = state(year, unit.code, body.type.code if body else None)
                # Communes first, then districts, then the province, before the deadline.
                day = datetime.date(year, 12, {1: 15, 2: 10, 3: 2}[unit.level])
                if sent_on is not None:
                    day = sent_on(year, unit.level)
                if late:
                    day = data_set.deadline(period.spec) + datetime.timedelta(days=16)
                day += datetime.timedelta(days=rng.randint(0, 3 if unit.level == 1 else 6))
                moment = datetime.time(rng.randint(7, 16), rng.randint(0, 59))
                sent = timezone.make_aware(datetime.datetime.combine(day, moment))
                decided = sent + datetime.timedelta(days=rng.randint(1, 4), hours=2)
                submission = Submission(data_set=data_set, unit=unit, organization=body)
                submission.period, submission.status = period, status
                submission.last_comment = comment
                if status != Status.DRAFT:
                    submission.submitted_at = sent
                    submission.submitted_by = users.get((unit.pk, User.Role.DATA_CLERK))
                if status in (Status.APPROVED, Status.RETURNED):
                    submission.decided_at = decided
                    submission.decided_by = users.get((unit.parent_id, User.Role.APPROVER))
                submissions.append(submission)
    Submission.objects.bulk_create(submissions, batch_size=1000)
    events = []
    for s in submissions:
        if s.submitted_at is not None:
            submit = SubmissionEvent(submission=s, action="submit", user=s.submitted_by)
            submit.from_status, submit.to_status = Status.DRAFT, Status.SUBMITTED
            events.append(submit)
        if s.decided_at is not None:
            action = "approve" if s.status == Status.APPROVED else "return"
            decision = SubmissionEvent(submission=s, action=action, user=s.decided_by)
            decision.from_status, decision.to_status = Status.SUBMITTED, s.status
            decision.comment = s.last_comment
            events.append(decision)
    SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    # Stamps in the past, set in SQL: creation stamps are `auto_now_add`.
    mine = Submission.objects.filter(pk__in=[s.pk for s in submissions])
    mine.exclude(submitted_at=None).update(
        created_at=F("submitted_at"), updated_at=Coalesce("decided_at", "submitted_at")
    )
    at = Submission.objects.filter(pk=OuterRef("submission_id"))
    trail = SubmissionEvent.objects.filter(submission__in=mine)
    trail.filter(action="submit").update(created_at=Subquery(at.values("submitted_at")[:1]))
    trail.exclude(action="submit").update(created_at=Subquery(at.values("decided_at")[:1]))
    return len(submissions)


@transaction.atomic
def demo_figures_generate(
    *, province: AdministrativeUnit, progress: Callable[[str], None] = print
) -> int:
    """Fill 2016–2021 figures and form states for the province; returns the values written.

    Does nothing (and returns 0) if the province already has figures for those years.
    """
    started = time.perf_counter()
    periods = {year: period_get(str(year)) for year in YEARS}
    within = AdministrativeUnit.objects.within(province)
    if DataValue.objects.filter(unit__in=within, period__in=periods.values()).exists():
        progress("Figures 2016–2021 already present: left as they are.")
        return 0
    written = _write(demo_figures_compute(province=province), periods)
    rng = random.Random(SEED + 1)
    forms = _submissions_create(_world(province, rng), periods, rng)
    seconds = format_vn_number(Decimal(time.perf_counter() - started), 1)
    progress(
        f"Figures 2016–2021: {format_vn_number(written)} values with their audit rows, "
        f"{format_vn_number(forms)} forms ({seconds} s)"
    )
    return written
