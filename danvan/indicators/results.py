"""Indicator results where they are read: computed from the maintained sums.

Nothing here is stored. A result — one part at one unit for one period — is the part's
numerator and denominator evaluated on the unit's figures: for a unit above the part's
level, the sums of the units at that level below it (`ElementSum`); for a unit at that
level, its own values. Targets, achievement, status, baseline and change follow, so a
changed target or definition is visible at the next read. The basis (what counts:
approved forms only, submitted and approved, or every value entered) picks one of the
three columns each sum row keeps; coverage says how many of the reporting units (and
their forms) the figure rests on.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from danvan.datasets.models import DataElement, DataSet, DataValue, Period, Submission
from danvan.datasets.queries import ValueLookup
from danvan.geography.models import AdministrativeUnit
from danvan.geography.territory import Territory
from danvan.indicators.engine import Status, judge, target_for
from danvan.indicators.models import ElementSum, IndicatorPart, Resolution, Target
from danvan.indicators.sums import PLACES
from danvan.lib.expressions import Expression, expression_parse
from danvan.lib.periods import PeriodType
from danvan.lib.text import date_parts
from danvan.organizations.models import Organization, OrganizationType

Key = tuple[str, str | None]  # (element code, organization type code or None)
Figures = dict[Key, Decimal]


Basis = Resolution.Basis
RANK: dict[str, int] = {Basis.APPROVED: 2, Basis.SUBMITTED: 1, Basis.ENTERED: 0}


@dataclass
class Coverage:
    """The reporting units (and forms) under a unit that a figure rests on."""

    level: int
    units_expected: int = 0
    units_entered: int = 0
    units_submitted: int = 0
    units_approved: int = 0
    forms_expected: int = 0
    forms_submitted: int = 0
    forms_approved: int = 0

    def counted(self, basis: str) -> int:
        counts: dict[str, int] = {
            Basis.APPROVED: self.units_approved,
            Basis.SUBMITTED: self.units_submitted,
            Basis.ENTERED: self.units_entered,
        }
        return counts[basis]

    def is_complete(self, basis: str) -> bool:
        return self.units_expected > 0 and self.counted(basis) >= self.units_expected

    def text(self, basis: str) -> str:
        """ "số liệu của 72/75 đơn vị cấp xã đã duyệt"."""
        return str(
            _("figures of %(counted)s/%(expected)s %(level)s units %(basis)s")
            % {
                "counted": self.counted(basis),
                "expected": self.units_expected,
                "level": LEVEL_WORDS.get(self.level, ""),
                "basis": BASIS_WORDS[basis],
            }
        )


LEVEL_WORDS = {
    1: _("province-level"),
    2: _("district-level"),
    3: _("commune-level"),
    4: _("hamlet-level"),
}
BASIS_WORDS: dict[str, object] = {
    Basis.APPROVED: _("approved"),
    Basis.SUBMITTED: _("submitted or approved"),
    Basis.ENTERED: _("entered"),
}


@dataclass
class Result:
    """One part at one unit for one period, with the same fields the stored results had."""

    part: IndicatorPart
    unit_id: int
    period_id: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    target: Target | None
    achievement: Decimal | None
    status: str
    baseline_numerator: Decimal | None
    baseline_value: Decimal | None
    change_value: Decimal | None
    change_count: Decimal | None
    basis: str = Basis.APPROVED
    coverage: Coverage | None = None
    # Some figure behind it was carried from a predecessor through an estimated share.
    estimated: bool = False
    unit: AdministrativeUnit | None = field(default=None, repr=False)

    @property
    def part_id(self) -> int:
        return self.part.pk

    @property
    def target_id(self) -> int | None:
        return self.target.pk if self.target is not None else None

    def get_status_display(self) -> str:
        return str(Status.LABELS[self.status])


@cache
def _parsed(text: str) -> Expression:
    return expression_parse(text)


def part_codes(part: IndicatorPart) -> set[str]:
    """The data element codes a part's numerator and denominator read."""
    refs = list(_parsed(part.numerator).refs)
    if part.denominator:
        refs += _parsed(part.denominator).refs
    return {ref.code for ref in refs}


def periods_with_values() -> list[str]:
    """Yearly periods holding any figure, oldest first."""
    return list(
        Period.objects.filter(
            Exists(DataValue.objects.filter(period=OuterRef("pk"))), type=PeriodType.YEARLY.value
        )
        .order_by("start_date")
        .values_list("id", flat=True)
    )


def _among(column: str, ids: Sequence[int]) -> RawSQL:
    """A filter "`column` is one of `ids`" with the ids as one parameter. A list of ten
    thousand units (every commune of the country) as ten thousand placeholders cost more
    to build and send than the query took to run (benchmarks/README.md, ranking)."""
    return RawSQL(*_among_sql(column, ids), output_field=BooleanField())


