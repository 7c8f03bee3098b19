"""Final reports: made only when every form is approved, from figures recorded in a
snapshot (canonical JSON, hashed with SHA-256), and regenerated later from that snapshot,
whatever has happened to the figures since.

The snapshot holds every figure `report_build` reads through its `FigureSource` (the
results of the annex, its baselines and previous year, the figures sheet, the charts,
the "of which" details), each result's coverage, and the approval state of every form
under the report's unit for the period. Canonical: keys sorted, no spaces, decimals as
their exact text, so the same figures always give the same bytes and the same hash.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from danvan.accounts.models import User
from danvan.datasets.models import Period, Submission
from danvan.geography.models import AdministrativeUnit
from danvan.geography.territory import Territory
from danvan.indicators.models import IndicatorPart, Resolution, Target
from danvan.indicators.results import Coverage, Result
from danvan.reports.exporter import FigureSource, Report, ReportError, report_build
from danvan.reports.gate import FormsNotApprovedError, Gate, approval_gate, report_data_sets
from danvan.reports.models import FinalReport
from danvan.reports.narrative import Figures, FundsBody
from danvan.reports.wording import Wording

FORMAT = 1


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _result_out(row: Result) -> dict[str, Any]:
    target = row.target
    return {
        "part": row.part.code,
        "unit": row.unit_id,
        "period": row.period_id,
        "numerator": _text(row.numerator),
        "denominator": _text(row.denominator),
        "value": _text(row.value),
        "target": None
        if target is None
        else {
            "year": target.year,
            "value": _text(target.value),
            "upper": _text(target.upper),
            "every_year": target.every_year,
        },
        "achievement": _text(row.achievement),
        "status": row.status,
        "baseline_numerator": _text(row.baseline_numerator),
        "baseline_value": _text(row.baseline_value),
        "change_value": _text(row.change_value),
        "change_count": _text(row.change_count),
        "basis": row.basis,
        "coverage": asdict(row.coverage) if row.coverage is not None else None,
        "estimated": row.estimated,
    }


def _result_in(
    data: dict[str, Any],
    parts: dict[str, IndicatorPart],
    units: dict[int, AdministrativeUnit],
) -> Result:
    part = parts[data["part"]]
    target = data["target"]
    return Result(
        part=part,
        unit_id=data["unit"],
        period_id=data["period"],
        numerator=_number(data["numerator"]),
        denominator=_number(data["denominator"]),
        value=_number(data["value"]),
        target=None
        if target is None
        else Target(
            part=part,
            year=target["year"],
            value=Decimal(target["value"]),
            upper=_number(target["upper"]),
            every_year=target["every_year"],
        ),
        achievement=_number(data["achievement"]),
        status=data["status"],
        baseline_numerator=_number(data["baseline_numerator"]),
        baseline_value=_number(data["baseline_value"]),
        change_value=_number(data["change_value"]),
        change_count=_number(data["change_count"]),
        basis=data["basis"],
        coverage=Coverage(**data["coverage"]) if data["coverage"] is not None else None,
        estimated=data["estimated"],
        unit=units.get(data["unit"]),
    )


def _funds_out(body: FundsBody | None) -> dict[str, Any] | None:
    if body is None:
        return None
    return {**asdict(body), "value": str(body.value)}


def _funds_in(data: dict[str, Any] | None) -> FundsBody | None:
    if data is None:
        return None
    return FundsBody(**{**data, "value": Decimal(data["value"])})


class Recorder(FigureSource):
    """Reads the figures as usual and keeps a copy of each."""

    def __init__(self) -> None:
        self.results_read: dict[str, list[dict[str, Any]]] = {}
        self.details_read: dict[str, str | None] = {}
        self.narrative_read: dict[str, Any] = {}

    def narrative(self, area: Territory, years: range) -> Figures:
        figures = super().narrative(area, years)
        self.narrative_read["values"] = sorted(
            (
                [code, level, option, year, str(value)]
                for (code, level, option, year), value in figures.values.items()
            ),
            key=lambda row: (row[0], row[1], row[2] or "", row[3]),
        )
        self.narrative_read["stocks"] = sorted(figures.stocks)
        return figures

    def funds(self, area: Territory, year: int) -> tuple[FundsBody | None, FundsBody | None]:
        found = super().funds(area, year)
        self.narrative_read["funds"] = [_funds_out(body) for body in found]
        return found

    def results(self, key: str, resolution: Resolution, **options: Any) -> list[Result]:
        rows = super().results(key, resolution, **options)
        self.results_read[key] = [_result_out(row) for row in rows]
        return rows

    def details(
        self,
        parts: list[IndicatorPart],
        area: Territory,
        period: Period,
        term_start: int,
    ) -> dict[int, Decimal | None]:
        found = super().details(parts, area, period, term_start)
        by_pk = {part.pk: part.code for part in parts}
        self.details_read = {by_pk[pk]: _text(value) for pk, value in found.items()}
        return found


class Replay(FigureSource):
    """The figures of a snapshot, never the database's."""

    def __init__(self, snapshot: dict[str, Any]) -> None:
        self.snapshot = snapshot

    def narrative(self, area: Territory, years: range) -> Figures:
        stored = self.snapshot["narrative"]
        figures = Figures(None, years)
        figures.values = {
            (code, level, option, year): Decimal(value)
            for code, level, option, year, value in stored["values"]
        }
        figures.stocks = set(stored["stocks"])
        return figures

    def funds(self, area: Territory, year: int) -> tuple[FundsBody | None, FundsBody | None]:
        highest, lowest = self.snapshot["narrative"]["funds"]
        return _funds_in(highest), _funds_in(lowest)

    def results(self, key: str, resolution: Resolution, **options: Any) -> list[Result]:
        stored = self.snapshot["results"].get(key)
        if stored is None:
            raise ReportError(f"Bản lưu số liệu không có phần “{key}”: không dựng lại được.")
        parts = {part.code: part for part in options["parts"]}
        units = {unit.pk: unit for unit in options["units"]}
        return [_result_in(data, parts, units) for data in stored]

    def details(
        self,
        parts: list[IndicatorPart],
        area: Territory,
        period: Period,
        term_start: int,
    ) -> dict[int, Decimal | None]:
        stored = self.snapshot["details"]
        return {part.pk: _number(stored[part.code]) for part in parts if part.code in stored}


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _approvals(
    unit: AdministrativeUnit, period: Period, parts: list[IndicatorPart]
) -> list[dict[str, Any]]:
    """Every form under the unit for the period, of the data sets the report reads."""
    forms = (
        Submission.objects.filter(
            period=period,
            data_set__in=report_data_sets(parts),
            unit__version_id=unit.version_id,
            unit__path__startswith=unit.path,
        )
        .select_related("data_set", "unit", "organization__type", "decided_by")
        .order_by("unit__path", "data_set__code", "organization__type__sort_order", "pk")
    )
    return [
        {
            "data_set": form.data_set.code,
            "unit": form.unit.code,
            "organization": form.organization.type.code if form.organization else None,
            "status": form.status,
            "decided_at": form.decided_at.isoformat() if form.decided_at else None,
            "decided_by": form.decided_by.username if form.decided_by else None,
        }
        for form in forms
    ]


