"""The review report as data: header, narrative sections with footnotes, the annex table,
the figures behind it and the charts. One exporter; the DOCX and XLSX writers render it.

Numbers: counts '1.234' (below ten with a leading zero, '05', as Party documents write
them, except inside a fraction); rates and achievements rounded half-up to the part's
decimals at display time, and printed without decimals only when the rounded value is
whole ('100%', '97,40%'). A missing figure is printed as "chưa có số liệu", never as 0.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, Sum

from danvan.datasets.models import DataElement, DataValue, Period
from danvan.datasets.queries import ValueLookup
from danvan.geography.models import AdministrativeUnit
from danvan.geography.territory import Territory, TerritoryError, territory_of
from danvan.indicators.engine import Status
from danvan.indicators.models import Indicator, IndicatorPart, Resolution, Target
from danvan.indicators.results import Result, not_applicable_text, results_read
from danvan.indicators.verdicts import PartFigures, Verdict, indicator_verdicts
from danvan.lib.expressions import expression_parse
from danvan.lib.numbers import format_vn_number
from danvan.lib.text import date_parts
from danvan.reports.models import ReportProfile
from danvan.reports.wording import Wording, wording_load

if TYPE_CHECKING:
    from danvan.reports.narrative import Figures, FundsBody

NO_DATA = "chưa có số liệu"
TargetKind = IndicatorPart.TargetKind
LEVEL_LABELS = {1: "Cấp tỉnh", 2: "Cấp huyện", 3: "Cấp xã"}


class ReportError(ValueError):
    """The report cannot be made: the message says what is missing."""


# --- numbers -----------------------------------------------------------------------------


def fmt_count(value: Decimal | int | None, *, pad: bool = True) -> str:
    if value is None:
        return NO_DATA
    number = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if pad and 0 < number < 10:
        return f"0{number}"
    return format_vn_number(number)


def fmt_rate(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return NO_DATA
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return format_vn_number(rounded.to_integral_value())
    return format_vn_number(rounded, places)


def fmt_money(value: Decimal | None) -> str:
    """140.512.000.000 → '140,51 tỷ đồng'; 2.800.000 → '2,8 triệu đồng'."""
    if value is None:
        return NO_DATA
    for size, word in ((Decimal(10) ** 9, "tỷ đồng"), (Decimal(10) ** 6, "triệu đồng")):
        if abs(value) >= size:
            amount = fmt_rate(value / size)
            if "," in amount:  # 2,80 → 2,8: money in millions is not a rate
                amount = amount.rstrip("0")
            return f"{amount} {word}"
    return f"{fmt_count(value, pad=False)} đồng"


def fmt_date(day: datetime.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def part_label(part: IndicatorPart) -> str:
    """'Chỉ tiêu 1 · Cấp xã · Về trình độ chính trị'"""
    return " · ".join(
        t for t in (f"Chỉ tiêu {part.indicator.number}", part.level_label, part.name) if t
    )


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- the report as data ------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # heading1, heading2, heading3, paragraph, assessment
    text: str  # footnote references as [[fn:N]]


@dataclass
class AnnexRow:
    number: str
    name: str
    before: list[str]
    result: list[str]
    comparison: list[str]
    parts: list[str]
    # The mid-term review's figures ("Sơ kết 5 năm (2021)"), for a ten-year review.
    midterm: list[str] = field(default_factory=list)
    # What the figures rest on, printed after the result ("Số liệu của 72/75 đơn vị …").
    coverage: list[str] = field(default_factory=list)


@dataclass
class FigureRow:
    """One indicator result of one unit, for the figures sheet."""

    indicator: int
    part: str
    part_name: str
    level_label: str
    unit_code: str
    unit_name: str
    unit_level: int
    period: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    target: Decimal | None
    target_upper: Decimal | None
    achievement: Decimal | None
    status: str
    coverage: str = ""  # "số liệu của 72/75 đơn vị cấp xã đã duyệt"


@dataclass
class Chart:
    title: str
    spec: dict[str, Any]


@dataclass
class Report:
    resolution: Resolution
    unit: AdministrativeUnit
    period: Period
    date: datetime.date
    date_is_default: bool
    former: bool
    profile: ReportProfile
    header: dict[str, str]
    title: str
    subject: str
    intro: str
    closing: str
    body: list[Block] = field(default_factory=list)
    footnotes: dict[int, str] = field(default_factory=dict)
    annex_title: list[str] = field(default_factory=list)
    annex_attached: str = ""
    annex_columns: list[str] = field(default_factory=list)
    annex: list[AnnexRow] = field(default_factory=list)
    figures: list[FigureRow] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    target_rule: str = Resolution.TargetRule.UPCOMING
    verdicts: list[Verdict] = field(default_factory=list)
    # What the figures cover: the resolution's territory, in the report unit's version.
    territory: Territory | None = None
    # A sentence on how the territory is presented in newer units (empty when it is not).
    territory_note: str = ""
    # The column of the mid-term review's figures between "before" and "result" (empty:
    # no such column).
    midterm_column: str = ""
    midterm: Period | None = None
    # Coverage printed once under the annex when every row rests on the same units.
    coverage_note: str = ""
    # A draft says "DỰ THẢO" on every page; a final report carries its snapshot's hash.
    final: bool = False
    snapshot_hash: str = ""

    @property
    def target_rule_label(self) -> str:
        return str(Resolution.TargetRule(self.target_rule).label)

    @property
    def filename_stem(self) -> str:
        return f"bao-cao-{self.resolution.slug}-{self.unit.code}-{self.period.id}"


# --- where the figures come from ------------------------------------------------------------


class FigureSource:
    """Every figure `report_build` reads goes through here, named by what it is for
    (`key`): read from the sums, or recorded into and replayed from a final report's
    snapshot (`reports/snapshots.py`)."""

    def results(self, key: str, resolution: Resolution, **options: Any) -> list[Result]:
        return results_read(resolution, **options)

    def details(
        self,
        parts: list[IndicatorPart],
        area: Territory,
        period: Period,
        term_start: int,
    ) -> dict[int, Decimal | None]:
        return _details(parts, area, period, term_start)

    def narrative(self, area: Territory, years: range) -> Figures:
        """The sums the narrative's sentences are written from."""
        from danvan.reports.narrative import Figures

        return Figures(area, years)

    def funds(self, area: Territory, year: int) -> tuple[FundsBody | None, FundsBody | None]:
        """The highest and lowest operating funds of a commune-level body."""
        from danvan.reports.narrative import funds_read

        return funds_read(area, year)


