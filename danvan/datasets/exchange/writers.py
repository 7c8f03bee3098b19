"""Figures out: one selection (`export_values`) and one writer per format.

Identifiers are codes: data element code, period id, the unit's GSO code (within the
hierarchy version of the unit) and the organization type code as category option combo
("default" for unit-level figures). Values are written in machine form (1234.5).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange.parsers import (
    CSV_COLUMNS,
    TEMPLATE_FIRST_DATA_ROW,
    TEMPLATE_MARKER,
    machine_number,
)
from danvan.datasets.models import DataSet, DataSetElement, DataValue, Period, Submission
from danvan.geography.models import AdministrativeUnit
from danvan.lib.spreadsheets import csv_text, formulas_neutralise
from danvan.organizations.models import Organization, OrganizationType

DEFAULT_OPTION = "default"
MAX_FORM_SHEETS = 200


@dataclass(frozen=True)
class Selection:
    """What to export: a data set's figures for a period at a unit (and its subtree)."""

    data_set: DataSet
    period: Period
    root: AdministrativeUnit
    children: bool = False

    def units(self, actor: User | None) -> Any:
        if not self.children:
            return AdministrativeUnit.objects.filter(pk=self.root.pk)
        base = (
            access.units_visible_to(actor)
            if actor is not None
            else AdministrativeUnit.objects.all()
        )
        return base.within(self.root)


@dataclass(frozen=True)
class ExportValue:
    element: str
    option: str
    unit: str
    period: str
    value: Decimal
    comment: str
    stored_by: str
    updated_at: datetime.datetime


@dataclass(frozen=True)
class ExportQuery:
    """DHIS2's dataValueSets export parameters: one or more data sets, periods (or a date
    span: the periods lying within it, or any period when only `last_updated` is given),
    units (each with its subtree when `children`), values changed since `last_updated`."""

    data_sets: tuple[DataSet, ...]
    roots: tuple[AdministrativeUnit, ...]
    periods: tuple[Period, ...] = ()
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    children: bool = False
    last_updated: datetime.datetime | None = None

    @classmethod
    def of(cls, selection: Selection) -> ExportQuery:
        return cls(
            (selection.data_set,),
            (selection.root,),
            (selection.period,),
            children=selection.children,
        )

    @property
    def selection(self) -> Selection | None:
        """The one (data set, period, unit) of the query, if it names exactly one."""
        if len(self.data_sets) == 1 and len(self.periods) == 1 and len(self.roots) == 1:
            return Selection(self.data_sets[0], self.periods[0], self.roots[0], self.children)
        return None


def export_values(actor: User | None, selection: Selection) -> Iterator[ExportValue]:
    """Values of the selection that `actor` may see (None: the system, everything).

    The caller has checked that `actor` may see `selection.root`.
    """
    return export_query_values(actor, ExportQuery.of(selection))


def export_query_values(actor: User | None, query: ExportQuery) -> Iterator[ExportValue]:
    """Values of the query that `actor` may see (None: the system, everything), each once
    however many of the query's units or data sets it falls under.

    The caller has checked that `actor` may see every root of the query.
    """
    unit_filter = Q()
    for root in query.roots:
        if query.children:
            unit_filter |= Q(version_id=root.version_id, path__startswith=root.path)
        else:
            unit_filter |= Q(pk=root.pk)
    base = access.units_visible_to(actor) if actor is not None else AdministrativeUnit.objects.all()
    units = base.filter(unit_filter) if query.roots else base.none()
    element_ids = DataSetElement.objects.filter(section__data_set__in=query.data_sets).values_list(
        "element_id", flat=True
    )
    rows = DataValue.objects.filter(element_id__in=element_ids, unit__in=units)
    if query.periods:
        rows = rows.filter(period__in=query.periods)
    elif query.start_date is not None and query.end_date is not None:
        rows = rows.filter(
            period__start_date__gte=query.start_date,
            period__end_date__lte=query.end_date,
            period__type__in={d.period_type for d in query.data_sets},
        )
    elif query.last_updated is None:
        return
    if query.last_updated is not None:
        rows = rows.filter(updated_at__gte=query.last_updated)
    listed = rows.order_by(
        "unit__path", "period__start_date", "period_id", "organization_type__sort_order",
        "element__code",
    ).values_list(
        "element__code", "organization_type__code", "unit__code", "value", "comment",
        "stored_by__username", "updated_at", "unit_id", "organization_type_id", "period_id",
    )  # fmt: skip
    allowed: set[tuple[int, int]] | None = None
    if actor is not None and not actor.is_superuser:
        allowed = set(
            access.organizations_visible_to(actor)
            .filter(unit__in=units)
            .values_list("unit_id", "type_id")
        )
    for (
        code, option, unit, value, comment, who, when, unit_id, option_id, period_id,
    ) in listed.iterator(chunk_size=5000):  # fmt: skip
        if allowed is not None and option_id is not None and (unit_id, option_id) not in allowed:
            continue
        yield ExportValue(
            code,
            option or DEFAULT_OPTION,
            unit,
            period_id,
            value,
            comment,
            who or "",
            when,
        )


