"""make_report --resolution 06-NQ/TU --unit 93 --period 2021 --format docx --output PATH

A draft ("DỰ THẢO") unless --final: then refused while a form is not approved, and the
report's snapshot is stored. --regenerate N makes final report N again from its snapshot.
"""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet
from django.http import Http404

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.models import Period
from danvan.geography.models import AdministrativeUnit
from danvan.geography.territory import territory_units
from danvan.indicators.models import Resolution
from danvan.reports.docx_writer import TemplateError
from danvan.reports.exporter import REVIEW_WORDS, Report, ReportError, fmt_date, report_build
from danvan.reports.files import FORMATS, PdfUnavailableError, report_render
from danvan.reports.models import FinalReport
from danvan.reports.queries import unit_lookup
from danvan.reports.snapshots import (
    final_report_build,
    final_report_record,
    final_report_regenerate,
)
from danvan.reports.wording import WordingError, wording_load


class Command(BaseCommand):
    help = "Make the review report of a resolution for a unit and a period (DOCX, XLSX or PDF)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--resolution", help="06-NQ/TU or 06-NQ-TU")
        parser.add_argument("--unit", help="GSO code (93) or name (Hậu Giang)")
        parser.add_argument("--period", help="2021")
        parser.add_argument(
            "--final",
            action="store_true",
            help="the final report: refused while a form under the unit for the period is "
            "not approved; its figures are stored with their SHA-256 (default: a draft)",
        )
        parser.add_argument(
            "--regenerate",
            type=int,
            metavar="N",
            help="make final report N again from its stored figures (ignores the choice "
            "of resolution, unit, period, date, rule and basis)",
        )
        parser.add_argument("--baseline", help="another baseline period than each indicator's")
        parser.add_argument("--format", choices=FORMATS, default="docx")
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument(
            "--date",
            help="date of the report, YYYY-MM-DD; it decides who issues the report "
            "(default: the end of the period for a past period, otherwise today)",
        )
        parser.add_argument(
            "--target-rule",
            choices=Resolution.TargetRule.values,
            help="which milestone a year is judged against (default: the resolution's rule)",
        )
        parser.add_argument(
            "--basis",
            choices=Resolution.Basis.values,
            help="which figures count: approved (forms approved), submitted, entered "
            "(everything entered, a working draft); default: the resolution's rule",
        )
        parser.add_argument(
            "--review",
            choices=sorted(REVIEW_WORDS),
            help="so-ket (a review along the way) or tong-ket (the closing review); "
            "default: tong-ket for ten years or more",
        )
        parser.add_argument(
            "--midterm",
            help="the mid-term review's period shown between the baseline and the result "
            "(default for a review of ten years or more: five years after the resolution)",
        )
        parser.add_argument("--number", default="", help="registered document number")
        parser.add_argument("--template", type=Path, help="a Word template (docxtpl)")
        parser.add_argument("--wording", type=Path, help="a wording file (YAML)")
        parser.add_argument("--no-charts", action="store_true")
        parser.add_argument("--user", help="make it as this user (their scope applies)")

    def handle(self, *args: Any, **options: Any) -> None:
        user: User | None = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']}.")
        if options["regenerate"] is not None:
            self._regenerate(options, user)
            return
        missing = [name for name in ("resolution", "unit", "period") if not options[name]]
        if missing:
            raise CommandError(
                "Thiếu " + ", ".join(f"--{name}" for name in missing) + " (hoặc --regenerate N)."
            )
        snapshot = ""
        try:
            resolution = self._resolution(options["resolution"], user)
            visible = access.units_visible_to(user) if user else AdministrativeUnit.objects.all()
            # The territory in its own units first, then in the newer units that took it
            # over (06-NQ/TU: Hậu Giang's units, then the new Cần Thơ and its communes).
            units = AdministrativeUnit.objects.filter(
                pk__in=territory_units(resolution.scope_unit)
            ).filter(pk__in=visible.values("pk"))
            period = self._period(options["period"])
            unit = _newest(units, options["unit"], resolution.scope_unit, period)
            baseline = self._period(options["baseline"]) if options["baseline"] else None
            midterm = self._period(options["midterm"]) if options["midterm"] else None
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else None
            chosen: dict[str, Any] = {
                "resolution": resolution,
                "unit": unit,
                "period": period,
                "baseline": baseline,
                "date": day,
                "wording": wording_load(options["wording"]),
                "charts": not options["no_charts"] and options["format"] != "xlsx",
                "number": options["number"],
                "target_rule": options["target_rule"],
                "basis": options["basis"],
                "review_kind": options["review"],
                "midterm": midterm,
            }
            if options["final"]:
                if user is not None and not access.can_issue_final_report(user, unit):
                    raise ReportError(
                        f"{user} không phát hành được báo cáo chính thức (chỉ chuyên viên "
                        "Ban hoặc quản trị viên không giới hạn theo tổ chức)."
                    )
                report, snapshot = final_report_build(**chosen)
            else:
                report = report_build(**chosen)
            rendered = report_render(report, options["format"], options["template"])
        except (ReportError, TemplateError, WordingError, PdfUnavailableError) as error:
            raise CommandError(str(error)) from error
        except ValueError as error:  # a date that is not one
            raise CommandError(str(error)) from error
        options["output"].write_bytes(rendered.content)
        if options["final"]:
            final = final_report_record(
                actor=user, report=report, snapshot=snapshot, via=FinalReport.Via.COMMAND
            )
            self.stdout.write(
                f"Báo cáo chính thức số {final.pk}: số liệu đã lưu, SHA-256 {final.sha256}"
            )
        else:
            self.stdout.write("Bản dự thảo (DỰ THẢO); báo cáo chính thức: --final")
        self._summary(report, options, len(rendered.content))

    def _summary(self, report: Report, options: dict[str, Any], size: int) -> None:
        for line in report.missing:
            self.stderr.write(f"Thiếu: {line}")
        why = ""
        if report.date_is_default:
            when = "cuối kỳ báo cáo" if report.date == report.period.end_date else "hôm nay"
            why = f" ({when}; đổi bằng --date)"
        self.stdout.write(
            f"Ngày báo cáo: {fmt_date(report.date)}{why}; cơ quan ban hành: {report.profile.issuer}"
        )
        self.stdout.write(f"Chỉ tiêu áp dụng: {report.target_rule_label}")
        self.stdout.write(f"{options['output']} ({size:,} bytes)")

    def _regenerate(self, options: dict[str, Any], user: User | None) -> None:
        final = (
            FinalReport.objects.select_related("resolution", "unit", "period", "baseline")
            .filter(pk=options["regenerate"])
            .first()
        )
        if final is None or (user is not None and not access.can_view_unit(user, final.unit)):
            raise CommandError(f"Không có báo cáo chính thức số {options['regenerate']}.")
        try:
            report = final_report_regenerate(
                final,
                charts=not options["no_charts"] and options["format"] != "xlsx",
                wording=wording_load(options["wording"]),
            )
            rendered = report_render(report, options["format"], options["template"])
        except (ReportError, TemplateError, WordingError, PdfUnavailableError) as error:
            raise CommandError(str(error)) from error
        options["output"].write_bytes(rendered.content)
        self.stdout.write(
            f"Báo cáo chính thức số {final.pk} dựng lại từ số liệu đã lưu (SHA-256 {final.sha256})"
        )
        self._summary(report, options, len(rendered.content))

    def _resolution(self, text: str, user: User | None) -> Resolution:
        if user is not None:
            try:
                return access.resolution_for_user(user, text)
            except Http404 as error:
                raise ReportError(
                    f"Không có nghị quyết {text} trong phạm vi của {user}."
                ) from error
        for resolution in Resolution.objects.select_related("scope_unit"):
            if text in (resolution.number, resolution.slug):
                return resolution
        raise ReportError(f"Không có nghị quyết {text}.")

    def _period(self, ident: str) -> Period:
        period = Period.objects.filter(id=ident.strip()).first()
        if period is None:
            raise ReportError(f"Kỳ {ident} chưa có số liệu nào.")
        return period


def _newest(
    units: QuerySet[AdministrativeUnit], text: str, scope: AdministrativeUnit, period: Period
) -> AdministrativeUnit:
    """The unit named `text`: in the resolution's own version first, unless that unit had
    ceased before `period` (then it is refused, naming its successors, if no other has
    that code or name); otherwise in the newest version that presents its territory (code
    92 is both the old and the new Cần Thơ: the old one for 2021, the new one for 2026)."""
    own = units.filter(version_id=scope.version_id)
    ceased: AdministrativeUnit | None = None
    try:
        found = unit_lookup(own, text)
    except ReportError:
        pass
    else:
        if found.valid_to is None or found.valid_to >= period.start_date:
            return found
        ceased = found
    for version_id in (
        units.exclude(version_id=scope.version_id)
        .order_by("-version__valid_from")
        .values_list("version_id", flat=True)
        .distinct()
    ):
        try:
            return unit_lookup(units.filter(version_id=version_id), text)
        except ReportError:
            continue
    return ceased or unit_lookup(own, text)