# --- choosing ----------------------------------------------------------------------------


def profile_for(unit: AdministrativeUnit, day: datetime.date) -> ReportProfile:
    """The profile valid on `day` closest to `unit` (its own, an ancestor's, or the general one)."""
    candidates = [
        profile
        for profile in ReportProfile.objects.select_related("scope_unit").filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )
        if profile.scope_unit is None
        or (
            profile.scope_unit.version_id == unit.version_id
            and unit.path.startswith(profile.scope_unit.path)
        )
    ]
    if not candidates:
        raise ReportError(
            f"Chưa có hồ sơ báo cáo (cơ quan ban hành, người ký, nơi nhận) có hiệu lực ngày "
            f"{fmt_date(day)}: thêm trong trang quản trị, mục “Hồ sơ báo cáo”."
        )
    return max(
        candidates,
        key=lambda p: (
            len(p.scope_unit.path) if p.scope_unit else 0,
            p.valid_from or datetime.date.min,
        ),
    )


def report_date_default(period: Period, today: datetime.date | None = None) -> datetime.date:
    """The end of the report period for a past period, otherwise today: a report on 2021
    is dated (and issued by whoever issued reports) at the end of 2021 unless the user
    says otherwise."""
    today = today or datetime.date.today()
    return period.end_date if period.end_date < today else today


def ceased_check(unit: AdministrativeUnit, period: Period) -> None:
    """Refuses a report on a unit that no longer existed in the period, naming the units
    that took over its territory."""
    if unit.valid_to is None or unit.valid_to >= period.start_date:
        return
    from danvan.geography.queries import units_holding_place_on

    successors = units_holding_place_on(unit, period.start_date)
    names = "; ".join(f"{u.name} (mã {u.code})" for u in successors) or "chưa có liên kết kế thừa"
    raise ReportError(
        f"{unit.name} chỉ tồn tại đến ngày {fmt_date(unit.valid_to)}, trước kỳ {period.id}: "
        f"hãy làm báo cáo cho đơn vị kế thừa: {names}."
    )


def parts_for(resolution: Resolution, unit: AdministrativeUnit) -> list[IndicatorPart]:
    """The parts a report of `unit` covers: those whose figures lie at its level or below."""
    return [
        part
        for part in IndicatorPart.objects.filter(indicator__resolution=resolution)
        .select_related("indicator", "baseline_period")
        .prefetch_related("targets")
        .order_by("indicator__number", "sort_order", "pk")
        if part.level >= unit.level
    ]