def final_report_build(
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
) -> tuple[Report, str]:
    """The final report and its snapshot (not yet stored: `final_report_record`).

    Raises ReportError naming the units and forms when a form under `unit` for `period`
    is not approved, and for everything `report_build` refuses.
    """
    recorder = Recorder()
    report = report_build(
        resolution=resolution,
        unit=unit,
        period=period,
        baseline=baseline,
        date=date,
        wording=wording,
        charts=True,  # recorded whatever the format, so any format can be made again
        number=number,
        target_rule=target_rule,
        basis=basis,
        review_kind=review_kind,
        midterm=midterm,
        source=recorder,
    )
    if not charts:
        report.charts = []
    parts = _parts_of(report)
    gate: Gate = approval_gate(unit, period, parts)
    if not gate.is_closed:
        raise FormsNotApprovedError(gate.refusal())
    snapshot = canonical(
        {
            "format": FORMAT,
            "resolution": resolution.number,
            "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
            "period": period.id,
            "baseline": baseline.id if baseline else None,
            "date": report.date.isoformat(),
            "target_rule": report.target_rule,
            "basis": report.resolution.basis,
            "number": number,
            "review": review_kind,
            "midterm": report.midterm.id if report.midterm else None,
            "results": recorder.results_read,
            "details": recorder.details_read,
            "narrative": recorder.narrative_read,
            "forms": {"expected": gate.forms_expected, "approved": gate.forms_approved},
            "approvals": _approvals(unit, period, parts),
        }
    )
    report.final = True
    report.snapshot_hash = digest(snapshot)
    return report, snapshot


def _parts_of(report: Report) -> list[IndicatorPart]:
    codes = {code for row in report.annex for code in row.parts}
    return list(
        IndicatorPart.objects.filter(indicator__resolution=report.resolution, code__in=codes)
    )


@transaction.atomic
def final_report_record(
    *,
    actor: User | None,
    report: Report,
    snapshot: str,
    via: str,
    remote_address: str | None = None,
) -> FinalReport:
    """Stores the snapshot of a final report: the record of its issuance (who, when)."""
    if not report.final or digest(snapshot) != report.snapshot_hash:
        raise ReportError("Báo cáo này không phải bản chính thức vừa dựng từ bản lưu số liệu.")
    data = json.loads(snapshot)
    return FinalReport.objects.create(
        resolution_id=report.resolution.pk,
        unit=report.unit,
        period=report.period,
        baseline_id=data["baseline"],
        report_date=report.date,
        target_rule=report.target_rule,
        basis=data["basis"],
        number=data["number"],
        snapshot=snapshot,
        sha256=report.snapshot_hash,
        issued_by=actor,
        issued_via=via,
        remote_address=remote_address,
    )


def final_report_regenerate(
    final: FinalReport, *, charts: bool = True, wording: Wording | None = None
) -> Report:
    """The final report again, from its snapshot: the same figures whatever was entered,
    approved or reopened since. Raises ReportError when the stored snapshot no longer
    matches its hash."""
    if digest(final.snapshot) != final.sha256:
        raise ReportError(
            f"Bản lưu số liệu của báo cáo chính thức số {final.pk} không khớp mã SHA-256 "
            "đã in: không dựng lại được."
        )
    data = json.loads(final.snapshot)
    report = report_build(
        resolution=final.resolution,
        unit=final.unit,
        period=final.period,
        baseline=final.baseline,
        date=final.report_date,
        wording=wording,
        charts=charts and "charts" in data["results"],
        number=final.number,
        target_rule=final.target_rule,
        basis=final.basis,
        review_kind=data.get("review"),
        midterm=Period.objects.filter(id=data["midterm"]).first() if data.get("midterm") else None,
        source=Replay(data),
    )
    report.final = True
    report.snapshot_hash = final.sha256
    return report
