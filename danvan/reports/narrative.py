"""The narrative sections of the review report: figures read from the data values of the
unit's subtree, worded from the wording file, with footnotes breaking totals down by level
or organization. What only the board can judge is left as a marked assessment paragraph.

Windows, as the seed report counts them: activity flows (supervisions, mediation, welfare,
members joining and leaving, inspections, dialogues) are summed over the years after the
baseline up to the report's period; dissemination is the year the resolution was issued;
cadre transfers run from the start of the term, as the engine's term totals in the annex.
Stocks (members, households) are the report period's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from danvan.datasets.models import DataElement, DataValue
from danvan.geography.models import AdministrativeUnit
from danvan.geography.territory import Territory, territory_of
from danvan.indicators.engine import Status
from danvan.indicators.models import IndicatorPart
from danvan.indicators.results import Result
from danvan.organizations.models import OrganizationType
from danvan.reports.exporter import (
    LEVEL_LABELS,
    NO_DATA,
    Block,
    FigureSource,
    Report,
    fmt_count,
    fmt_money,
    fmt_rate,
    lower_first,
    territory_filter,
)
from danvan.reports.wording import Wording

Kind = AdministrativeUnit.Kind
SCOPE_WORDS: dict[str, str] = {
    Kind.PROVINCE: "toàn tỉnh",
    Kind.CITY: "toàn thành phố",
    Kind.URBAN_DISTRICT: "toàn quận",
    Kind.RURAL_DISTRICT: "toàn huyện",
    Kind.TOWN: "toàn thị xã",
    Kind.COMMUNE: "toàn xã",
    Kind.WARD: "toàn phường",
    Kind.TOWNSHIP: "toàn thị trấn",
}
CODES = (
    "households",
    "dissemination_sessions",
    "dissemination_attendees",
    "dissemination_expected",
    "members",
    "members_informed",
    "members_new",
    "members_removed",
    "party_inspections",
    "surveys",
    "dialogues",
    "dialogue_attendees",
    "dialogue_opinions",
    "transfers_in",
    "transfers_in_leaders",
    "transfers_out",
    "transfers_out_leaders",
    "supervisions",
    "social_critiques",
    "contributions",
    "mediation_received",
    "mediation_mediated",
    "mediation_settled",
    "welfare_houses",
    "welfare_houses_value",
    "scholarships",
    "scholarships_value",
    "works",
    "members_out_of_poverty",
    "cadre_heads_party_standing",
    "cadre_heads_party_executive",
    "voters",
    "voters_voted",
)
SEATS = (("cadre_heads_party_standing", "standing"), ("cadre_heads_party_executive", "executive"))


class Figures:
    """Sums of data values under a unit, by element, level, organization type and year."""

    def __init__(self, area: Territory | None, years: Iterable[int]) -> None:
        self.values: dict[tuple[str, int, str | None, int], Decimal] = {}
        self.stocks: set[str] = set()
        if area is None:  # filled by the caller (a final report's snapshot)
            return
        rows = (
            DataValue.objects.filter(
                territory_filter(area, list(years)),
                element__code__in=CODES,
            )
            .values_list("element__code", "unit__level", "organization_type__code", "period_id")
            .annotate(total=Sum("value"))
            .order_by()
        )
        for code, level, option, period_id, total in rows:
            self.values[(code, level, option, int(period_id))] = Decimal(total)
        self.stocks = set(
            DataElement.objects.filter(
                code__in=CODES, aggregation=DataElement.Aggregation.LAST
            ).values_list("code", flat=True)
        )

    def total(
        self, code: str, years: range, *, level: int | None = None, option: str | None = None
    ) -> Decimal | None:
        """None when no figure was entered at all: a gap, not a zero."""
        if code in self.stocks:
            years = range(years.stop - 1, years.stop)
        found = [
            value
            for (c, lv, opt, year), value in self.values.items()
            if c == code
            and year in years
            and (level is None or lv == level)
            and (option is None or opt == option)
        ]
        return sum(found, Decimal(0)) if found else None

    def last_year(self, code: str, years: range) -> int | None:
        """The latest year of `years` with a figure of `code` (elections: not every year)."""
        found = [y for (c, _, _, y) in self.values if c == code and y in years]
        return max(found) if found else None

    def levels(self, code: str, years: range) -> list[int]:
        return sorted({lv for (c, lv, _, y) in self.values if c == code and y in years})

    def options(self, code: str, years: range) -> list[str]:
        return sorted({o for (c, _, o, y) in self.values if c == code and y in years and o})


def _rate(part: Decimal | None, whole: Decimal | None) -> str:
    if part is None or not whole:
        return NO_DATA
    return fmt_rate(part / whole * 100)


class _Writer:
    def __init__(self, report: Report, wording: Wording, common: dict[str, str]) -> None:
        self.report = report
        self.wording = wording
        self.common = common

    def heading(self, kind: str, key: str) -> None:
        self.report.body.append(Block(kind, self.wording(f"sections.{key}", **self.common)))

    def assessment(self, key: str) -> None:
        what = self.wording(f"assessments.{key}")
        text = self.wording(
            "document.assessment", reporting_body=self.report.profile.reporting_body, what=what
        )
        self.report.body.append(Block("assessment", text))

    def note(self, key: str, parts: list[str]) -> str:
        """A footnote from its parts; its reference marker, or '' when there is nothing."""
        if not parts:
            return ""
        number = len(self.report.footnotes) + 1
        self.report.footnotes[number] = self.wording(f"narrative.{key}", parts="; ".join(parts))
        return f"[[fn:{number}]]"

    def paragraph(
        self,
        key: str,
        topic: str,
        values: dict[str, str],
        notes: dict[str, tuple[str, list[str]]] | None = None,
    ) -> None:
        """The phrase, or "<topic>: chưa có số liệu." when a figure it needs is missing."""
        if any(value == NO_DATA for value in values.values()):
            text = self.wording("document.missing", topic=topic)
        else:
            markers = {name: self.note(*note) for name, note in (notes or {}).items()}
            text = self.wording(f"narrative.{key}", **values, **markers)
        self.report.body.append(Block("paragraph", text))


def narrative_build(
    report: Report,
    parts: list[IndicatorPart],
    current: dict[tuple[int, str], Result],
    wording: Wording,
    common: dict[str, str],
    source: FigureSource | None = None,
) -> None:
    source = source or FigureSource()
    unit, period = report.unit, report.period
    year = period.start_date.year
    resolution = report.resolution
    baseline_years = sorted(
        {int(p.baseline_period_id[:4]) for p in parts if p.baseline_period_id} or {year}
    )
    after_baseline = range(baseline_years[0] + 1, year + 1)
    issued = range(resolution.issued_on.year, resolution.issued_on.year + 1)
    term = range(resolution.term_start, year + 1)
    this_year = range(year, year + 1)
    area = report.territory or territory_of(resolution.scope_unit, unit)
    figures = source.narrative(area, range(min(resolution.term_start, issued.start), year + 1))
    names = dict(OrganizationType.objects.values_list("code", "short_name"))
    order = list(OrganizationType.objects.order_by("sort_order").values_list("code", flat=True))
    scope = SCOPE_WORDS.get(unit.kind, "toàn địa bàn")
    w = _Writer(report, wording, common)

    def count(code: str, years: range, **kw: str | int | None) -> str:
        return fmt_count(figures.total(code, years, **kw))  # type: ignore[arg-type]

    def by_level(code: str, years: range, key: str, **extra: str) -> list[str]:
        return [
            wording(
                f"narrative.{key}",
                level=LEVEL_LABELS.get(level, str(level)).lower(),
                count=count(code, years, level=level),
                **{name: count(other, years, level=level) for name, other in extra.items()},
            )
            for level in figures.levels(code, years)
        ]

    def nonzero(code: str, years: range, key: str) -> list[str]:
        """By level, leaving out the levels whose figures add up to nothing."""
        return [
            wording(
                f"narrative.{key}",
                level=LEVEL_LABELS.get(level, str(level)).lower(),
                count=count(code, years, level=level),
            )
            for level in figures.levels(code, years)
            if figures.total(code, years, level=level)
        ]

    # I. Situation
    w.heading("heading1", "situation")
    under = dict(
        AdministrativeUnit.objects.within(unit)
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    territory = {
        # Former is the territory of an older version; a unit presenting it is today's.
        "unit": f"{unit.name} (cũ)" if report.former and not area.is_carried else unit.name,
        "districts": fmt_count(under.get(2, 0)),
        "communes": fmt_count(under.get(3, 0)),
        "hamlets": fmt_count(under.get(4, 0)),
        "scope": scope,
        "households": count("households", this_year),
    }
    key = {1: "territory_province", 2: "territory_district"}.get(unit.level, "territory_commune")
    if area.is_carried and not area.took_over:
        # The former territory in the newer units: how many took it over, and since when.
        start = area.version.valid_from
        partly = (
            wording("narrative.territory_carried_partly", count=fmt_count(len(area.partly_outside)))
            if area.partly_outside
            else ""
        )
        territory.update(
            unit=lower_first(area.scope.name),
            scope="địa bàn này",
            communes=fmt_count(len(area.takers)),
            city=lower_first(area.unit.name),
            since=f"{start.day:02d}/{start.month}/{start.year}" if start else "",
            partly=partly,
        )
        key = "territory_carried"
    w.paragraph(key, "Đặc điểm địa bàn", territory)
    w.assessment("situation")

    # II. Results
    w.heading("heading1", "results")
    w.heading("heading2", "leadership")
    w.heading("heading3", "dissemination")
    informed_parts = [
        wording(
            "narrative.dissemination_part",
            organization=names.get(option, option),
            rate=_rate(
                figures.total("members_informed", issued, option=option),
                figures.total("members", issued, option=option),
            ),
        )
        for option in sorted(
            figures.options("members_informed", issued), key=lambda o: order.index(o)
        )
    ]
    w.paragraph(
        "dissemination",
        "Triển khai, quán triệt Nghị quyết",
        {
            "sessions": count("dissemination_sessions", issued),
            "attendees": count("dissemination_attendees", issued),
            "attendance_rate": _rate(
                figures.total("dissemination_attendees", issued),
                figures.total("dissemination_expected", issued),
            ),
            "informed_rate": _rate(
                figures.total("members_informed", issued), figures.total("members", issued)
            ),
        },
        notes={"fn": ("dissemination_note", informed_parts)},
    )
    w.heading("heading3", "inspection")
    w.paragraph(
        "inspection",
        "Kiểm tra, giám sát việc thực hiện Nghị quyết",
        {
            "first_year": str(after_baseline.start),
            "last_year": str(year),
            "resolution": resolution.number,
            "inspections": count("party_inspections", after_baseline),
            "surveys": count("surveys", after_baseline),
        },
        notes={
            "fn": (
                "inspection_note",
                _capitalised(
                    nonzero("surveys", after_baseline, "survey_part")
                    + nonzero("party_inspections", after_baseline, "inspection_part")
                ),
            )
        },
    )
    w.assessment("leadership")

    w.heading("heading2", "outcome")
    w.heading("heading3", "indicators")
    verdicts = report.verdicts
    judged = [v for v in verdicts if v.status != Status.NO_TARGET]
    summary = []
    for status, key in (
        (Status.EXCEEDED, "indicators_exceeded"),
        (Status.MET, "indicators_met"),
        (Status.NOT_MET, "indicators_not_met"),
        (Status.NO_DATA, "indicators_no_data"),
    ):
        numbers = [str(v.indicator.number) for v in judged if v.status == status]
        if numbers:
            summary.append(
                wording(
                    f"narrative.{key}",
                    count=fmt_count(len(numbers), pad=False),
                    total=fmt_count(len(judged), pad=False),
                    numbers=", ".join(numbers),
                )
            )
    not_met = [
        wording(
            "narrative.indicators_part",
            part=" ".join(
                t
                for t in (
                    f"chỉ tiêu số {part.indicator.number} –",
                    part.level_label,
                    part.name[:1].lower() + part.name[1:] if part.level_label else part.name,
                )
                if t
            ),
            value=fmt_rate(row.value, part.decimals),
            target=fmt_rate(row.target.value if row.target else None, part.decimals),
            noun=part.unit_of_measure,
        )
        if verdict.indicator.status_rule == verdict.indicator.StatusRule.TARGETS
        else wording(
            "narrative.indicators_part_baseline",
            part=f"chỉ tiêu số {part.indicator.number} – {lower_first(part.name)}",
            value=fmt_count(row.value),
            baseline=fmt_count(row.baseline_value),
            noun=part.count_noun or part.unit_of_measure,
        )
        for verdict in judged
        if verdict.status == Status.NOT_MET
        for part, status in verdict.deciding
        if status == Status.NOT_MET and (row := current.get((part.pk, period.id))) is not None
    ]
    w.paragraph(
        "indicators",
        "Kết quả thực hiện các chỉ tiêu",
        {
            "resolution": resolution.number,
            "summary": "; ".join(summary) if summary else NO_DATA,
        },
        notes={"fn": ("indicators_note", not_met)},
    )
    w.assessment("outcome")

    w.heading("heading3", "leadership_method")
    w.paragraph(
        "dialogues",
        "Gặp gỡ, đối thoại",
        {
            "dialogues": count("dialogues", after_baseline),
            "attendees": count("dialogue_attendees", after_baseline),
            "opinions": count("dialogue_opinions", after_baseline),
        },
        notes={
            "fn": (
                "dialogues_note",
                _capitalised(
                    [
                        line
                        for level, line in zip(
                            figures.levels("dialogues", after_baseline),
                            by_level(
                                "dialogues",
                                after_baseline,
                                "dialogues_part",
                                attendees="dialogue_attendees",
                                opinions="dialogue_opinions",
                            ),
                            strict=True,
                        )
                        if figures.total("dialogues", after_baseline, level=level)
                    ]
                ),
            )
        },
    )
    seat_parts = []
    for level in sorted({lv for code, _ in SEATS for lv in figures.levels(code, this_year)}):
        held = [
            wording(
                f"narrative.seat_{kind}",
                count=fmt_count(total),
                head=_head(wording, option, names),
            )
            for option in order
            for code, kind in SEATS
            if (total := figures.total(code, this_year, level=level, option=option))
        ]
        if held:
            label = LEVEL_LABELS.get(level, str(level))
            seat_parts.append(wording("narrative.seats_part", level=label, parts="; ".join(held)))
    w.paragraph(
        "seats",
        "Người đứng đầu MTTQ và các đoàn thể tham gia cấp ủy",
        {
            "standing": count("cadre_heads_party_standing", this_year),
            "executive": count("cadre_heads_party_executive", this_year),
        },
        notes={"fn": ("seats_note", seat_parts)},
    )
    _funds(w, source.funds(area, year), year, names)
    w.paragraph(
        "transfers",
        "Điều động cán bộ",
        {
            "transfers_in": count("transfers_in", term),
            "transfers_in_leaders": count("transfers_in_leaders", term),
            "transfers_out": count("transfers_out", term),
            "transfers_out_leaders": count("transfers_out_leaders", term),
        },
        notes={
            "fn": (
                "transfers_note",
                by_level(
                    "transfers_in",
                    term,
                    "transfers_part",
                    leaders="transfers_in_leaders",
                    out="transfers_out",
                    out_leaders="transfers_out_leaders",
                ),
            )
        },
    )

    w.heading("heading3", "activities")
    member_parts = [
        wording(
            "narrative.members_part",
            organization=names.get(option, option),
            count=count("members", this_year, option=option),
        )
        for option in sorted(figures.options("members", this_year), key=lambda o: order.index(o))
    ]
    w.paragraph(
        "members",
        "Phát triển đoàn viên, hội viên",
        {
            "members_new": count("members_new", after_baseline),
            "members_removed": count("members_removed", after_baseline),
            "members": count("members", this_year),
            "scope": scope,
        },
        notes={"fn": ("members_note", _capitalised(member_parts))},
    )
    w.paragraph(
        "welfare",
        "Chăm lo đời sống đoàn viên, hội viên",
        {
            "houses": count("welfare_houses", after_baseline),
            "houses_value": fmt_money(figures.total("welfare_houses_value", after_baseline)),
            "scholarships": count("scholarships", after_baseline),
            "scholarships_value": fmt_money(figures.total("scholarships_value", after_baseline)),
            "works": count("works", after_baseline),
            "out_of_poverty": count("members_out_of_poverty", after_baseline),
        },
        notes={
            "fn": (
                "welfare_note",
                _capitalised(by_level("welfare_houses", after_baseline, "welfare_part")),
            )
        },
    )
    w.paragraph(
        "contributions",
        "Góp ý xây dựng Đảng, chính quyền",
        {"contributions": count("contributions", after_baseline)},
    )
    election = figures.last_year("voters", range(term.start, year + 1))
    ballot = range(election, election + 1) if election else this_year
    w.paragraph(
        "turnout",
        "Vận động cử tri đi bầu cử",
        {
            "year": str(election or year),
            "turnout": _rate(
                figures.total("voters_voted", ballot), figures.total("voters", ballot)
            ),
            "voted": count("voters_voted", ballot),
            "voters": count("voters", ballot),
        },
    )
    received = figures.total("mediation_received", after_baseline)
    w.paragraph(
        "mediation",
        "Hòa giải ở cơ sở",
        {
            "scope": scope,
            "received": fmt_count(received),
            "mediated": count("mediation_mediated", after_baseline),
            "mediated_rate": _rate(figures.total("mediation_mediated", after_baseline), received),
            "settled": count("mediation_settled", after_baseline),
            "settled_rate": _rate(figures.total("mediation_settled", after_baseline), received),
        },
    )
    w.paragraph(
        "supervision",
        "Giám sát",
        {"supervisions": count("supervisions", after_baseline)},
        notes={
            "fn": (
                "supervision_note",
                _capitalised(by_level("supervisions", after_baseline, "supervision_part")),
            )
        },
    )
    w.paragraph(
        "critiques",
        "Phản biện xã hội",
        {"critiques": count("social_critiques", after_baseline)},
        notes={
            "fn": (
                "critiques_note",
                _capitalised(by_level("social_critiques", after_baseline, "critiques_part")),
            )
        },
    )

    # III and IV: the board's own judgement.
    w.heading("heading1", "assessment")
    for key in ("strengths", "weaknesses", "causes", "lessons"):
        w.heading("heading2", key)
        w.assessment(key)
    w.heading("heading1", "tasks")
    w.assessment("tasks")


def _head(wording: Wording, option: str, names: dict[str, str]) -> str:
    """'Chủ tịch MTTQ', 'Bí thư Đoàn thanh niên': the wording's title of the organization's
    head, or 'người đứng đầu <organization>' for one the wording does not name."""
    key = f"heads.{option}"
    if key in wording.phrases:
        return wording(key)
    return wording("heads.other", organization=names.get(option, option))


@dataclass(frozen=True)
class FundsBody:
    """A commune-level body's operating funds, with where it is."""

    value: Decimal
    unit_name: str
    district_name: str  # "" when the commune is directly under the province
    organization_type: str  # code, "" for the commune's own figure