# --- building ----------------------------------------------------------------------------


def report_build(
    *,
    resolution: Resolution,
    unit: AdministrativeUnit,
    period: Period,
    baseline: Period | None = None,
    date: datetime.date | None = None,
    wording: Wording | None = None,
    charts: bool = True,
    number: str = "",
    target_rule: str | None = None,
    basis: str | None = None,
    review_kind: str | None = None,
    midterm: Period | None = None,
    source: FigureSource | None = None,
) -> Report:
    """The report of `unit` for `period` against each part's baseline (or `baseline`),
    each year judged against the target `target_rule` puts in force (default: the
    resolution's rule), on the figures `basis` counts (default: the resolution's —
    approved forms only, unless it says otherwise).

    The caller has checked the user's access to the resolution and the unit.
    Raises ReportError when the unit lies outside the resolution's territory, the
    period has no figures for it or the target rule does not exist.
    """
    from danvan.reports.narrative import narrative_build

    source = source or FigureSource()
    ceased_check(unit, period)
    try:
        area = territory_of(resolution.scope_unit, unit)
    except TerritoryError as error:
        raise ReportError(f"{unit} không thuộc địa bàn của {resolution}: {error}") from error
    wording = wording or wording_load()
    day = date or report_date_default(period)
    profile = profile_for(unit, day)
    # After the unit ceased (Hậu Giang after 30/6/2025), the report names it as former;
    # a report in the newer units names the resolution's territory as former too.
    former = area.is_carried or (unit.valid_to is not None and day > unit.valid_to)
    named = area.scope if area.is_carried else unit
    territory = wording("document.territory_former", unit=lower_first(named.name)) if former else ""
    if basis is not None:
        if basis not in Resolution.Basis.values:
            known = ", ".join(Resolution.Basis.values)
            raise ReportError(f"Không có cách tính số liệu {basis!r} (chọn: {known}).")
        resolution = copy.copy(resolution)
        resolution.basis = basis
    parts = parts_for(resolution, unit)
    for part in parts:
        part.indicator.resolution = resolution  # every read below counts the same figures
    if not parts:
        raise ReportError(f"{resolution} không có chỉ tiêu nào ở cấp của {unit}.")
    rule = target_rule or resolution.target_rule
    if rule not in Resolution.TargetRule.values:
        known = ", ".join(f"“{value}”" for value in Resolution.TargetRule.values)
        raise ReportError(f"Không có cách chọn chỉ tiêu “{rule}” (dùng được: {known}).")
    current = _results(source, "current", parts, area, [period.id], rule=rule)
    if all(
        (row := current.get((part.pk, period.id))) is None
        or row.status in (Status.NO_DATA, Status.NOT_APPLICABLE)
        for part in parts
    ):
        raise ReportError(
            f"Kỳ {period.id} chưa có số liệu của {unit} cho {resolution}: nhập và tính lại "
            f"chỉ tiêu trước khi làm báo cáo."
        )
    baselines = {part.pk: _baseline_id(part, baseline) for part in parts}
    before = _results(
        source, "before", parts, area, sorted({b for b in baselines.values() if b}), rule=rule
    )
    previous = _results(
        source, "previous", parts, area, [str(period.start_date.year - 1)], rule=rule
    )
    midterm = midterm if midterm is not None else _midterm_default(resolution, period, baseline)
    if midterm is not None and not (
        (baseline.end_date if baseline else datetime.date.min) < midterm.end_date < period.end_date
    ):
        raise ReportError(
            f"Kỳ sơ kết giữa chừng {midterm.id} phải nằm giữa kỳ gốc và kỳ báo cáo {period.id}."
        )
    middle = _results(source, "midterm", parts, area, [midterm.id], rule=rule) if midterm else {}
    years = period.start_date.year - resolution.issued_on.year
    review = _review_word(years, review_kind)
    common = {
        "review": review,
        "review_lower": lower_first(review),
        "resolution": resolution.number,
        "issued_on": fmt_date(resolution.issued_on),
        "issuing_body": resolution.issuing_body,
        "resolution_title": resolution.title,
        "reporting_body": profile.reporting_body,
        "years": fmt_count(max(years, 1)),
        "territory": f" {territory}" if territory else "",
    }
    symbol = profile.symbol_pattern.format(number=number or "\u00a0" * 6)
    report = Report(
        resolution=resolution,
        unit=unit,
        period=period,
        date=day,
        date_is_default=date is None,
        former=former,
        profile=profile,
        header={
            "parent_body": profile.parent_body,
            "issuer": profile.issuer,
            "symbol": symbol,
            "place_date": wording("document.place_date", place=profile.place, **date_parts(day)),
        },
        title=wording("document.title"),
        subject=wording("document.subject", **common),
        intro=wording("document.intro", **common),
        closing=wording("document.closing", **common),
        territory=area,
        territory_note=_territory_note(area, period),
    )
    # The resolution's own issuer, whoever issues the report.
    report.annex_title = wording(
        "annex.title", resolution=resolution.number, issuing_body=resolution.issuing_body.upper()
    ).split("\n")
    report.annex_attached = wording(
        "annex.attached",
        symbol=lower_first(symbol),
        date=fmt_date(day),
        reporting_body=profile.reporting_body,
    )
    report.annex_columns = wording.items("annex.columns")
    if midterm is not None:
        report.midterm = midterm
        report.midterm_column = wording(
            "annex.midterm_column",
            years=str(midterm.start_date.year - resolution.issued_on.year),
            year=midterm.id,
        )
    report.target_rule = rule
    report.verdicts = indicator_verdicts(
        PartFigures(
            part=part,
            value=row.value if (row := current.get((part.pk, period.id))) else None,
            baseline=then.value
            if (then := before.get((part.pk, baselines[part.pk] or "")))
            else None,
            status=row.status if row else Status.NO_DATA,
        )
        for part in parts
    )
    report.annex = _annex(
        parts,
        period,
        current,
        before,
        baselines,
        wording,
        report.missing,
        previous=previous,
        details=source.details(parts, area, period, resolution.term_start),
        verdicts={v.indicator.pk: v for v in report.verdicts},
        middle=(midterm, middle) if midterm else None,
    )
    report.coverage_note = _coverage_lines(report.annex, parts, current, period.id)
    report.figures = _figures(source, parts, area, period, baselines, rule)
    if charts:
        report.charts = _charts(source, parts, area, rule)
    narrative_build(report, parts, current, wording, common, source)
    return report