_FEW = 1000


def _among_sql(column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    if connection.vendor == "postgresql":
        # The array as text: adapting ten thousand ints one by one took 20 ms. A few
        # hundred units (a province) as `= ANY(array)`, which the planner estimates as an
        # IN list: joined to `unnest` of it, it scanned every value of the country for a
        # province (1,5 s). Thousands (every commune) joined to `unnest`, one index probe
        # each: as `= ANY` it scanned the whole period (0,5 s for 0,05 s).
        array = "{" + ",".join(map(str, ids)) + "}"
        if len(ids) <= _FEW:
            return f"{column} = ANY(%s::bigint[])", [array]
        return f"{column} IN (SELECT unnest(%s::bigint[]))", [array]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


def _total(basis: str) -> tuple[str, str]:
    return f"{basis}_total", f"{basis}_count"


class _Figures:
    """Figures of units for every level of parts, read with one query per kind (sums,
    own values, forms) whatever the number of units, levels or parts."""

    def __init__(
        self,
        *,
        levels: set[int],
        units: Sequence[AdministrativeUnit],
        elements: dict[int, DataElement],
        period_ids: set[str],
        basis: str,
    ) -> None:
        # (level, unit, period) → figures
        self.by_key: dict[tuple[int, int, str], Figures] = defaultdict(dict)
        # (level, unit, period) → codes whose figures came through an estimated share
        self.estimated: dict[tuple[int, int, str], set[str]] = defaultdict(set)
        self._lookups: dict[tuple[int, int, str], ValueLookup] = {}
        if not elements or not period_ids or not units:
            return
        options = dict(OrganizationType.objects.values_list("pk", "code"))
        average = DataElement.Aggregation.AVERAGE
        total, count = f"{basis}_total", f"{basis}_count"
        # Rows of units above a level are their sums; rows of a unit at a level are the
        # figures carried to it from the units it succeeded, so only the ends of carries
        # among the units at the deepest level are asked for (all ten thousand communes
        # of a ranking probed for nothing took 40 ms). Two queries: one with an OR of
        # both scanned the whole table.
        above = [u.pk for u in units if u.level < max(levels)]
        at_level = [u.pk for u in units if u.level == max(levels)]
        chosen = []
        if above:
            chosen.append(Q(_among('"indicators_elementsum"."unit_id"', above)))
        if at_level:
            condition, params = _among_sql("c.target_id", at_level)
            ends = RawSQL(
                f"SELECT c.target_id FROM geography_unitcarry c WHERE {condition}", params
            )
            chosen.append(Q(unit_id__in=ends))
        for among in chosen:
            rows = ElementSum.objects.filter(
                among,
                level__in=sorted(levels),
                period_id__in=period_ids,
                element_id__in=list(elements),
            ).values_list(
                "level",
                "unit_id",
                "period_id",
                "element_id",
                "option",
                total,
                count,
                "estimated_count",
            )
            for level, unit_id, period_id, element_id, option, value, n, estimated in rows:
                if not n:
                    continue
                element = elements[element_id]
                if element.aggregation == average:
                    value = Decimal(value) / n
                key = (element.code, options.get(option))
                figures = self.by_key[(level, unit_id, period_id)]
                figures[key] = figures.get(key, Decimal(0)) + value
                if estimated:
                    self.estimated[(level, unit_id, period_id)].add(element.code)
        at = {u.pk: u.level for u in units if u.level in levels}
        if at:
            for unit_id, period_id, element_id, option_id, value in _own_values(
                list(at), period_ids, list(elements), basis
            ):
                key = (elements[element_id].code, options.get(option_id or 0))
                figures = self.by_key[(at[unit_id], unit_id, period_id)]
                figures[key] = figures.get(key, Decimal(0)) + value

    def is_estimated(self, part: IndicatorPart, unit_id: int, period_id: str) -> bool:
        found = self.estimated.get((part.level, unit_id, period_id))
        return bool(found and found & part_codes(part))

    def of(self, level: int, unit_id: int, period_id: str) -> Figures | None:
        return self.by_key.get((level, unit_id, period_id))

    def lookup(self, level: int, unit_id: int, period_id: str) -> ValueLookup | None:
        """The figures as an expression reads them, built once for every part that reads
        them: building it (totals over every option) for each part and baseline took a
        third of a province's read (benchmarks/README.md, read_all)."""
        key = (level, unit_id, period_id)
        found = self._lookups.get(key)
        if found is None:
            figures = self.by_key.get(key)
            if not figures:
                return None
            found = self._lookups[key] = ValueLookup.of_figures(figures)
        return found

    def over(
        self, level: int, unit_id: int, period_ids: Sequence[str], stocks: set[str]
    ) -> Figures | None:
        """Summed over periods; stocks (aggregation 'last') take the last period's."""
        total: dict[Key, Decimal] = defaultdict(Decimal)
        for period_id in period_ids:
            for key, value in self.by_key.get((level, unit_id, period_id), {}).items():
                if key[0] in stocks:
                    total[key] = value
                else:
                    total[key] += value
        return dict(total) or None


def _territory_figures(
    territory: Territory,
    *,
    levels: set[int],
    elements: dict[int, DataElement],
    period_ids: set[str],
    basis: str,
) -> _Figures:
    """The territory's figures as those of its presentation unit: for each level and
    period, the figures of the units that make it then (`Territory.members`) added up."""
    ends = _period_ends(period_ids)
    read = territory.reads(levels, ends)
    inner = _Figures(
        levels=levels,
        units=list(AdministrativeUnit.objects.filter(pk__in=read)),
        elements=elements,
        period_ids=period_ids,
        basis=basis,
    )
    merged = _Figures(levels=levels, units=[], elements={}, period_ids=set(), basis=basis)
    shared = _shares_carried(
        territory,
        levels=levels,
        elements=elements,
        period_ids={p for p, end in ends.items() if territory.shares_before(end)},
        basis=basis,
    )
    for level in levels:
        for period_id, end in ends.items():
            if territory.shares_before(end):
                if found := shared.by_key.get((level, territory.unit.pk, period_id)):
                    merged.by_key[(level, territory.unit.pk, period_id)] = found
                if codes := shared.estimated.get((level, territory.unit.pk, period_id)):
                    merged.estimated[(level, territory.unit.pk, period_id)] = codes
                continue
            total: Figures = {}
            estimated: set[str] = set()
            for unit_id, at in territory.members(level, end):
                for key, value in (inner.of(at, unit_id, period_id) or {}).items():
                    total[key] = total.get(key, Decimal(0)) + value
                estimated |= inner.estimated.get((at, unit_id, period_id), set())
            if total:
                merged.by_key[(level, territory.unit.pk, period_id)] = total
            if estimated:
                merged.estimated[(level, territory.unit.pk, period_id)] = estimated
    return merged


def _shares_carried(
    territory: Territory,
    *,
    levels: set[int],
    elements: dict[int, DataElement],
    period_ids: set[str],
    basis: str,
) -> _Figures:
    """Part of a territory before the presentation version, as the figures of its
    presentation unit: each old unit's own values (those `basis` counts) times its share,
    for every carry link from the territory to a unit at or under the presentation unit,
    at the level of the unit they went to — as the sums carry them, but never the figures
    a taker also received from outside the territory."""
    merged = _Figures(levels=levels, units=[], elements={}, period_ids=set(), basis=basis)
    links: dict[int, list[tuple[int, Decimal, bool]]] = defaultdict(list)
    for source_id, level, weight, estimated in territory.carried:
        if level in levels:
            links[source_id].append((level, weight, estimated))
    wanted = {pk: e for pk, e in elements.items() if e.aggregation != DataElement.Aggregation.NONE}
    if not links or not wanted or not period_ids:
        return merged
    options = dict(OrganizationType.objects.values_list("pk", "code"))
    totals: dict[tuple[int, str], dict[Key, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    counts: dict[tuple[int, str], dict[Key, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, period_id, element_id, option_id, value in _own_values(
        list(links), period_ids, list(wanted), basis
    ):
        key = (wanted[element_id].code, options.get(option_id or 0))
        for level, weight, estimated in links[unit_id]:
            # Rounded as the sums round each carried contribution (indicators/sums.py).
            share = (Decimal(value) * weight).quantize(PLACES, ROUND_HALF_UP)
            totals[(level, period_id)][key] += share
            counts[(level, period_id)][key] += 1
            if estimated:
                merged.estimated[(level, territory.unit.pk, period_id)].add(key[0])
    average = DataElement.Aggregation.AVERAGE
    codes = {e.code: e for e in wanted.values()}
    for (level, period_id), figures in totals.items():
        merged.by_key[(level, territory.unit.pk, period_id)] = {
            key: value / counts[(level, period_id)][key]
            if codes[key[0]].aggregation == average
            else value
            for key, value in figures.items()
        }
    return merged


def _territory_coverage(
    territory: Territory,
    levels: set[int],
    period_ids: set[str],
    data_sets: Sequence[DataSet],
) -> dict[tuple[int, int, str], Coverage]:
    """The coverage of the units that make the territory, added up."""
    ends = _period_ends(period_ids)
    read = {
        unit_id
        for level in levels
        for end in ends.values()
        for unit_id in territory.coverage_members(level, end)
    }
    units = list(AdministrativeUnit.objects.filter(pk__in=read))
    inner = coverage_read(units, levels, period_ids, data_sets)
    found: dict[tuple[int, int, str], Coverage] = {}
    for level in levels:
        for period_id, end in ends.items():
            parts = [
                inner[(level, unit_id, period_id)]
                for unit_id in territory.coverage_members(level, end)
                if (level, unit_id, period_id) in inner
            ]
            if parts:
                found[(level, territory.unit.pk, period_id)] = Coverage(
                    level=level,
                    **{
                        name: sum(getattr(c, name) for c in parts)
                        for name in (
                            "units_expected",
                            "units_entered",
                            "units_submitted",
                            "units_approved",
                            "forms_expected",
                            "forms_submitted",
                            "forms_approved",
                        )
                    },
                )
    return found


def _period_ends(period_ids: Iterable[str]) -> dict[str, datetime.date]:
    return dict(Period.objects.filter(pk__in=list(period_ids)).values_list("id", "end_date"))


def _own_values(
    unit_ids: list[int], period_ids: set[str], element_ids: list[int], basis: str
) -> Iterable[tuple[int, str, int, int | None, Decimal]]:
    """Values of the units themselves whose form has reached `basis`."""
    rows = DataValue.objects.filter(
        _among('"datasets_datavalue"."unit_id"', unit_ids),
        period_id__in=period_ids,
        element_id__in=element_ids,
    ).values_list("unit_id", "period_id", "element_id", "organization_type_id", "value")
    if basis == Basis.ENTERED:
        return rows
    found = list(rows)
    if not found:
        return found
    # The forms of the units holding figures only, not of every unit asked for.
    holding = sorted({row[0] for row in found})
    reached = _forms_reached(holding, {row[1] for row in found}, RANK[basis])
    form_of = _form_of_elements()
    return [row for row in found if (row[0], row[1], form_of.get(row[2]), row[3] or 0) in reached]


def _form_of_elements() -> dict[int, int]:
    """The data set whose form gives an element's values their state (as the sums use)."""
    from danvan.indicators.sums import _FORM_OF

    with connection.cursor() as cursor:
        cursor.execute(_FORM_OF)
        return dict(cursor.fetchall())


def _forms_reached(
    unit_ids: list[int], period_ids: set[str], rank: int
) -> set[tuple[int, str, int, int]]:
    """(unit, period, data set, organization type id or 0) of forms at or past `rank`."""
    statuses = [Submission.Status.APPROVED]
    if rank < 2:
        statuses.append(Submission.Status.SUBMITTED)
    # The body's type through a correlated lookup, not a join: joined, the planner hashed
    # every organization of the country once a read spans two periods (12 of 14 ms per
    # province at a tenth of the country, benchmarks/README.md, ranking).
    body_type = (
        Organization.objects.filter(pk=OuterRef("organization_id")).order_by().values("type_id")
    )
    found = (
        Submission.objects.filter(
            _among('"datasets_submission"."unit_id"', unit_ids),
            period_id__in=period_ids,
            status__in=statuses,
        )
        .order_by()
        .annotate(body_type=Subquery(body_type))
        .values_list("unit_id", "period_id", "data_set_id", "body_type")
    )
    return {(u, p, d, t or 0) for u, p, d, t in found}


@dataclass
class ReadPlan:
    """What a read of a resolution's results covers: its parts, the periods asked for
    and every period their figures need (baselines, the years of a term total)."""

    parts: list[IndicatorPart]
    periods: list[str]
    needed: set[str]

    def codes(self) -> set[str]:
        return set().union(*(part_codes(part) for part in self.parts))

    def elements(self) -> dict[int, DataElement]:
        found = DataElement.objects.filter(code__in=self.codes()).only("code", "aggregation")
        return {e.pk: e for e in found}


def read_plan(
    resolution: Resolution,
    parts: Sequence[IndicatorPart] | None,
    period_ids: Iterable[str] | None,
) -> ReadPlan:
    """`parts` (default: all of the resolution's) and `period_ids` (default: every yearly
    period holding figures), with the periods their figures need."""
    chosen = list(
        parts
        if parts is not None
        else IndicatorPart.objects.filter(indicator__resolution=resolution)
        .select_related("indicator", "baseline_period")
        .prefetch_related("targets")
    )
    periods = sorted(set(period_ids) if period_ids is not None else periods_with_values())
    needed = set(periods)
    for part in chosen:
        if part.baseline_period_id:
            needed.add(part.baseline_period_id)
        if part.accumulation == IndicatorPart.Accumulation.TERM:
            for period_id in periods:
                needed.update(_years(resolution.term_start, int(period_id[:4])))
    return ReadPlan(chosen, periods, needed)


def results_read(
    resolution: Resolution,
    *,
    units: Sequence[AdministrativeUnit],
    period_ids: Iterable[str] | None = None,
    parts: Sequence[IndicatorPart] | None = None,
    basis: str | None = None,
    coverage: bool = True,
    target_rule: str | None = None,
    territory: Territory | None = None,
) -> list[Result]:
    """Results of `parts` (default: all of the resolution's) at `units` for `period_ids`
    (default: every yearly period holding figures), for each unit at or above the part's
    level. `basis` and `target_rule` default to the resolution's.

    With a `territory` presented in the units of another hierarchy version, `units` is
    its presentation unit alone and its results are the territory's (`Territory`).
    A part is not applicable (no figures, nothing missing) for a period its dates leave
    out or whose hierarchy has no units at its level for the territory."""
    if territory is not None and not territory.is_carried:
        territory = None
    if territory is not None and list(units) != [territory.unit]:
        raise ValueError("A territory's results are read at its presentation unit alone.")
    basis = basis or resolution.basis
    rule = target_rule or resolution.target_rule
    plan = read_plan(resolution, parts, period_ids)
    parts, periods, needed = plan.parts, plan.periods, plan.needed
    if not parts or not periods or not units:
        return []
    codes, elements = plan.codes(), plan.elements()
    stocks = {e.code for e in elements.values() if e.aggregation == DataElement.Aggregation.LAST}
    levels = {part.level for part in parts}
    if territory is not None:
        figures = _territory_figures(
            territory, levels=levels, elements=elements, period_ids=needed, basis=basis
        )
        covered = (
            _territory_coverage(territory, levels, set(periods), _data_sets(codes))
            if coverage
            else {}
        )
    else:
        figures = _Figures(
            levels=levels, units=units, elements=elements, period_ids=needed, basis=basis
        )
        covered = coverage_read(units, levels, set(periods), _data_sets(codes)) if coverage else {}
    # Period ends only matter for parts with dates and for a territory across versions.
    dated = territory is not None or any(p.valid_from or p.valid_to for p in parts)
    ends = _period_ends(periods) if dated else {}
    results: list[Result] = []
    for part in parts:
        targets = list(part.targets.all())
        level_units = [u for u in units if u.level <= part.level]
        for period_id in periods:
            target = (
                target_for(targets, int(period_id[:4]), rule=rule)
                if part.target_kind != IndicatorPart.TargetKind.NONE
                else None
            )
            end = ends.get(period_id)
            applies = end is None or (
                part.applies_to(end)
                and not (territory is not None and territory.level_ended(part.level, end))
            )
            for unit in level_units:
                if not applies:
                    results.append(_not_applicable(part, unit, period_id, target, basis))
                    continue
                unit_id = unit.id
                result = _result(part, unit_id, period_id, figures, target, resolution, stocks)
                result.basis = basis
                result.estimated = figures.is_estimated(part, unit_id, period_id)
                result.coverage = covered.get((part.level, unit_id, period_id))
                result.unit = unit
                results.append(result)
    return results


def not_applicable_text(part: IndicatorPart, period: Period) -> str:
    """Why a part is not judged in a period: "không còn cấp huyện từ 01/7/2025"."""
    label = str(part.level_label or LEVEL_WORDS_VI.get(part.level, ""))
    level = label[:1].lower() + label[1:]
    if part.valid_to is not None and period.end_date > part.valid_to:
        day = part.valid_to + datetime.timedelta(days=1)
        return f"không còn {level} từ {'/'.join(date_parts(day).values())}".replace("  ", " ")
    if part.valid_from is not None and period.end_date < part.valid_from:
        return f"áp dụng từ {'/'.join(date_parts(part.valid_from).values())}"
    return f"không còn {level} trong kỳ {period.id}".replace("  ", " ")


LEVEL_WORDS_VI = {1: "Cấp tỉnh", 2: "Cấp huyện", 3: "Cấp xã", 4: "Cấp thôn"}


def _not_applicable(
    part: IndicatorPart, unit: AdministrativeUnit, period_id: str, target: Target | None, basis: str
) -> Result:
    return Result(
        part=part,
        unit_id=unit.pk,
        period_id=period_id,
        numerator=None,
        denominator=None,
        value=None,
        target=target,
        achievement=None,
        status=Status.NOT_APPLICABLE,
        baseline_numerator=None,
        baseline_value=None,
        change_value=None,
        change_count=None,
        basis=basis,
        unit=unit,
    )


def _years(first: int, last: int) -> list[str]:
    return [str(year) for year in range(first, last + 1)]


@dataclass(frozen=True)
class _Computed:
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None


_NOTHING = _Computed(None, None, None)


def evaluate(part: IndicatorPart, figures: Figures | ValueLookup | None) -> _Computed:
    if not figures:
        return _NOTHING
    lookup = figures if isinstance(figures, ValueLookup) else ValueLookup.of_figures(figures)
    numerator = _parsed(part.numerator).evaluate(lookup)
    if not part.denominator:
        value = numerator * part.factor if numerator is not None else None
        return _Computed(numerator, None, value)
    denominator = _parsed(part.denominator).evaluate(lookup)
    if numerator is None or denominator is None or denominator == 0:
        return _Computed(numerator, denominator, None)
    return _Computed(numerator, denominator, numerator / denominator * part.factor)


def _result(
    part: IndicatorPart,
    unit_id: int,
    period_id: str,
    figures: _Figures,
    target: Target | None,
    resolution: Resolution,
    stocks: set[str],
) -> Result:
    if part.accumulation == IndicatorPart.Accumulation.TERM:
        # A total since the start of the term, for a period that has figures of its own.
        years = _years(resolution.term_start, int(period_id[:4]))
        own = figures.of(part.level, unit_id, period_id)
        current = evaluate(part, figures.over(part.level, unit_id, years, stocks) if own else None)
    else:
        current = evaluate(part, figures.lookup(part.level, unit_id, period_id))
    achievement, status = judge(part.target_kind, current.value, target)
    baseline = _NOTHING
    if part.baseline_period_id:
        baseline = evaluate(part, figures.lookup(part.level, unit_id, part.baseline_period_id))
    return Result(
        part=part,
        unit_id=unit_id,
        period_id=period_id,
        numerator=current.numerator,
        denominator=current.denominator,
        value=current.value,
        target=target,
        achievement=achievement,
        status=status,
        baseline_numerator=baseline.numerator,
        baseline_value=baseline.value,
        change_value=(current.value - baseline.value)
        if current.value is not None and baseline.value is not None
        else None,
        change_count=(current.numerator - baseline.numerator)
        if current.numerator is not None and baseline.numerator is not None
        else None,
    )


def _data_sets(codes: set[str]) -> list[DataSet]:
    return list(
        DataSet.objects.filter(sections__items__element__code__in=codes)
        .distinct()
        .prefetch_related("organization_types")
    )


def coverage_read(
    units: Sequence[AdministrativeUnit],
    levels: set[int],
    period_ids: set[str],
    data_sets: Sequence[DataSet],
) -> dict[tuple[int, int, str], Coverage]:
    """For each level, unit and period: the reporting units at that level under the unit
    (the unit itself, at its own level) and how far their forms of `data_sets` have got.
    A unit counts as submitted (approved) when every form it is expected to fill is; as
    entered when it holds any figure of those forms."""
    found: dict[tuple[int, int, str], Coverage] = {}
    if not units or not data_sets or not levels:
        return found
    reporters, positions = coverage_reporters(units, levels)
    roots = {key: units[n] for key, n in positions.items()}
    versions = {pk: version_id for pk, (_path, _level, version_id) in reporters.items()}
    reporting = {pk: (path, level) for pk, (path, level, _version) in reporters.items()}
    if not reporting:
        return found
    counts = _form_counts(
        {pk: level for pk, (_path, level) in reporting.items()}, period_ids, data_sets
    )
    entered = _holding(sorted({unit_id for unit_id, _period in counts}), period_ids, data_sets)
    for period_id in period_ids:
        for level in levels:
            for root in units:
                if root.level <= level:
                    found[(level, root.id, period_id)] = Coverage(level)
    for (unit_id, period_id), (n_forms, n_sent, n_approved) in counts.items():
        path, level = reporting[unit_id]
        has_values = (unit_id, period_id) in entered
        for prefix in _prefixes(path):
            holder = roots.get((versions[unit_id], prefix))
            if holder is None:
                continue
            row = found[(level, holder.pk, period_id)]
            row.units_expected += 1
            row.units_entered += int(has_values)
            row.units_submitted += int(n_sent == n_forms)
            row.units_approved += int(n_approved == n_forms)
            row.forms_expected += n_forms
            row.forms_submitted += n_sent
            row.forms_approved += n_approved
    return found


def reporters_query(
    units: Sequence[AdministrativeUnit], levels: set[int]
) -> QuerySet[AdministrativeUnit]:
    """The reporting units at `levels` under `units`, as a query."""
    reporters = AdministrativeUnit.objects.filter(
        version_id__in={u.version_id for u in units}, level__in=sorted(levels)
    )
    # Only the outermost roots bound the reporters: a province's units are all under the
    # province. Many of them (a ranking of communes) are bounded by their common path
    # prefix instead; without a bound, every reporting unit and value of the country was
    # read once per resolution (benchmarks/README.md, national read).
    outermost: list[str] = []
    for prefix in sorted({u.path for u in units}):
        if not outermost or not prefix.startswith(outermost[-1]):
            outermost.append(prefix)
    if len(outermost) >= 50:
        shared: list[str] = []
        for segments in zip(*(p.strip("/").split("/") for p in outermost), strict=False):
            if len(set(segments)) > 1:
                break
            shared.append(segments[0])
        outermost = ["/" + "/".join(shared) + "/"] if shared else []
    if outermost:
        query = Q()
        for prefix in outermost:
            query |= Q(path__startswith=prefix)
        reporters = reporters.filter(query)
    return reporters.order_by()


def coverage_reporters(
    units: Sequence[AdministrativeUnit], levels: set[int]
) -> tuple[dict[int, tuple[str, int, int]], dict[tuple[int, str], int]]:
    """The reporting units at `levels` under `units` (id → path, level, version) and the
    position in `units` of each (version, path) asked for."""
    # Paths repeat across hierarchy versions (/92/ is the old and the new Cần Thơ).
    roots = {(u.version_id, u.path): n for n, u in enumerate(units)}
    rows = reporters_query(units, levels).values_list("pk", "path", "level", "version_id")
    return {pk: (path, level, version) for pk, path, level, version in rows}, roots


def form_counts_query(
    reporting: dict[int, int], period_ids: Sequence[str], data_sets: Sequence[DataSet]
) -> tuple[str, list[Any]] | None:
    """The query counting, for each reporting unit (id → level) and period (columns
    `unit_id`, `period_ix`: its position in `period_ids`), the forms of `data_sets` it is
    expected to fill (`forms`: one per territorial body of an allowed type, or one for the
    unit), how many are submitted or approved (`sent`), how many approved (`approved`);
    units expected to fill none are left out; None when no unit is expected to.
    Counted in the database: reading every body and form of the country's communes into
    Python took most of a national ranking's coverage (benchmarks/README.md). Each form's
    state is a probe of the form index (a subquery in the select list): joined, the
    planner hashed every form of the period for a province's few hundred bodies."""
    branches: list[str] = []
    params: list[Any] = []
    # The periods asked for, whether or not a period row exists yet (it is made with the
    # first figure): a unit is expected before it has entered anything.
    period_params = list(period_ids)
    periods = " UNION ALL ".join(f"SELECT %s AS id, {n} AS ix" for n in range(len(period_params)))
    for data_set in data_sets:
        at_levels = [pk for pk, level in reporting.items() if level in data_set.levels]
        if not at_levels:
            continue
        units_sql, units_params = _among_sql(
            "o.unit_id" if data_set.reported_by_organizations else "u.id", at_levels
        )
        # Thousands of units (a national ranking) join their forms: probed one by one,
        # the sixty thousand bodies of the country's communes took 0,4 s.
        joined = len(at_levels) > _FEW
        if data_set.reported_by_organizations:
            allowed = sorted(t.pk for t in data_set.organization_types.all())
            types = f"AND o.type_id IN ({', '.join(['%s'] * len(allowed))})" if allowed else ""
            if joined:
                branches.append(f"""
                SELECT o.unit_id AS unit_id, p.ix AS period_ix, s.status AS status
                FROM organizations_organization o CROSS JOIN ({periods}) p
                LEFT JOIN datasets_submission s ON s.data_set_id = %s
                  AND s.unit_id = o.unit_id AND s.organization_id = o.id AND s.period_id = p.id
                WHERE o.kind = %s AND {units_sql} {types}
                """)
            else:
                branches.append(f"""
                SELECT o.unit_id AS unit_id, p.ix AS period_ix, (
                  SELECT s.status FROM datasets_submission s WHERE s.data_set_id = %s
                    AND s.unit_id = o.unit_id AND s.organization_id = o.id AND s.period_id = p.id
                ) AS status
                FROM organizations_organization o CROSS JOIN ({periods}) p
                WHERE o.kind = %s AND {units_sql} {types}
                """)
            form_params = [*period_params, data_set.pk] if joined else [data_set.pk, *period_params]
            params += [*form_params, Organization.Kind.TERRITORIAL]
            params += [*units_params, *allowed]
        else:
            if joined:
                branches.append(f"""
                SELECT u.id AS unit_id, p.ix AS period_ix, s.status AS status
                FROM geography_administrativeunit u CROSS JOIN ({periods}) p
                LEFT JOIN datasets_submission s ON s.data_set_id = %s
                  AND s.unit_id = u.id AND s.organization_id IS NULL AND s.period_id = p.id
                WHERE {units_sql}
                """)
            else:
                branches.append(f"""
                SELECT u.id AS unit_id, p.ix AS period_ix, (
                  SELECT s.status FROM datasets_submission s WHERE s.data_set_id = %s
                    AND s.unit_id = u.id AND s.organization_id IS NULL AND s.period_id = p.id
                ) AS status
                FROM geography_administrativeunit u CROSS JOIN ({periods}) p
                WHERE {units_sql}
                """)
            form_params = [*period_params, data_set.pk] if joined else [data_set.pk, *period_params]
            params += [*form_params, *units_params]
    if not branches:
        return None
    # Each branch fenced (an OFFSET), so that its probe is run once per form: pulled up
    # into the counting query, it was run again for each count that reads the state.
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    fenced = [f"SELECT * FROM ({branch} {fence}) b{n}" for n, branch in enumerate(branches)]
    sql = f"""
    SELECT f.unit_id AS unit_id, f.period_ix AS period_ix, COUNT(*) AS forms,
      SUM(CASE WHEN f.status IN (%s, %s) THEN 1 ELSE 0 END) AS sent,
      SUM(CASE WHEN f.status = %s THEN 1 ELSE 0 END) AS approved
    FROM ({" UNION ALL ".join(fenced)}) f
    GROUP BY f.unit_id, f.period_ix
    """
    statuses = [Submission.Status.SUBMITTED, Submission.Status.APPROVED]
    return sql, [*statuses, Submission.Status.APPROVED, *params]


def _form_counts(
    reporting: dict[int, int], period_ids: set[str], data_sets: Sequence[DataSet]
) -> dict[tuple[int, str], tuple[int, int, int]]:
    """`form_counts_query`'s counts by (unit, period)."""
    periods = sorted(period_ids)
    query = form_counts_query(reporting, periods, data_sets)
    if query is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return {
            (unit_id, periods[ix]): (int(forms), int(sent), int(approved))
            for unit_id, ix, forms, sent, approved in cursor.fetchall()
        }


def _holding(
    unit_ids: list[int], period_ids: set[str], data_sets: Sequence[DataSet]
) -> set[tuple[int, str]]:
    """(unit, period) pairs where the unit holds any figure of the data sets' forms: one
    probe per unit and period on the value index, which stops at the first figure.
    Reading every figure of the country's communes took 100 ms of a ranking; written as
    EXISTS, PostgreSQL turned the probe into a join over the whole period (4,6 s). A
    subquery in the select list stays a probe on both databases."""
    if not unit_ids or not period_ids or not data_sets:
        return set()
    units_sql, units_params = _among_sql("u.id", unit_ids)
    periods = ", ".join(["%s"] * len(period_ids))
    sets = ", ".join(["%s"] * len(data_sets))
    sql = f"""
    SELECT u.id, p.id, (
      SELECT 1 FROM datasets_datavalue dv
      WHERE dv.unit_id = u.id AND dv.period_id = p.id AND dv.element_id IN (
        SELECT de.element_id FROM datasets_datasetelement de
        JOIN datasets_datasetsection sec ON sec.id = de.section_id
        WHERE sec.data_set_id IN ({sets}))
      LIMIT 1)
    FROM geography_administrativeunit u CROSS JOIN datasets_period p
    WHERE {units_sql} AND p.id IN ({periods})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*[d.pk for d in data_sets], *units_params, *sorted(period_ids)])
        return {(unit_id, period_id) for unit_id, period_id, held in cursor.fetchall() if held}


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def latest_complete_period(
    resolution: Resolution,
    unit: AdministrativeUnit,
    basis: str | None = None,
    territory: Territory | None = None,
) -> tuple[str | None, bool]:
    """The latest yearly period whose figures the resolution deems complete at `unit`
    (every reporting unit at the deepest level of its parts counted in its basis), and
    whether it is complete; without one, the latest period holding figures."""
    basis = basis or resolution.basis
    parts = list(
        IndicatorPart.objects.filter(indicator__resolution=resolution, level__gte=unit.level)
    )
    periods = [p for p in periods_with_values()]
    if not parts or not periods:
        return None, False
    deepest = max(part.level for part in parts)
    codes = set().union(*(part_codes(part) for part in parts if part.level == deepest))
    covered = (
        _territory_coverage(territory, {deepest}, set(periods), _data_sets(codes))
        if territory is not None and territory.is_carried
        else coverage_read([unit], {deepest}, set(periods), _data_sets(codes))
    )
    with_figures = [
        p for p in periods if (c := covered.get((deepest, unit.pk, p))) and c.units_entered
    ]
    for period_id in reversed(with_figures):
        if covered[(deepest, unit.pk, period_id)].is_complete(basis):
            return period_id, True
    return (with_figures[-1] if with_figures else None), False