def funds_read(area: Territory, year: int) -> tuple[FundsBody | None, FundsBody | None]:
    """The highest and the lowest operating funds of a commune-level body in the territory."""
    rows = DataValue.objects.filter(
        territory_filter(area, [year]),
        unit__level=AdministrativeUnit.Level.COMMUNE,
        element__code="operating_funds",
    ).select_related("unit__parent", "organization_type")

    def body(value: DataValue | None) -> FundsBody | None:
        if value is None:
            return None
        parent = value.unit.parent
        return FundsBody(
            value=value.value,
            unit_name=value.unit.name,
            district_name=parent.name if parent is not None and parent.level > 1 else "",
            organization_type=value.organization_type.code if value.organization_type else "",
        )

    return (
        body(rows.order_by("-value", "unit__path", "organization_type__sort_order").first()),
        body(rows.order_by("value", "unit__path", "organization_type__sort_order").first()),
    )


def _funds(
    w: _Writer,
    found: tuple[FundsBody | None, FundsBody | None],
    year: int,
    names: dict[str, str],
) -> None:
    """The highest and the lowest operating funds of a commune-level body, with its name."""
    highest, lowest = found

    def body(value: FundsBody | None) -> str:
        if value is None:
            return NO_DATA
        where = [lower_first(value.unit_name)]
        if value.district_name:
            where.append(value.district_name)
        who = names.get(value.organization_type, "") if value.organization_type else ""
        return " ".join(t for t in (who, ", ".join(where)) if t)

    w.paragraph(
        "funds",
        "Kinh phí hoạt động của MTTQ và các đoàn thể cấp xã",
        {
            "year": str(year),
            "highest": fmt_money(highest.value) if highest else NO_DATA,
            "highest_body": body(highest),
            "lowest": fmt_money(lowest.value) if lowest else NO_DATA,
            "lowest_body": body(lowest),
        },
    )


def _capitalised(parts: list[str]) -> list[str]:
    """The first part starts the note with a capital."""
    return [p[:1].upper() + p[1:] if i == 0 else p for i, p in enumerate(parts)]