REVIEW_WORDS = {"so-ket": "Sơ kết", "tong-ket": "Tổng kết"}


def _review_word(years: int, kind: str | None) -> str:
    """'Sơ kết' (a review along the way) or 'Tổng kết' (the closing review); by default a
    review of ten years or more is a 'tổng kết'."""
    if kind is None:
        kind = "tong-ket" if years >= 10 else "so-ket"
    if kind not in REVIEW_WORDS:
        known = ", ".join(REVIEW_WORDS)
        raise ReportError(f"Không có loại báo cáo “{kind}” (dùng được: {known}).")
    return REVIEW_WORDS[kind]


def _midterm_default(
    resolution: Resolution, period: Period, baseline: Period | None
) -> Period | None:
    """A review of ten years or more shows the five-year review's year between the
    baseline and the result (06-NQ/TU, 2016–2026: 2021), when that period exists."""
    start = baseline.start_date.year if baseline else resolution.issued_on.year
    if period.start_date.year - start < 10:
        return None
    return Period.objects.filter(id=str(resolution.issued_on.year + 5)).first()


def _baseline_id(part: IndicatorPart, chosen: Period | None) -> str | None:
    if part.accumulation == IndicatorPart.Accumulation.TERM:
        return None  # a total since the start of the term has no "before"
    if chosen is not None:
        return chosen.id
    return part.baseline_period_id


def _territory_note(area: Territory, period: Period) -> str:
    """How the report presents a former territory in the newer units, in words."""
    if not area.is_carried:
        return ""
    start = area.version.valid_from
    since = fmt_date(start) if start else ""
    if area.whole:
        before = f"của {area.scope.name} và các đơn vị trực thuộc khi đó"
    else:
        # Part of the territory: what came to the unit from the old units it took over.
        sources = ", ".join(f"{source.name} (cũ)" for source, _below in area._sources)
        before = f"chuyển về {area.unit.name} từ {sources} theo tỷ lệ tiếp nhận"
    if area.took_over:
        after = f"của {area.unit.name}, đơn vị tiếp nhận địa bàn {area.scope.name} (cũ)"
        if area.partly_outside:
            after += f" và cả địa bàn ngoài {area.scope.name} (cũ), được tính toàn bộ"
        return (
            f"Số liệu các năm trước ngày {since} là số liệu {before}; từ ngày {since} là số "
            f"liệu {after}."
        )
    note = (
        f"Số liệu các năm trước ngày {since} là số liệu {before}; từ ngày {since} là số liệu "
        f"của {fmt_count(len(area.takers))} đơn vị cấp xã của {area.unit.name} tiếp nhận "
        f"địa bàn {area.scope.name} (cũ)"
    )
    if area.partly_outside:
        names = ", ".join(u.name for u in area.partly_outside)
        note += (
            f", trong đó {fmt_count(len(area.partly_outside))} đơn vị tiếp nhận cả địa bàn "
            f"ngoài {area.scope.name} (cũ), được tính toàn bộ: {names}"
        )
    return note + "."