def csv_chunks(values: Iterator[ExportValue]) -> Iterator[str]:
    """DHIS2 CSV, header first, a block of rows at a time (for streaming responses)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for count, item in enumerate(values, start=1):
        writer.writerow(
            [
                item.element,
                item.period,
                item.unit,
                item.option,
                "",
                machine_number(item.value),
                csv_text(item.stored_by),
                item.updated_at.isoformat(timespec="seconds"),
                csv_text(item.comment),
                "false",
                "false",
            ]
        )
        if count % 2000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def complete_date(selection: Selection) -> str:
    """The day the root's form was submitted, if it was (DHIS2's completeDate)."""
    submitted = (
        Submission.objects.filter(
            data_set=selection.data_set,
            period=selection.period,
            unit=selection.root,
            status__in=[Submission.Status.SUBMITTED, Submission.Status.APPROVED],
            submitted_at__isnull=False,
        )
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return submitted.date().isoformat() if submitted else ""


def json_chunks(values: Iterator[ExportValue], selection: Selection | ExportQuery) -> Iterator[str]:
    """A DHIS2 dataValueSets document, streamed. The document names the data set, period
    and unit only when the query has exactly one of each (each value names its own)."""
    if isinstance(selection, ExportQuery):
        query, single = selection, selection.selection
    else:
        query, single = ExportQuery.of(selection), selection
    head: dict[str, str] = {}
    if len(query.data_sets) == 1:
        head["dataSet"] = query.data_sets[0].code
    if len(query.periods) == 1:
        head["period"] = query.periods[0].id
    if len(query.roots) == 1:
        head["orgUnit"] = query.roots[0].code
    if single is not None:
        head["completeDate"] = complete_date(single)
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield opening + (', "dataValues": [' if head else '"dataValues": [')
    first = True
    parts: list[str] = []
    for item in values:
        parts.append(
            ("" if first else ",")
            + json.dumps(
                {
                    "dataElement": item.element,
                    "categoryOptionCombo": item.option,
                    "period": item.period,
                    "orgUnit": item.unit,
                    "value": machine_number(item.value),
                    "comment": item.comment,
                    "storedBy": item.stored_by,
                    "lastUpdated": item.updated_at.isoformat(timespec="seconds"),
                },
                ensure_ascii=False,
            )
        )
        first = False
        if len(parts) >= 1000:
            yield "\n".join(parts)
            parts = []
    parts.append("]}")
    yield "\n".join(parts)


# --- XLSX templates --------------------------------------------------------------------------


def _sheet_title(text: str, used: set[str]) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()[:28] or "Sheet"
    title, number = cleaned, 2
    while title.lower() in used:
        title = f"{cleaned[:25]} ({number})"
        number += 1
    used.add(title.lower())
    return title


def workbook_write(actor: User | None, selection: Selection, layout: str = "units") -> bytes:
    """An .xlsx to fill in and upload back: headers in Vietnamese, codes in hidden rows,
    every cell locked except the figures, numbers validated.

    `layout` "units": one row per unit (a sheet per organization type); "form": one sheet
    per form (organization or unit), one row per figure.
    """
    from openpyxl import Workbook

    with translation.override("vi"):
        workbook = Workbook()
        workbook.remove(workbook.active)
        writer = _TemplateWriter(workbook, actor, selection)
        if layout == "form":
            writer.form_sheets()
        else:
            writer.unit_sheets()
        if not workbook.sheetnames:
            sheet = workbook.create_sheet(_sheet_title(_("Nothing to fill"), set()))
            sheet["A1"] = _("No form of this data set is reported at the chosen unit.")
        stream = io.BytesIO()
        formulas_neutralise(workbook)
        workbook.save(stream)
    return stream.getvalue()


class _TemplateWriter:
    def __init__(self, workbook: Any, actor: User | None, selection: Selection) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill, Protection

        self.workbook = workbook
        self.actor = actor
        self.selection = selection
        self.used_titles: set[str] = set()
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=13)
        self.header_fill = PatternFill("solid", fgColor="DDE7F0")
        self.closed_fill = PatternFill("solid", fgColor="EEEEEE")
        self.input_fill = PatternFill("solid", fgColor="FFFDE7")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.unlocked = Protection(locked=False)
        data_set = selection.data_set
        self.items = list(
            DataSetElement.objects.filter(section__data_set=data_set)
            .select_related("element", "section")
            .prefetch_related("element__organization_types")
            .order_by("section__sort_order", "sort_order")
        )
        self.values = {
            (v.element, v.option, v.unit): v.value for v in export_values(actor, selection)
        }
        units = selection.units(actor).filter(level__in=data_set.levels).order_by("path")
        self.units = list(units)
        organizations = (
            access.organizations_visible_to(actor)
            if actor is not None
            else Organization.objects.all()
        )
        self.organizations = list(
            organizations.filter(
                unit__in=self.units, kind=Organization.Kind.TERRITORIAL
            ).select_related("type", "unit")
        )
        allowed_types = set(data_set.organization_types.values_list("pk", flat=True))
        if allowed_types:
            self.organizations = [o for o in self.organizations if o.type_id in allowed_types]

    def _meta(self, sheet: Any, layout: str, option: str, unit_code: str = "") -> None:
        selection = self.selection
        sheet.append(
            [
                TEMPLATE_MARKER,
                layout,
                selection.data_set.code,
                selection.period.id,
                option,
                unit_code,
            ]
        )
        sheet.row_dimensions[1].hidden = True

    def _title(self, sheet: Any, text: str) -> None:
        sheet.append([text])
        sheet.cell(row=3, column=1).font = self.title_font

    def _validation(self, sheet: Any, whole: bool) -> Any:
        from openpyxl.worksheet.datavalidation import DataValidation

        validation = DataValidation(
            type="whole" if whole else "decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not a valid figure"),
            error=_("Enter a whole number, 0 or more.")
            if whole
            else _("Enter a number, 0 or more."),
        )
        sheet.add_data_validation(validation)
        return validation

    def _input(self, cell: Any, value: Decimal | None, validation: Any) -> None:
        if value is not None:
            cell.value = int(value) if value == value.to_integral_value() else value
        cell.protection = self.unlocked
        cell.fill = self.input_fill
        cell.number_format = "#,##0" if validation.type == "whole" else "#,##0.####"
        validation.add(cell)

    def _protect(self, sheet: Any) -> None:
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False

    def _applies(self, item: DataSetElement, unit: AdministrativeUnit) -> bool:
        return not item.levels or unit.level in item.levels

    def _elements_for(self, option: OrganizationType | None) -> list[DataSetElement]:
        chosen = []
        for item in self.items:
            element = item.element
            if option is None:
                if not element.disaggregated_by_organization:
                    chosen.append(item)
                continue
            if not element.disaggregated_by_organization:
                continue
            allowed = {t.pk for t in element.organization_types.all()}
            if not allowed or option.pk in allowed:
                chosen.append(item)
        return chosen

    def unit_sheets(self) -> None:
        data_set = self.selection.data_set
        if data_set.reported_by_organizations:
            types: dict[int, OrganizationType] = {}
            for organization in self.organizations:
                types.setdefault(organization.type_id, organization.type)
            for option in sorted(types.values(), key=lambda t: t.sort_order):
                units = [o.unit for o in self.organizations if o.type_id == option.pk]
                self._unit_sheet(option, units)
        else:
            self._unit_sheet(None, self.units)

    def _unit_sheet(self, option: OrganizationType | None, units: list[AdministrativeUnit]) -> None:
        from openpyxl.utils import get_column_letter

        items = [i for i in self._elements_for(option) if any(self._applies(i, u) for u in units)]
        if not items or not units:
            return
        label = option.short_name if option is not None else _("Unit figures")
        sheet = self.workbook.create_sheet(_sheet_title(label, self.used_titles))
        option_code = option.code if option is not None else DEFAULT_OPTION
        self._meta(sheet, "units", option_code)
        sheet.append(["orgUnit", "name", *[i.element.code for i in items]])
        sheet.row_dimensions[2].hidden = True
        self._title(
            sheet,
            f"{self.selection.data_set.name} — {self.selection.period} — {label}",
        )
        sheet.append([_("GSO code"), _("Unit"), *[i.element.name for i in items]])
        for cell in sheet[4]:
            cell.font = self.bold
            cell.fill = self.header_fill
            cell.alignment = self.wrap
        sheet.row_dimensions[4].height = 60
        whole = self._validation(sheet, True)
        decimal = self._validation(sheet, False)
        for row_number, unit in enumerate(units, start=TEMPLATE_FIRST_DATA_ROW):
            sheet.cell(row=row_number, column=1, value=unit.code)
            sheet.cell(row=row_number, column=2, value=unit.name)
            for column, item in enumerate(items, start=3):
                cell = sheet.cell(row=row_number, column=column)
                if not self._applies(item, unit):
                    cell.fill = self.closed_fill
                    continue
                value = self.values.get((item.element.code, option_code, unit.code))
                self._input(cell, value, whole if item.element.is_whole else decimal)
        sheet.column_dimensions["A"].width = 12
        sheet.column_dimensions["B"].width = 28
        for column in range(3, len(items) + 3):
            sheet.column_dimensions[get_column_letter(column)].width = 16
        sheet.freeze_panes = sheet.cell(row=TEMPLATE_FIRST_DATA_ROW, column=3)
        self._protect(sheet)

    def form_sheets(self) -> None:
        data_set = self.selection.data_set
        forms: list[tuple[AdministrativeUnit, OrganizationType | None, str]] = []
        if data_set.reported_by_organizations:
            for organization in sorted(
                self.organizations, key=lambda o: (o.unit.path, o.type.sort_order)
            ):
                forms.append((organization.unit, organization.type, organization.name))
        else:
            forms = [(unit, None, unit.name) for unit in self.units]
        for unit, option, name in forms[:MAX_FORM_SHEETS]:
            self._form_sheet(unit, option, name)

    def _form_sheet(
        self, unit: AdministrativeUnit, option: OrganizationType | None, name: str
    ) -> None:
        items = [i for i in self._elements_for(option) if self._applies(i, unit)]
        if not items:
            return
        label = f"{option.short_name} {unit.name}" if option is not None else unit.name
        sheet = self.workbook.create_sheet(_sheet_title(label, self.used_titles))
        option_code = option.code if option is not None else DEFAULT_OPTION
        self._meta(sheet, "form", option_code, unit.code)
        sheet.append(["dataElement", "name", "uom", "value"])
        sheet.row_dimensions[2].hidden = True
        self._title(sheet, f"{name} — {self.selection.period}")
        sheet.append([_("Code"), _("Figure"), _("Unit of measure"), _("Value")])
        for cell in sheet[4]:
            cell.font = self.bold
            cell.fill = self.header_fill
        whole = self._validation(sheet, True)
        decimal = self._validation(sheet, False)
        section = None
        row_number = TEMPLATE_FIRST_DATA_ROW
        for item in items:
            if item.section_id != section:
                section = item.section_id
                sheet.cell(row=row_number, column=2, value=item.section.name).font = self.bold
                row_number += 1
            element = item.element
            sheet.cell(row=row_number, column=1, value=element.code)
            sheet.cell(row=row_number, column=2, value=element.name).alignment = self.wrap
            sheet.cell(row=row_number, column=3, value=element.unit_of_measure)
            value = self.values.get((element.code, option_code, unit.code))
            self._input(
                sheet.cell(row=row_number, column=4),
                value,
                whole if element.is_whole else decimal,
            )
            row_number += 1
        sheet.column_dimensions["A"].hidden = True
        sheet.column_dimensions["B"].width = 60
        sheet.column_dimensions["C"].width = 12
        sheet.column_dimensions["D"].width = 18
        self._protect(sheet)


def export_filename(selection: Selection, extension: str) -> str:
    return f"{selection.data_set.code}_{selection.period.id}_{selection.root.code}.{extension}"