def _results(
    source: FigureSource,
    key: str,
    parts: list[IndicatorPart],
    area: Territory,
    period_ids: list[str],
    *,
    rule: str = Resolution.TargetRule.UPCOMING,
) -> dict[tuple[int, str], Result]:
    if not period_ids or not parts:
        return {}
    rows = source.results(
        key,
        parts[0].indicator.resolution,
        units=[area.unit],
        period_ids=period_ids,
        parts=parts,
        target_rule=rule,
        territory=area,
    )
    return {(row.part_id, row.period_id): row for row in rows}


def _details(
    parts: list[IndicatorPart], area: Territory, period: Period, term_start: int
) -> dict[int, Decimal | None]:
    """Each part's "of which" figure, from the figures of the units at the part's level
    in the territory, over the same years as the part (the term's, or the period's)."""
    wanted = [part for part in parts if part.detail_numerator]
    year = period.start_date.year
    found: dict[int, Decimal | None] = {}
    for part in wanted:
        expression = expression_parse(part.detail_numerator)
        codes = {ref.code for ref in expression.refs}
        years = [year]
        if part.accumulation == IndicatorPart.Accumulation.TERM:
            years = list(range(term_start, year + 1))
        stocks = set(
            DataElement.objects.filter(
                code__in=codes, aggregation=DataElement.Aggregation.LAST
            ).values_list("code", flat=True)
        )
        rows = (
            DataValue.objects.filter(
                territory_filter(area, years),
                unit__level=part.level,
                element__code__in=codes,
            )
            .values_list("element__code", "organization_type__code", "period_id")
            .annotate(total=Sum("value"))
            .order_by("period_id")
        )
        figures: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
        for code, option, _period_id, total in rows:
            if code in stocks:
                figures[(code, option)] = Decimal(total)
            else:
                figures[(code, option)] += Decimal(total)
        found[part.pk] = expression.evaluate(ValueLookup.of_figures(dict(figures)))
    return found


def territory_filter(area: Territory, years: list[int] | range) -> Q:
    """Data values of the territory in `years`: each year's values under the units that
    made the territory then (`Territory.subtrees`)."""
    ends = dict(Period.objects.filter(pk__in=[str(y) for y in years]).values_list("id", "end_date"))
    by_roots: dict[tuple[tuple[AdministrativeUnit, bool], ...], list[str]] = defaultdict(list)
    for period_id, end in ends.items():
        by_roots[tuple(area.subtrees(end))].append(period_id)
    found = Q(pk__in=[])
    for roots, period_ids in by_roots.items():
        where = Q(pk__in=[])
        for root, below in roots:
            where |= (
                Q(unit__version_id=root.version_id, unit__path__startswith=root.path)
                if below
                else Q(unit_id=root.pk)
            )
        found |= where & Q(period_id__in=period_ids)
    return found


# --- the annex ---------------------------------------------------------------------------


def _groups(parts: list[IndicatorPart]) -> list[list[IndicatorPart]]:
    """Rows of an indicator: a row per level label; unlabelled rates a row each,
    unlabelled counts together (as the seed's equipment row)."""
    groups: list[list[IndicatorPart]] = []
    keys: list[str] = []
    for part in parts:
        key = part.level_label or ("counts" if not part.is_rate else f"part:{part.code}")
        if keys and keys[-1] == key:
            groups[-1].append(part)
        else:
            groups.append([part])
            keys.append(key)
    return groups


def _change(wording: Wording, part: IndicatorPart, now: Result, then: Result) -> str | None:
    """Counts when the count moved the same way as the rate (or for plain counts);
    otherwise the rate's change in percentage points."""
    if now.value is None or then.value is None:
        return None
    points = now.value - then.value
    count = (
        now.numerator - then.numerator
        if now.numerator is not None and then.numerator is not None
        else None
    )
    if not part.is_rate:
        count = points
    noun = part.count_noun or part.unit_of_measure
    if count is not None and (not part.is_rate or (count > 0) == (points > 0)) and count != 0:
        key = "change.count_up" if count > 0 else "change.count_down"
        return wording(key, amount=fmt_count(abs(count)), noun=noun)
    if part.is_rate and points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) != 0:
        key = "change.points_up" if points > 0 else "change.points_down"
        return wording(key, amount=fmt_rate(abs(points), part.decimals))
    return wording("change.none")


def _rate_line(wording: Wording, part: IndicatorPart, row: Result | None, name: str) -> str:
    if row is None or row.value is None:
        return wording("annex.named", name=name, text=NO_DATA)
    return wording(
        "annex.rate",
        name=name,
        numerator=fmt_count(row.numerator, pad=False),
        denominator=fmt_count(row.denominator, pad=False),
        noun=part.count_noun,
        rate=fmt_rate(row.value, part.decimals),
    )


def _target_text(target: Target | None, decimals: int) -> str:
    if target is None:
        return ""
    if target.upper is not None:
        return f"{fmt_rate(target.value, decimals)} - {fmt_rate(target.upper, decimals)}"
    return fmt_rate(target.value, decimals)


def _annex(
    parts: list[IndicatorPart],
    period: Period,
    current: dict[tuple[int, str], Result],
    before: dict[tuple[int, str], Result],
    baselines: dict[int, str | None],
    wording: Wording,
    missing: list[str],
    *,
    previous: dict[tuple[int, str], Result],
    details: dict[int, Decimal | None],
    verdicts: dict[int, Verdict],
    middle: tuple[Period, dict[tuple[int, str], Result]] | None = None,
) -> list[AnnexRow]:
    by_indicator: dict[int, list[IndicatorPart]] = defaultdict(list)
    indicators: dict[int, Indicator] = {}
    for part in parts:
        by_indicator[part.indicator_id].append(part)
        indicators[part.indicator_id] = part.indicator
    rows: list[AnnexRow] = []
    year = period.start_date.year
    for indicator_id, indicator_parts in by_indicator.items():
        indicator = indicators[indicator_id]
        for group in _groups(indicator_parts):
            label = group[0].level_label
            totals_only = all(not p.is_rate and baselines[p.pk] is None for p in group)
            listed = len(group) > 1 or bool(label)
            before_lines: list[str] = []
            result_lines: list[str] = []
            compare_lines: list[str] = []
            middle_lines: list[str] = []
            if label and not totals_only:
                heading = wording("annex.level_heading", level_label=label)
                before_lines.append(heading)
                result_lines.append(heading)
                compare_lines.append(heading)
                middle_lines.append(heading)
            for part in group:
                now = current.get((part.pk, period.id))
                base_id = baselines[part.pk]
                then = before.get((part.pk, base_id)) if base_id else None
                noun = part.count_noun or part.unit_of_measure
                bullet = "- " if listed and not totals_only else ""
                # before
                if base_id is not None:
                    if part.is_rate:
                        text = _rate_line(wording, part, then, part.name)
                    elif then is None or then.value is None:
                        text = wording("annex.named", name=part.name, text=NO_DATA)
                    else:
                        text = wording(
                            "annex.count_before",
                            name_lower=lower_first(part.name),
                            value=fmt_count(then.value, pad=False),
                            noun=noun,
                        )
                    before_lines.append(f"{bullet}{text}.")
                if middle is not None:
                    bullet_text = _midterm_line(wording, part, middle, label)
                    middle_lines.append(f"{bullet}{bullet_text}.")
                # result
                if now is not None and now.status == Status.NOT_APPLICABLE:
                    text = wording(
                        "annex.named", name=part.name, text=not_applicable_text(part, period)
                    )
                elif now is None or now.value is None:
                    text = wording("annex.named", name=part.name, text=NO_DATA)
                    missing.append(f"{part_label(part)}: {NO_DATA} kỳ {period.id}")
                elif part.is_rate:
                    text = _rate_line(wording, part, now, part.name)
                elif base_id is None:
                    text = wording(
                        "annex.total",
                        level_label=label or part.name,
                        value=fmt_count(now.value),
                        noun=noun,
                    )
                else:
                    change = _change(wording, part, now, then) if then else None
                    text = wording(
                        "annex.count_result",
                        name_lower=lower_first(part.name),
                        value=fmt_count(now.value, pad=False),
                        noun=noun,
                        change=change or NO_DATA + " kỳ trước",
                    )
                if part.detail_numerator and now is not None and now.value is not None:
                    detail = details.get(part.pk)
                    text = wording(
                        "annex.of_which" if detail is not None else "annex.of_which_missing",
                        text=text,
                        value=fmt_count(detail),
                        label=part.detail_label,
                    )
                if part.show_previous_year:
                    text = _with_previous(wording, part, text, year - 1, previous)
                result_lines.append(f"{bullet}{text}.")
                # comparison
                if now is not None and now.status == Status.NOT_APPLICABLE:
                    text = not_applicable_text(part, period)
                    text = text if listed and not totals_only else text[:1].upper() + text[1:]
                elif now is None or now.value is None:
                    text = NO_DATA
                elif part.target_kind == TargetKind.NONE:
                    text = wording("annex.no_numeric_target")
                elif now.target is None:
                    text = wording("annex.target_missing", year=year)
                    missing.append(f"{part_label(part)}: chưa có chỉ tiêu cho năm {year}")
                else:
                    change = _change(wording, part, now, then) if then else None
                    achievement = fmt_rate(now.achievement, 2)
                    text = (
                        wording(
                            "annex.achievement_with_change", achievement=achievement, change=change
                        )
                        if change
                        else wording("annex.achievement", achievement=achievement)
                    )
                if listed and not totals_only:
                    text = "- " + wording("annex.named", name=part.name, text=text)
                if text not in compare_lines or part.target_kind != TargetKind.NONE:
                    compare_lines.append(f"{text}.")
            if all(p.target_kind == TargetKind.NONE for p in group):
                compare_lines = [f"{_qualitative(wording, indicator, verdicts)}."]
            rows.append(
                AnnexRow(
                    number=str(indicator.number),
                    name=indicator.name,
                    before=before_lines,
                    result=result_lines,
                    comparison=compare_lines,
                    parts=[p.code for p in group],
                    midterm=middle_lines if middle is not None else [],
                )
            )
    return rows


def _midterm_line(
    wording: Wording,
    part: IndicatorPart,
    middle: tuple[Period, dict[tuple[int, str], Result]],
    label: str,
) -> str:
    """One part's figure in the mid-term review's year, worded as the result column."""
    period, rows = middle
    row = rows.get((part.pk, period.id))
    if row is not None and row.status == Status.NOT_APPLICABLE:
        return wording("annex.named", name=part.name, text=not_applicable_text(part, period))
    if part.is_rate:
        return _rate_line(wording, part, row, part.name)
    if row is None or row.value is None:
        return wording("annex.named", name=part.name, text=NO_DATA)
    noun = part.count_noun or part.unit_of_measure
    if part.accumulation == IndicatorPart.Accumulation.TERM:
        return wording(
            "annex.total", level_label=label or part.name, value=fmt_count(row.value), noun=noun
        )
    return wording(
        "annex.count_before",
        name_lower=lower_first(part.name),
        value=fmt_count(row.value, pad=False),
        noun=noun,
    )


def _with_previous(
    wording: Wording,
    part: IndicatorPart,
    text: str,
    year: int,
    previous: dict[tuple[int, str], Result],
) -> str:
    """'…, năm 2020 là 373/375' — the year before the report's, as the seed prints it."""
    row = previous.get((part.pk, str(year)))
    if row is None or row.value is None:
        return wording("annex.previous", text=text, year=year, figure=NO_DATA)
    if part.is_rate:
        figure = f"{fmt_count(row.numerator, pad=False)}/{fmt_count(row.denominator, pad=False)}"
    else:
        figure = f"{fmt_count(row.value)} {part.count_noun or part.unit_of_measure}".strip()
    return wording("annex.previous", text=text, year=year, figure=figure)


def _qualitative(wording: Wording, indicator: Indicator, verdicts: dict[int, Verdict]) -> str:
    """The comparison of an indicator without a numeric target: its `met_text` when the
    figures meet its rule, "Chưa …" when they do not."""
    verdict = verdicts.get(indicator.pk)
    if not indicator.met_text or verdict is None:
        return wording("annex.no_numeric_target")
    if verdict.status in (Status.EXCEEDED, Status.MET):
        return indicator.met_text
    if verdict.status == Status.NOT_MET:
        return wording("annex.qualitative_not_met", text=lower_first(indicator.met_text))
    return NO_DATA


# --- figures and charts ------------------------------------------------------------------


def _coverage(row: Result | None) -> str:
    if row is None or row.coverage is None or not row.coverage.units_expected:
        return ""
    return row.coverage.text(row.basis)


def _coverage_lines(
    annex: list[AnnexRow],
    parts: list[IndicatorPart],
    current: dict[tuple[int, str], Result],
    period_id: str,
) -> str:
    """What each annex row's figures rest on ("số liệu của 72/75 đơn vị cấp xã đã
    duyệt"), printed after its result: once for the row when its parts share it, else
    one a part. When every row rests on the same units it is said once, under the table
    (returned), and not in the rows."""
    by_code = {part.code: part for part in parts}
    texts = {part.code: _coverage(current.get((part.pk, period_id))) for part in by_code.values()}
    said = set(texts.values())
    if len(said) == 1 and all(said):
        return f"({_capital(said.pop())})"
    for row in annex:
        shown = [texts.get(code, "") for code in row.parts]
        if not any(shown):
            continue
        if len(set(shown)) == 1:
            row.coverage = [f"({_capital(shown[0])})"]
        else:
            row.coverage = [
                f"({by_code[code].name}: {text})"
                for code, text in zip(row.parts, shown, strict=True)
                if text
            ]
    return ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _figures(
    source: FigureSource,
    parts: list[IndicatorPart],
    area: Territory,
    period: Period,
    baselines: dict[int, str | None],
    rule: str = Resolution.TargetRule.UPCOMING,
) -> list[FigureRow]:
    """Every unit's result behind the annex: the report period and the baselines, for the
    unit and every unit under it down to each part's level (for a territory in newer
    units: the territory, then each unit that took it over, with its carried history)."""
    period_ids = {period.id, *(b for b in baselines.values() if b)}
    by_pk = {part.pk: part for part in parts}
    labels = dict(Status.choices)
    deepest = max((p.level for p in parts), default=0)
    resolution = parts[0].indicator.resolution
    if area.is_carried:
        below = [
            u
            for taker in area.takers
            for u in AdministrativeUnit.objects.within(taker).filter(level__lte=deepest)
        ]
        units = [area.unit, *sorted(below, key=lambda u: u.path)]
        results = source.results(
            "figures",
            resolution,
            units=[area.unit],
            period_ids=sorted(period_ids),
            parts=parts,
            target_rule=rule,
            territory=area,
        ) + source.results(
            "figures_below",
            resolution,
            units=units[1:],
            period_ids=sorted(period_ids),
            parts=parts,
            target_rule=rule,
        )
    else:
        units = list(
            AdministrativeUnit.objects.within(area.unit).filter(level__lte=deepest).order_by("path")
        )
        results = source.results(
            "figures",
            resolution,
            units=units,
            period_ids=sorted(period_ids),
            parts=parts,
            target_rule=rule,
        )
    order = {u.pk: i for i, u in enumerate(units)}
    results.sort(
        key=lambda r: (r.part.indicator.number, r.part.sort_order, r.period_id, order[r.unit_id])
    )
    figures = []
    for r in results:
        part = by_pk[r.part_id]
        if r.period_id != period.id and r.period_id != baselines.get(r.part_id):
            continue
        figures.append(
            FigureRow(
                indicator=part.indicator.number,
                part=part.code,
                part_name=part.name,
                level_label=part.level_label,
                unit_code=r.unit.code if r.unit else "",
                unit_name=r.unit.name if r.unit else "",
                unit_level=r.unit.level if r.unit else 0,
                period=r.period_id,
                numerator=r.numerator,
                denominator=r.denominator,
                value=r.value,
                target=r.target.value if r.target else None,
                target_upper=r.target.upper if r.target else None,
                achievement=r.achievement,
                status=str(labels.get(r.status, r.status)),
                coverage=_coverage(r),
            )
        )
    return figures


def _charts(
    source: FigureSource,
    parts: list[IndicatorPart],
    area: Territory,
    rule: str = Resolution.TargetRule.UPCOMING,
) -> list[Chart]:
    from danvan.indicators.charts import progress_spec

    history: dict[int, list[Result]] = defaultdict(list)
    if parts:
        for row in source.results(
            "charts",
            parts[0].indicator.resolution,
            units=[area.unit],
            parts=parts,
            coverage=False,
            target_rule=rule,
            territory=area,
        ):
            if row.period_id.isdigit() and row.status not in (
                Status.NO_DATA,
                Status.NOT_APPLICABLE,
            ):
                history[row.part_id].append(row)
    charts = []
    for part in parts:
        rows = history.get(part.pk, [])
        if not any(r.value is not None for r in rows):
            continue
        target = rows[-1].target
        title = " – ".join(
            t for t in (f"{part.indicator.number}. {part.level_label}".strip(), part.name) if t
        )
        spec = progress_spec(
            title=title,
            points=[(r.period_id, r.value) for r in rows],
            target=(target.upper or target.value) if target else None,
            unit_of_measure=part.unit_of_measure or part.count_noun,
            width=300,
            height=140,
        )
        charts.append(Chart(title, spec))
    return charts
