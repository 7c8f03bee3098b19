"""The one import pipeline: rows of any format -> checked -> previewed or applied.

Every row goes through the rules of `data_value_save` (scope through the access module,
the form's state and reporting window, `value_parse`), plus checks only a file needs
(codes, duplicates). Rows are checked in chunks (the existing values of a chunk read in
one query) and appended to a staging table (`_Stage`: COPY on PostgreSQL, `executemany` on
SQLite). Nothing is written until the whole file is read and no row is rejected; then the
values are merged, their audit rows inserted and the sums brought up to date, each in one
set-based statement from the staged rows. Everything runs in one transaction: a dry run, a
rejected row, a conflict or a sum that would turn negative rolls it all back, so a file is
imported whole or not at all.

Memory: rows stream through; the duplicate index is the staging table's primary key (in the
database), and so are the forms a file touches (for the validation rules and the preview).
What the process holds is bounded: the units looked up (`UNITS_HELD`), each form's
validity, what a row's element and option columns say, the rejections and findings kept
for the preview (`MAX_REPORTED`).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import itertools
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange.models import Dhis2Identifier
from danvan.datasets.exchange.options import ImportOptions, OptionError, options_parse
from danvan.datasets.exchange.parsers import FileError, RawRow, SkippedRow
from danvan.datasets.exchange.text import LegacyTextError, clean_text
from danvan.datasets.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    DataValueAudit,
    Period,
    Submission,
)
from danvan.datasets.queries import ValueLookup, period_get, validity_problem
from danvan.datasets.services import value_parse
from danvan.datasets.validation import outlier_from_history, rules_check, rules_for
from danvan.geography.models import AdministrativeUnit, HierarchyVersion
from danvan.indicators.sums import PLACES, NegativeSumError, sums_apply_staged
from danvan.lib.collector import collector_relaxed
from danvan.lib.dhis2_periods import Dhis2PeriodError, dhis2_period_parse
from danvan.lib.expressions import expression_parse
from danvan.lib.numbers import format_vn_number
from danvan.lib.periods import InvalidPeriodError, PeriodType
from danvan.organizations.models import Organization, OrganizationType

CHUNK_SIZE = 5000
MAX_REPORTED = 1000  # rejected rows and rule findings kept for the preview
RULE_UNITS = 200  # units whose figures the validation rules read at a time
UNITS_HELD = 500  # units (with their bodies and scope) the checks keep looked up
SQLITE_CACHE_KIB = 131072  # SQLite's page cache while a file is checked and merged
SQLITE_SUMS_CACHE_KIB = 32768  # and while the sums take the file's changes
DEFAULT_OPTIONS = frozenset({"", "default", "HllvX50cXC0"})  # DHIS2's default combo uid
DEFAULT_VERSION = "vn-legacy"
LOCKED = (Submission.Status.SUBMITTED, Submission.Status.APPROVED)
# DHIS2's names of danvan's period types, used in messages so both sides read them alike.
DHIS2_TYPE_NAMES = {
    PeriodType.YEARLY: "Yearly",
    PeriodType.SIX_MONTHLY: "SixMonthly",
    PeriodType.QUARTERLY: "Quarterly",
    PeriodType.MONTHLY: "Monthly",
}


@dataclass
class Rejection:
    line: int
    sheet: str
    code: str
    reason: str
    element: str = ""
    unit: str = ""
    period: str = ""
    option: str = ""
    value: str = ""


@dataclass
class Finding:
    """A validation rule that fails for a form the file touches."""

    severity: str
    unit: str
    option: str
    period: str
    rule: str
    message: str
    detail: str


@dataclass
class FormTouched:
    """One form a file writes to (or would): shown in the preview, so that a file for the
    wrong unit, period or form is seen before it is applied."""

    data_set: str
    data_set_name: str
    unit: str
    unit_name: str
    option: str
    period: str
    period_name: str
    rows: int = 0


@dataclass
class ImportSummary:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0  # blank values: nothing to import
    ignored_deletes: int = 0  # deletes of values that do not exist
    rejected: int = 0
    converted: int = 0  # texts converted from TCVN3, VNI or VIQR
    rule_errors: int = 0
    rule_warnings: int = 0
    outliers: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    forms: list[FormTouched] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)  # rows holding no figure
    options: dict[str, str] = field(default_factory=dict)
    described: str = ""  # how the file was read ("CSV, columns read by their names")
    file_error: str = ""
    file_error_code: str = ""
    digest: str = ""  # of every row's outcome: the preview a confirmation must match
    dry_run: bool = True
    applied: bool = False
    stale: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.file_error and not self.stale

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportSummary:
        data = dict(data)
        rejections = [Rejection(**r) for r in data.pop("rejections", [])]
        findings = [Finding(**f) for f in data.pop("findings", [])]
        forms = [FormTouched(**f) for f in data.pop("forms", [])]
        skipped_rows = [SkippedRow(**s) for s in data.pop("skipped_rows", [])]
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(
            **known,
            rejections=rejections,
            findings=findings,
            forms=forms,
            skipped_rows=skipped_rows,
        )

    @property
    def ignored(self) -> int:
        """DHIS2's `ignored`: blank values and deletes of values that do not exist."""
        return self.skipped + self.ignored_deletes

    def reject(self, row: RawRow, code: str, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REPORTED:
            self.rejections.append(
                Rejection(
                    row.line,
                    row.sheet,
                    code,
                    reason,
                    row.element[:64],
                    row.unit[:64],
                    row.period[:16],
                    row.option[:32],
                    row.value[:32],
                )
            )


class _Rollback(Exception):
    pass


@dataclass(slots=True)
class _Checked:
    row: RawRow
    element: DataElement
    unit: AdministrativeUnit
    period: Period
    option: OrganizationType | None
    organization: Organization | None
    data_sets: list[DataSet]
    value: Decimal | None  # None: the row deletes the figure
    comment: str | None
    key: int


def version_for(actor: User | None) -> HierarchyVersion | None:
    """Unit codes are read in the hierarchy version of the user's home unit, else the
    legacy (pre-2025) version, else the newest."""
    if actor is not None and actor.home_unit_id is not None and actor.home_unit is not None:
        return actor.home_unit.version
    return (
        HierarchyVersion.objects.filter(code=DEFAULT_VERSION).first()
        or HierarchyVersion.objects.order_by("-valid_from", "-pk").first()
    )


class _Context:
    """What the checks need, loaded once per import or once per unit/period/element."""

    def __init__(
        self,
        actor: User,
        data_set_code: str | None,
        today: datetime.date | None,
        options: ImportOptions | None = None,
    ) -> None:
        self.actor = actor
        self.today = today or timezone.localdate()
        self.version = version_for(actor)
        self.import_options = options or ImportOptions()
        self.elements = {
            e.code: e for e in DataElement.objects.prefetch_related("organization_types")
        }
        self.element_types = {
            e.id: {t.id for t in e.organization_types.all()} for e in self.elements.values()
        }
        self.options = {t.code: t for t in OrganizationType.objects.all()}
        self.option_by_id = {t.id: t for t in self.options.values()}
        self.data_sets = {d.id: d for d in DataSet.objects.prefetch_related("organization_types")}
        self.data_set_types = {
            d.id: {t.id for t in d.organization_types.all()} for d in self.data_sets.values()
        }
        self.placements: dict[int, list[tuple[DataSet, list[int]]]] = {}
        for item in DataSetElement.objects.select_related("section").order_by("pk"):
            data_set = self.data_sets[item.section.data_set_id]
            self.placements.setdefault(item.element_id, []).append((data_set, item.levels))
        self.mapped: dict[str, list[Dhis2Identifier]] = {}
        for mapping in Dhis2Identifier.objects.exclude(kind=Dhis2Identifier.Kind.UNIT):
            self.mapped.setdefault(mapping.kind, []).append(mapping)
        self.only_data_set: DataSet | None = None
        if data_set_code:
            self.data_set_restrict(data_set_code)
        self.element_ids: dict[str, DataElement | str | None] = {}
        # What a row's element, option and attribute say (`_head`), by those three texts.
        self.heads: dict[tuple[str, str, str], _Head] = {}
        self.option_ids: dict[str, OrganizationType | str | None] = {}
        self.units: dict[str, AdministrativeUnit | str | None] = {}
        self.unit_writable: dict[int, bool] = {}
        self.organizations: dict[tuple[int, int], Organization | None] = {}
        self.organization_writable: dict[int, bool] = {}
        self.periods: dict[str, Period | str] = {}
        self.period_index: dict[str, int] = {}
        self.forms: dict[tuple[int, int, int, str], list[DataSet] | str] = {}
        # Forms a change reaches besides the first form of its figure (an element placed
        # in several forms): rare, so held here; the rest are counted in the staging table.
        self.touched_extra: set[tuple[int, str, int, int | None]] = set()
        # Whether a unit or body existed for a form's period: once per form, not per row.
        self.validity: dict[tuple[int, str, int, int], str | None] = {}
        # Each figure's text as `value_parse` read it, by element (`_check`).
        self.parsed: dict[tuple[int, str], Decimal] = {}
        self.hasher = hashlib.sha256()

    def data_set_restrict(self, code: str) -> None:
        found = self._by_scheme(
            code,
            "data_set",
            {d.code: d for d in self.data_sets.values()},
            {d.name: d for d in self.data_sets.values()},
            "AUTO",
            lambda m: m.data_set,
        )
        if not isinstance(found, DataSet):
            raise FileError(
                "unknown_data_set", _("Unknown data set “%(code)s”.") % {"code": code[:64]}
            )
        if self.only_data_set is not None and self.only_data_set.id != found.id:
            raise FileError(
                "data_set_mismatch",
                _("The file is for data set “%(file)s”, the request for “%(request)s”.")
                % {"file": code[:64], "request": self.only_data_set.code},
            )
        self.only_data_set = found

    def options_apply(self, options: ImportOptions) -> None:
        self.import_options = options
        self.element_ids.clear()
        self.option_ids.clear()
        self.heads.clear()

    def _by_scheme(
        self,
        ident: str,
        kind: str,
        by_code: dict[str, Any],
        by_name: dict[str, Any],
        scheme: str,
        target: Callable[[Dhis2Identifier], Any],
    ) -> Any:
        """What `ident` names under `scheme`: an object, None, or why it is ambiguous."""
        mappings = self.mapped.get(kind, [])
        if scheme in ("AUTO", "CODE") and ident in by_code:
            return by_code[ident]
        if scheme == "CODE":
            found = [m for m in mappings if m.code == ident]
        elif scheme in ("AUTO", "UID"):
            found = [m for m in mappings if m.uid == ident]
        elif scheme == "NAME":
            found = [m for m in mappings if m.name == ident]
            if not found and ident in by_name:
                return by_name[ident]
        else:
            attribute = scheme.split(":", 1)[1]
            found = [m for m in mappings if str(m.attributes.get(attribute, "")) == ident]
        targets = {id(target(m)): target(m) for m in found}
        if len(targets) > 1:
            return _(
                "“%(ident)s” names %(count)s different objects under id scheme %(scheme)s."
            ) % {
                "ident": ident[:40],
                "count": len(targets),
                "scheme": scheme,
            }
        return next(iter(targets.values()), None)

    def element_for(self, ident: str) -> DataElement | str | None:
        if ident not in self.element_ids:
            by_name: dict[str, Any] = {}
            if self.import_options.element_scheme == "NAME":
                names = [e.name for e in self.elements.values()]
                by_name = {e.name: e for e in self.elements.values() if names.count(e.name) == 1}
            self.element_ids[ident] = self._by_scheme(
                ident,
                "element",
                self.elements,
                by_name,
                self.import_options.element_scheme,
                lambda m: m.element,
            )
        return self.element_ids[ident]

    def option_for(self, ident: str) -> OrganizationType | str | None:
        if ident not in self.option_ids:
            self.option_ids[ident] = self._by_scheme(
                ident,
                "option",
                self.options,
                {t.name: t for t in self.options.values()},
                self.import_options.option_scheme,
                lambda m: m.organization_type,
            )
        return self.option_ids[ident]

    def is_default_option(self, ident: str) -> bool:
        if ident in DEFAULT_OPTIONS:
            return True
        return self.import_options.option_scheme == "NAME" and ident == "default"

    def period(self, ident: str) -> Period | str:
        """The period, or why it cannot take figures."""
        if ident not in self.periods:
            try:
                self.periods[ident] = period_get(ident)
                self.period_index.setdefault(ident, len(self.period_index) + 1)
            except InvalidPeriodError:
                try:
                    other = dhis2_period_parse(ident)
                except Dhis2PeriodError:
                    self.periods[ident] = _(
                        "Not a period: use 2021, 2021S1, 2021Q3 or 202107 (or any DHIS2 period)."
                    )
                else:
                    self.periods[ident] = _(
                        "%(period)s is a DHIS2 %(type)s period; danvan's forms collect Yearly, "
                        "SixMonthly, Quarterly or Monthly figures."
                    ) % {"period": other.id, "type": other.type}
        return self.periods[ident]

    def units_load(self, idents: Iterable[str]) -> None:
        """Look up the units a chunk names (and their bodies). What is held is bounded:
        files come unit by unit, so past `UNITS_HELD` units the lookups start afresh and
        memory does not grow with the number of units a file names."""
        wanted = set(idents)
        missing = {c for c in wanted if c not in self.units}
        if not missing:
            return
        if len(self.units) + len(missing) > UNITS_HELD:
            self.units.clear()
            self.unit_writable.clear()
            self.organizations.clear()
            self.organization_writable.clear()
            missing = wanted
        scheme = self.import_options.unit_scheme
        in_version = AdministrativeUnit.objects.filter(version=self.version).only(
            "pk",
            "code",
            "path",
            "level",
            "version_id",
            "parent_id",
            "name",
            "valid_from",
            "valid_to",
        )
        if scheme in ("AUTO", "CODE"):
            for unit in in_version.filter(code__in=missing):
                self.units[unit.code] = unit
        mappings = Dhis2Identifier.objects.filter(kind=Dhis2Identifier.Kind.UNIT).select_related(
            "unit"
        )
        rest = missing - set(self.units)
        found: dict[str, dict[int, AdministrativeUnit]] = {}
        if rest:
            if scheme == "CODE":
                pairs: list[tuple[str, AdministrativeUnit | None]] = [
                    (m.code, m.unit) for m in mappings.filter(code__in=rest)
                ]
            elif scheme in ("AUTO", "UID"):
                pairs = [(m.uid, m.unit) for m in mappings.filter(uid__in=rest)]
            elif scheme == "NAME":
                pairs = [(m.name, m.unit) for m in mappings.filter(name__in=rest)]
                if not pairs:
                    pairs = [(u.name, u) for u in in_version.filter(name__in=rest)]
            else:
                attribute = scheme.split(":", 1)[1]
                pairs = [
                    (str(m.attributes.get(attribute)), m.unit)
                    for m in mappings.filter(**{f"attributes__{attribute}__in": list(rest)})
                ]
            for ident, target in pairs:
                if target is not None and target.version_id == (
                    self.version.id if self.version else None
                ):
                    found.setdefault(ident, {})[target.id] = target
        for ident, units in found.items():
            self.units[ident] = (
                next(iter(units.values()))
                if len(units) == 1
                else _("“%(ident)s” names %(count)s units under id scheme %(scheme)s.")
                % {"ident": ident[:40], "count": len(units), "scheme": scheme}
            )
        for ident in missing:
            self.units.setdefault(ident, None)
        new_units = {u.id: u for c in missing if isinstance(u := self.units[c], AdministrativeUnit)}
        if new_units:
            # The few fields the checks read; unit and type are the objects held already,
            # not a copy of each per body (a unit has six bodies).
            organizations = Organization.objects.filter(
                unit_id__in=list(new_units), kind=Organization.Kind.TERRITORIAL
            ).only("pk", "unit_id", "type_id", "name", "valid_from", "valid_to")
            for organization in organizations:
                organization.unit = new_units[organization.unit_id]
                organization.type = self.option_by_id[organization.type_id]
                self.organizations[(organization.unit_id, organization.type_id)] = organization

    def unit_ok(self, unit: AdministrativeUnit) -> bool:
        if unit.id not in self.unit_writable:
            self.unit_writable[unit.id] = access.can_change_unit(self.actor, unit)
        return self.unit_writable[unit.id]

    def organization_ok(self, organization: Organization) -> bool:
        if organization.id not in self.organization_writable:
            self.organization_writable[organization.id] = access.can_change_organization(
                self.actor, organization
            )
        return self.organization_writable[organization.id]

    def forms_for(
        self,
        element: DataElement,
        unit: AdministrativeUnit,
        option: OrganizationType | None,
        period: Period,
    ) -> list[DataSet] | str:
        """The data sets whose form for this unit asks for this figure, or why none does."""
        cache_key = (element.id, unit.level, option.id if option else 0, period.id)
        if cache_key in self.forms:
            return self.forms[cache_key]
        found: list[DataSet] = []
        reason = _("This figure is not collected at this unit's level.")
        for data_set, levels in self.placements.get(element.id, []):
            if self.only_data_set is not None and data_set.id != self.only_data_set.id:
                continue
            if unit.level not in data_set.levels or (levels and unit.level not in levels):
                continue
            if data_set.reported_by_organizations != (option is not None):
                continue
            allowed = self.data_set_types[data_set.id]
            if option is not None and allowed and option.id not in allowed:
                continue
            if data_set.period_type != period.type:
                reason = _(
                    "Form “%(form)s” collects %(form_type)s periods; %(period)s is a "
                    "%(type)s period."
                ) % {
                    "form": data_set.code,
                    "form_type": DHIS2_TYPE_NAMES[PeriodType(data_set.period_type)],
                    "period": period.id,
                    "type": DHIS2_TYPE_NAMES[PeriodType(period.type)],
                }
                continue
            opens = data_set.window(period.spec)[0]
            if self.today < opens:
                reason = _("The period %(period)s opens for entry on %(date)s.") % {
                    "period": period.id,
                    "date": opens.strftime("%d/%m/%Y"),
                }
                continue
            found.append(data_set)
        result: list[DataSet] | str = found or reason
        self.forms[cache_key] = result
        return result

    def key(
        self, element: DataElement, option: OrganizationType | None, unit_id: int, period: Period
    ) -> int:
        # One integer per figure keeps the duplicate index small.
        return (
            ((element.id << 16 | (option.id if option else 0)) << 40 | unit_id) << 20
        ) | self.period_index[period.id]


_Head = tuple[
    "tuple[str, str] | None", "DataElement | None", "tuple[str, str] | None",
    "OrganizationType | None",
]  # fmt: skip


def _head(ctx: _Context, row: RawRow) -> _Head:
    """What a row's element, option and attribute columns say, the same for every row
    that gives them alike: (a rejection before the period and unit are read, the element,
    a rejection after the unit's scope is checked, the organization type)."""
    if not ctx.is_default_option(row.attribute):
        return (
            (
                "attribute_option_combo",
                _(
                    "attributeOptionCombo “%(combo)s”: danvan has no attribute categories, "
                    "only “default”; nothing was imported."
                )
                % {"combo": row.attribute[:40]},
            ),
            None, None, None,
        )  # fmt: skip
    element = ctx.element_for(row.element)
    if isinstance(element, str):
        return ("ambiguous_element", element), None, None, None
    if element is None:
        unknown = _("Unknown data element (id scheme %(scheme)s).") % {
            "scheme": ctx.import_options.element_scheme
        }
        return ("unknown_element", unknown), None, None, None
    if element.disaggregated_by_organization:
        option = ctx.option_for(row.option)
        if isinstance(option, str):
            return None, element, ("ambiguous_option", option), None
        if option is None:
            return (
                None, element,
                (
                    "unknown_option",
                    _("This figure is reported by organization: give the organization type code."),
                ),
                None,
            )  # fmt: skip
        allowed = ctx.element_types[element.id]
        if allowed and option.id not in allowed:
            return (
                None, element,
                ("option_not_allowed", _("This organization does not report this figure.")),
                None,
            )  # fmt: skip
        return None, element, None, option
    if not ctx.is_default_option(row.option):
        return (
            None, element,
            ("option_not_allowed", _("This figure is not broken down by organization.")),
            None,
        )  # fmt: skip
    if not access.in_organization_scope(ctx.actor, None):
        return (
            None, element,
            ("out_of_scope", _("Out of scope: you may enter figures only for your organization.")),
            None,
        )  # fmt: skip
    return None, element, None, None


def _check(ctx: _Context, row: RawRow, summary: ImportSummary) -> _Checked | None:
    """The row checked on its own, or None (rejected, or blank)."""
    if row.problem:
        summary.reject(row, row.problem_code or "malformed", row.problem)
        return None
    row.element, row.period, row.unit = row.element.strip(), row.period.strip(), row.unit.strip()
    row.option, row.attribute = row.option.strip(), row.attribute.strip()
    deleting = row.deleted or ctx.import_options.strategy == "DELETE"
    if not deleting and not row.value.strip():
        summary.skipped += 1
        return None
    comment = row.comment
    if comment:
        try:
            comment, converted = clean_text(comment)
        except LegacyTextError as error:
            summary.reject(
                row,
                "legacy_encoding",
                _(
                    "The comment is typed in the %(encoding)s encoding, which danvan does not "
                    "convert: convert it to Unicode (e.g. with Unikey) and try again."
                )
                % {"encoding": str(error)},
            )
            return None
        summary.converted += converted
    head_key = (row.attribute, row.element, row.option)
    head = ctx.heads.get(head_key)
    if head is None:
        if len(ctx.heads) >= 20_000:  # bounded: a file names few elements and options
            ctx.heads.clear()
        head = ctx.heads[head_key] = _head(ctx, row)
    early, element, late, option = head
    if early is not None:
        summary.reject(row, *early)
        return None
    assert element is not None
    period = ctx.period(row.period)
    if isinstance(period, str):
        summary.reject(row, "invalid_period", period)
        return None
    unit = ctx.units.get(row.unit)
    if isinstance(unit, str):
        summary.reject(row, "ambiguous_unit", unit)
        return None
    if unit is None:
        summary.reject(
            row,
            "unknown_unit",
            _("Unknown unit (id scheme %(scheme)s; GSO code in this hierarchy).")
            % {"scheme": ctx.import_options.unit_scheme},
        )
        return None
    if not ctx.unit_ok(unit):
        summary.reject(
            row, "out_of_scope", _("Out of scope: you may not enter figures for this unit.")
        )
        return None
    if late is not None:
        summary.reject(row, *late)
        return None
    organization: Organization | None = None
    if option is not None:
        organization = ctx.organizations.get((unit.id, option.id))
        if organization is None:
            summary.reject(
                row, "no_organization", _("This organization does not exist at this unit.")
            )
            return None
        if not ctx.organization_ok(organization):
            summary.reject(
                row,
                "out_of_scope",
                _("Out of scope: you may not enter figures for this organization."),
            )
            return None
    forms = ctx.forms_for(element, unit, option, period)
    if isinstance(forms, str):
        summary.reject(row, "not_in_form", forms)
        return None
    validity_key = (forms[0].id, period.id, unit.id, organization.id if organization else 0)
    if validity_key not in ctx.validity:
        if len(ctx.validity) >= 20_000:  # bounded: files come unit by unit
            ctx.validity.clear()
        ctx.validity[validity_key] = validity_problem(forms[0], period, unit, organization)
    problem = ctx.validity[validity_key]
    if problem:
        summary.reject(row, "outside_validity", problem)
        return None
    value: Decimal | None = None
    if not deleting:
        # Figures repeat (small counts, the same rate in many forms): each text is parsed
        # once per element (Decimal is immutable, so the one object is shared).
        parsed_key = (element.id, row.value)
        value = ctx.parsed.get(parsed_key)
        if value is None:
            try:
                value = value_parse(element, row.value)
            except ValidationError as error:
                summary.reject(row, "invalid_value", " ".join(error.messages))
                return None
            if len(ctx.parsed) >= 20_000:  # bounded, as the other look-ups
                ctx.parsed.clear()
            ctx.parsed[parsed_key] = value
    return _Checked(
        row, element, unit, period, option, organization, forms, value, comment,
        ctx.key(element, option, unit.id, period),
    )  # fmt: skip


class _Stage:
    """The import's staging table: every checked figure of the file, once.

    Rows are checked in Python chunk by chunk and appended here (COPY on PostgreSQL,
    multi-row inserts on SQLite); nothing reaches the value and audit tables until the
    whole file is read and no row was rejected. Then a set-based merge writes the values
    (`merge`: an insert, an update and a delete, each checked against what was read), one
    `INSERT … SELECT` their audit rows, and one statement the sums, all from these rows.
    Its primary key is the duplicate index: it lives in the database, not in the process,
    so memory does not grow with the file.
    """

    TABLE = "danvan_import_stage"
    # action: n new, u changed, d deleted, "" nothing to write (unchanged, ignored delete)
    COLUMNS = (
        "line", "element_id", "opt", "organization_type_id", "unit_id", "period_id", "value",
        "comment", "action", "value_id", "old_value", "old_revision", "data_set_id",
    )  # fmt: skip
    FORMS = "danvan_import_forms"

    def __init__(self, actor: User, remote_address: str | None) -> None:
        self.actor_id = actor.id
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.remote_address = remote_address
        self.postgres = connection.vendor == "postgresql"
        self.counts = {"n": 0, "u": 0, "d": 0}
        # SQLite keeps NUMERIC as floating point; text keeps the exact figure for the
        # duplicate comparison (and converts exactly as Django's own writes do).
        number = "NUMERIC(20, 4)" if self.postgres else "TEXT"
        temporary = "TEMPORARY TABLE" if self.postgres else "TEMP TABLE"
        # SQLite: the rows kept in their key's tree, not in a second one beside it.
        clustered = "" if self.postgres else " WITHOUT ROWID"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(
                f"CREATE {temporary} {self.TABLE} ("
                "line BIGINT NOT NULL, element_id BIGINT NOT NULL, opt BIGINT NOT NULL, "
                "organization_type_id BIGINT, unit_id BIGINT NOT NULL, "
                f"period_id VARCHAR(16) NOT NULL, value {number}, comment TEXT, "
                f"action VARCHAR(1) NOT NULL, value_id BIGINT, old_value {number}, "
                "old_revision INTEGER NOT NULL, data_set_id BIGINT NOT NULL, "
                f"PRIMARY KEY (period_id, unit_id, element_id, opt)){clustered}"
            )
            cursor.execute(f"DROP TABLE IF EXISTS {self.FORMS}")
        self._inserts: dict[int, str] = {}
        self.copy_sql = f"COPY {self.TABLE} ({', '.join(self.COLUMNS)}) FROM STDIN"

    def number(self, value: Decimal | None) -> Any:
        if value is None or self.postgres:
            return value
        return str(value)

    def earlier(
        self, unit_ids: set[int], period_ids: set[str], element_ids: set[int]
    ) -> dict[tuple[int, str, int, int], tuple[Decimal | None, int]]:
        """Figures of earlier chunks among this chunk's units, periods and elements: their
        value and line, to find duplicates across the file."""
        found: dict[tuple[int, str, int, int], tuple[Decimal | None, int]] = {}
        marks = {
            name: ", ".join(["%s"] * len(items))
            for name, items in (("u", unit_ids), ("p", period_ids), ("e", element_ids))
        }
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT unit_id, period_id, element_id, opt, value, line FROM {self.TABLE} "
                f"WHERE unit_id IN ({marks['u']}) AND period_id IN ({marks['p']}) "
                f"AND element_id IN ({marks['e']})",
                [*unit_ids, *period_ids, *element_ids],
            )
            for unit_id, period_id, element_id, opt, value, line in cursor.fetchall():
                number = None if value is None else Decimal(str(value))
                found[(unit_id, period_id, element_id, opt)] = (number, line)
        return found

    def append(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        for row in rows:
            if row[8]:
                self.counts[row[8]] += 1
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                # Several rows to a statement: a fifth less CPU than `executemany` one row
                # at a time (1 M rows: 2,4 s against 3,0 s, measured on their own). On the
                # driver's own cursor, as the COPY above: in the import's transaction, and
                # without the wrapper quoting 3.900 parameters for a debug log.
                raw = cursor.cursor
                with connection.wrap_database_errors:  # Django's exceptions, as elsewhere
                    for start in range(0, len(rows), self.ROWS_PER_INSERT):
                        batch = rows[start : start + self.ROWS_PER_INSERT]
                        sqlite3.Cursor.execute(
                            raw, self._insert_rows_sql(len(batch)), list(itertools.chain(*batch))
                        )

    ROWS_PER_INSERT = 300  # × 13 columns: within SQLite's limit of 32.766 parameters

    def _insert_rows_sql(self, count: int) -> str:
        sql = self._inserts.get(count)
        if sql is None:
            one = f"({', '.join(['?'] * len(self.COLUMNS))})"  # the driver's marks
            sql = self._inserts[count] = (
                f"INSERT INTO {self.TABLE} ({', '.join(self.COLUMNS)}) "
                f"VALUES {', '.join([one] * count)}"
            )
        return sql

    def merge(self) -> None:
        """Write the staged changes: values, then audit rows, from the same rows.

        A value that another write created, changed or deleted since the chunk read it
        is not overwritten (the revision read must still be the stored one): the insert
        breaks the unique constraint or the counts come short, and the whole import is
        refused as a conflict. Set-based, three statements: new figures inserted, changed
        ones updated by id and revision, deleted ones deleted by id and revision."""
        qn = connection.ops.quote_name
        value_table = qn(DataValue._meta.db_table)
        audit_table = qn(DataValueAudit._meta.db_table)
        source = DataValue.Source.IMPORTED
        written = 0
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SET LOCAL jit = off")  # short statements: compiling costs more
                # A temporary table has no statistics until asked: the merge and the sums
                # join it, and are planned from them.
                cursor.execute(f"ANALYZE {self.TABLE}")
            # New figures: a plain insert. One that another write created meanwhile
            # breaks the unique constraint (IntegrityError: the import is refused as a
            # conflict); an upsert's speculative insertion made every new row dearer
            # (PostgreSQL, 1 M values: see benchmarks/README.md).
            cursor.execute(
                f"INSERT INTO {value_table} (element_id, organization_type_id, unit_id, "
                "period_id, value, comment, source, revision, stored_by_id, created_at, "
                "updated_at) "
                "SELECT element_id, organization_type_id, unit_id, period_id, "
                f"{self._cast('value')}, comment, %s, 1, %s, %s, %s "
                f"FROM {self.TABLE} WHERE action = 'n'",
                [source, self.actor_id, self.now, self.now],
            )
            written += cursor.rowcount
            # Changed figures: only where the stored row is still the one read (by its
            # id and revision). An upsert here would bring back a figure that another
            # write deleted meanwhile; this leaves it deleted, and the count short.
            cursor.execute(
                f"UPDATE {value_table} AS v SET value = {self._cast('s.value')}, "
                "comment = s.comment, source = %s, stored_by_id = %s, "
                "revision = s.old_revision + 1, updated_at = %s "
                f"FROM {self.TABLE} s "
                "WHERE s.action = 'u' AND v.id = s.value_id AND v.revision = s.old_revision",
                [source, self.actor_id, self.now],
            )
            written += cursor.rowcount
            # Deleted figures: likewise. The revision is compared on the row deleted itself,
            # so that PostgreSQL checks it again on a row another write changed meanwhile
            # (compared on a second reading of the table, the change was deleted).
            cursor.execute(
                f"DELETE FROM {value_table} WHERE (id, revision) IN "
                f"(SELECT value_id, old_revision FROM {self.TABLE} WHERE action = 'd')"
            )
            deleted = cursor.rowcount
            if written != self.counts["n"] + self.counts["u"] or deleted != self.counts["d"]:
                raise IntegrityError("figures changed while the file was imported")
            cursor.execute(
                f"INSERT INTO {audit_table} (element_id, organization_type_id, unit_id, "
                "period_id, action, old_value, new_value, comment, source, user_id, "
                "remote_address, created_at) "
                "SELECT element_id, organization_type_id, unit_id, period_id, "
                "CASE action WHEN 'n' THEN %s WHEN 'u' THEN %s ELSE %s END, "
                f"{self._cast('old_value')}, {self._cast('value')}, comment, %s, %s, %s, %s "
                f"FROM {self.TABLE} WHERE action <> ''",
                [
                    DataValueAudit.Action.CREATE,
                    DataValueAudit.Action.UPDATE,
                    DataValueAudit.Action.DELETE,
                    source,
                    self.actor_id,
                    self.remote_address,
                    self.now,
                ],
            )

    def forms_count(self) -> None:
        """The forms the file writes to (the first form of each figure), with the number
        of its rows and whether any changes: one row each, keyed for paging."""
        temporary = "TEMPORARY TABLE" if self.postgres else "TEMP TABLE"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE {temporary} {self.FORMS} (data_set_id BIGINT NOT NULL, "
                "period_id VARCHAR(16) NOT NULL, unit_id BIGINT NOT NULL, opt BIGINT NOT NULL, "
                "rows_count INTEGER NOT NULL, changes INTEGER NOT NULL, "
                "PRIMARY KEY (data_set_id, period_id, unit_id, opt))"
            )
            cursor.execute(
                f"INSERT INTO {self.FORMS} SELECT data_set_id, period_id, unit_id, opt, "
                "COUNT(*), SUM(CASE WHEN action <> '' THEN 1 ELSE 0 END) "
                f"FROM {self.TABLE} GROUP BY data_set_id, period_id, unit_id, opt"
            )

    def forms(
        self, *, changed: bool, limit: int | None = None
    ) -> Iterator[tuple[int, str, int, int | None, int]]:
        """(data set, period, unit, option or None, rows) of the counted forms, in key order,
        read a page at a time."""
        where = "changes > 0" if changed else "1 = 1"
        after: tuple[Any, ...] = (-1, "", -1, -1)
        given = 0
        while limit is None or given < limit:
            page = RULE_UNITS if limit is None else min(RULE_UNITS, limit - given)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT data_set_id, period_id, unit_id, opt, rows_count "
                    f"FROM {self.FORMS} WHERE {where} "
                    "AND (data_set_id, period_id, unit_id, opt) > (%s, %s, %s, %s) "
                    "ORDER BY data_set_id, period_id, unit_id, opt LIMIT %s",
                    [*after, page],
                )
                rows = cursor.fetchall()
            if not rows:
                return
            for data_set_id, period_id, unit_id, opt, count in rows:
                yield data_set_id, period_id, unit_id, opt or None, count
            given += len(rows)
            after = tuple(rows[-1][:4])

    def _cast(self, column: str) -> str:
        # SQLite: the staged text becomes a number as Django's decimal columns store it.
        return column if self.postgres else f"CAST({column} AS NUMERIC)"

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.FORMS}")


def _process(ctx: _Context, stage: _Stage, rows: list[RawRow], summary: ImportSummary) -> None:
    for row in rows:
        # PostgreSQL can neither store nor even compare text holding NUL: refuse the row.
        if not row.problem and "\x00" in (
            f"{row.element}{row.period}{row.unit}{row.option}{row.value}{row.comment or ''}"
        ):
            row.problem = _("The row contains a NUL character.")
    ctx.units_load({r.unit.strip() for r in rows if not r.problem})
    checked = [c for row in rows if (c := _check(ctx, row, summary)) is not None]
    if not checked:
        return
    unit_ids = {c.unit.id for c in checked}
    period_ids = {c.period.id for c in checked}
    element_ids = {c.element.id for c in checked}
    locked = set(
        Submission.objects.filter(
            unit_id__in=unit_ids, period_id__in=period_ids, status__in=LOCKED
        ).values_list("data_set_id", "unit_id", "organization_id", "period_id")
    )
    existing: dict[tuple[int, str, int, int], tuple[int, Decimal, str, int]] = {}
    found = DataValue.objects.filter(
        unit_id__in=unit_ids, period_id__in=period_ids, element_id__in=element_ids
    ).values_list(
        "pk", "element_id", "organization_type_id", "unit_id", "period_id", "value", "comment",
        "revision",
    )  # fmt: skip
    for pk, element_id, type_id, unit_id, period_id, value, text, revision in found.iterator(
        chunk_size=CHUNK_SIZE
    ):
        existing[(unit_id, period_id, element_id, type_id or 0)] = (pk, value, text, revision)
    earlier = stage.earlier(unit_ids, period_ids, element_ids)
    pending: dict[tuple[int, str, int, int], tuple[Decimal | None, int]] = {}  # this chunk's
    staged: list[tuple[Any, ...]] = []
    new: list[_Checked] = []
    changed: list[_Checked] = []
    digested: list[str] = []  # the preview's digest, fed once per chunk (same digest)
    strategy = ctx.import_options.strategy
    for item in checked:
        option_id = item.option.id if item.option else None
        organization_id = item.organization.id if item.organization else None
        key = (item.unit.id, item.period.id, item.element.id, option_id or 0)
        current = existing.get(key)
        first = pending.get(key) or earlier.get(key)
        if first is not None:
            first_value, first_line = first
            if first_value == item.value:
                summary.unchanged += 1
            else:
                summary.reject(
                    item.row,
                    "duplicate",
                    _("Row %(line)s gives the same figure a different value.")
                    % {"line": first_line},
                )
            continue
        pending[key] = (item.value, item.row.line)
        # `!s`: the same text as formatting a Decimal, at a fraction of its cost.
        digested.append(
            f"{item.key}:{item.value!s}:{item.comment}:{current[1] if current else None!s}\n"
        )
        action = ""
        comment = item.comment
        if item.value is None and current is None:
            summary.ignored_deletes += 1
        elif (
            item.value is not None
            and current is not None
            and (current[1] == item.value and (item.comment is None or item.comment == current[2]))
        ):
            # Re-sending what is stored changes nothing, even on an approved form.
            summary.unchanged += 1
        elif locked and any(
            (d.id, item.unit.id, organization_id, item.period.id) in locked for d in item.data_sets
        ):
            summary.reject(
                item.row,
                "locked",
                _("The form has been submitted or approved: its figures can no longer be changed."),
            )
        elif item.value is None:
            assert current is not None
            action, comment = "d", current[2]
        elif current is None:
            if strategy == "UPDATE":
                summary.reject(
                    item.row,
                    "strategy",
                    _("importStrategy=UPDATE: there is no stored value to update."),
                )
            else:
                action, comment = "n", item.comment or ""
                new.append(item)
        elif strategy == "CREATE":
            summary.reject(
                item.row,
                "strategy",
                _("importStrategy=CREATE: a different value is already stored."),
            )
        else:
            action = "u"
            comment = item.comment if item.comment is not None else current[2]
            changed.append(item)
        if action:
            for data_set in item.data_sets[1:]:
                ctx.touched_extra.add((data_set.id, item.period.id, item.unit.id, option_id))
        # Every first row of a figure is staged, rejected ones too (as nothing to write):
        # a later row giving it again is then a duplicate, as it was before staging.
        staged.append(
            (
                item.row.line, item.element.id, option_id or 0, option_id, item.unit.id,
                item.period.id, stage.number(item.value), comment, action,
                current[0] if current else None, stage.number(current[1] if current else None),
                current[3] if current else 0, item.data_sets[0].id,
            )
        )  # fmt: skip
    ctx.hasher.update("".join(digested).encode())
    summary.new += len(new)
    summary.changed += len(changed)
    summary.deleted += sum(1 for row in staged if row[8] == "d")
    _outliers_check(ctx, new, changed, summary)
    stage.append(staged)


def _outliers_check(
    ctx: _Context,
    new: list[_Checked],
    changed: list[_Checked],
    summary: ImportSummary,
) -> None:
    """The outlier test of typed cells (`validation.outlier_from_history`), on every value
    the chunk writes, with the history of the whole chunk read in one query."""
    items = [*new, *changed]
    if not items:
        return
    history: dict[tuple[int, int | None, int, str], list[tuple[datetime.date, Decimal]]] = {}
    rows = DataValue.objects.filter(
        element_id__in={i.element.id for i in items},
        unit_id__in={i.unit.id for i in items},
        period__type__in={i.period.type for i in items},
    ).values_list("element_id", "organization_type_id", "unit_id", "period__type",
                  "period__start_date", "value")  # fmt: skip
    for element_id, option_id, unit_id, period_type, start, value in rows.iterator(
        chunk_size=CHUNK_SIZE
    ):
        history.setdefault((element_id, option_id, unit_id, period_type), []).append((start, value))
    for item in items:
        assert item.value is not None
        item_option = item.option.id if item.option else None
        earlier = [
            v
            for start, v in history.get(
                (item.element.id, item_option, item.unit.id, item.period.type), []
            )
            if start < item.period.start_date
        ]
        outlier = outlier_from_history(item.element.code, item.value, earlier)
        if outlier is None:
            continue
        summary.outliers += 1
        if len(summary.findings) < MAX_REPORTED:
            summary.findings.append(
                Finding(
                    "outlier",
                    item.unit.code,
                    item.option.code if item.option else "",
                    item.period.id,
                    item.element.code,
                    outlier.message,
                    format_vn_number(item.value),
                )
            )


def _rules_check(ctx: _Context, stage: _Stage, summary: ImportSummary) -> None:
    """Validation rules of every form the file changes, on the values as they would be.

    The same evaluation as `violations_in`, reading only the figures the rules name. The
    forms come from the staging table a page at a time, and the figures of a page's
    units are held at once: memory stays the same whatever the size of the file.
    """
    option_codes: dict[int | None, str | None] = {t.id: t.code for t in ctx.options.values()}
    option_codes[None] = None
    extra = set(ctx.touched_extra)

    def pages() -> Iterator[list[tuple[int, str, int, int | None]]]:
        batch: list[tuple[int, str, int, int | None]] = []
        for data_set_id, period_id, unit_id, option_id, _rows in stage.forms(changed=True):
            extra.discard((data_set_id, period_id, unit_id, option_id))
            batch.append((data_set_id, period_id, unit_id, option_id))
            if len(batch) >= RULE_UNITS:
                yield batch
                batch = []
        if batch:
            yield batch
        rest = sorted(extra, key=lambda k: (k[0], k[1], k[2], k[3] or 0))
        for start in range(0, len(rest), RULE_UNITS):
            yield rest[start : start + RULE_UNITS]

    rules_of: dict[int, tuple[list[Any], set[str]]] = {}
    for batch in pages():
        groups: dict[tuple[int, str], dict[int, set[str | None]]] = {}
        for data_set_id, period_id, unit_id, option_id in batch:
            groups.setdefault((data_set_id, period_id), {}).setdefault(unit_id, set()).add(
                option_codes[option_id]
            )
        for (data_set_id, period_id), units in sorted(groups.items()):
            data_set = ctx.data_sets[data_set_id]
            if data_set_id not in rules_of:
                rules = list(rules_for(data_set))
                rules_of[data_set_id] = (
                    rules,
                    {
                        ref.code
                        for rule in rules
                        for text in (rule.left, rule.right)
                        for ref in expression_parse(text).refs
                    },
                )
            rules, named = rules_of[data_set_id]
            if rules and named:
                _rules_evaluate(data_set, period_id, units, rules, named, summary)


def _rules_evaluate(
    data_set: DataSet,
    period_id: str,
    units: dict[int, set[str | None]],
    rules: list[Any],
    named: set[str],
    summary: ImportSummary,
) -> None:
    batch = sorted(units)
    codes: dict[int, str] | None = None  # unit codes, read for the first finding kept
    forms: dict[tuple[int, str | None], dict[tuple[str, str | None], Decimal]] = {}
    by_option = data_set.reported_by_organizations
    for unit_id, option_code, code, value in _rule_figures(period_id, batch, named):
        key = (unit_id, option_code if by_option else None)
        forms.setdefault(key, {})[(code, option_code)] = value
    for (unit_id, option), figures in sorted(
        forms.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
    ):
        if option not in units[unit_id]:
            continue
        for violation in rules_check(rules, ValueLookup.of_figures(figures, option)):
            if violation.is_error:
                summary.rule_errors += 1
            else:
                summary.rule_warnings += 1
            if len(summary.findings) < MAX_REPORTED:
                if codes is None:
                    codes = dict(
                        AdministrativeUnit.objects.filter(pk__in=batch).values_list("pk", "code")
                    )
                summary.findings.append(
                    Finding(
                        violation.severity,
                        codes.get(unit_id, ""),
                        option or "",
                        period_id,
                        violation.rule_code,
                        violation.message,
                        violation.detail,
                    )
                )


_SQLITE_DECIMAL = decimal.Context(prec=15)  # as Django's SQLite backend reads decimals


def _rule_figures(
    period_id: str, unit_ids: list[int], codes: set[str]
) -> Iterator[tuple[int, str | None, str, Decimal]]:
    """The figures the rules name, of these units in this period.

    By the (unit, period, element) index: without statistics SQLite would rather walk every value
    of each named element, which made the rules of a large file quadratic (measured: 622 s
    for 1 M values, a page of units at a time)."""
    sqlite = connection.vendor == "sqlite"
    hint = "INDEXED BY datavalue_unit_period_element" if sqlite else ""
    sql = (
        "SELECT dv.unit_id, ot.code, e.code, dv.value "
        f"FROM datasets_datavalue dv {hint} "
        "JOIN datasets_dataelement e ON e.id = dv.element_id "
        "LEFT JOIN organizations_organizationtype ot ON ot.id = dv.organization_type_id "
        f"WHERE dv.period_id = %s AND dv.unit_id IN ({', '.join(['%s'] * len(unit_ids))}) "
        f"AND e.code IN ({', '.join(['%s'] * len(codes))})"
    )
    # SQLite hands back floats (and ints): each distinct one converted once per call.
    converted: dict[float, Decimal] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [period_id, *unit_ids, *sorted(codes)])
        while rows := cursor.fetchmany(CHUNK_SIZE):
            for unit_id, option_code, code, value in rows:
                if sqlite:
                    number = converted.get(value)
                    if number is None:
                        number = converted[value] = _SQLITE_DECIMAL.create_decimal_from_float(
                            value
                        ).quantize(PLACES)
                    value = number
                yield unit_id, option_code, code, value


def _sqlite_cache(kib: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")


def _chunks(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _document_apply(ctx: _Context, rows: Iterable[RawRow], summary: ImportSummary) -> None:
    """What the document says of itself (options, data set), once its header is read."""
    options = getattr(rows, "options", None)
    header = getattr(rows, "header", None) or {}
    summary.described = getattr(rows, "described", "") or summary.described
    if options:
        try:
            ctx.options_apply(
                options_parse(options, base=ctx.import_options, where=_(" in the document"))
            )
        except OptionError as error:
            raise FileError("option", error.message) from error
    if header.get("dataSet"):
        ctx.data_set_restrict(str(header["dataSet"]))
    summary.options = ctx.import_options.described()


def _forms_describe(ctx: _Context, stage: _Stage, summary: ImportSummary) -> None:
    """The forms the file writes to, for the preview (the first `MAX_REPORTED`)."""
    keys = list(stage.forms(changed=False, limit=MAX_REPORTED))
    unit_ids = {k[2] for k in keys}
    units = dict(AdministrativeUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    codes = dict(AdministrativeUnit.objects.filter(pk__in=unit_ids).values_list("pk", "code"))
    option_codes = {t.id: t.code for t in ctx.options.values()}
    for data_set_id, period_id, unit_id, option_id, count in keys:
        data_set = ctx.data_sets[data_set_id]
        period = ctx.periods.get(period_id)
        summary.forms.append(
            FormTouched(
                data_set.code,
                data_set.name,
                codes.get(unit_id, ""),
                units.get(unit_id, ""),
                option_codes.get(option_id, "") if option_id else "",
                period_id,
                str(period) if isinstance(period, Period) else period_id,
                count,
            )
        )


def _complete_date_check(stage: _Stage, rows: Iterable[RawRow]) -> None:
    # Unchanged values may carry it (danvan's own export does): only changes are refused.
    header = getattr(rows, "header", None) or {}
    if header.get("completeDate") and any(stage.counts.values()):
        raise FileError(
            "complete_date",
            _(
                "The document gives a completeDate, but danvan completes a form only when it "
                "is submitted: remove completeDate, import, then submit the form."
            ),
        )


def _negative_sum_message(error: NegativeSumError) -> str:
    element = DataElement.objects.filter(pk=error.element_id).values_list("code", flat=True)
    unit = AdministrativeUnit.objects.filter(pk=error.unit_id).values_list("name", flat=True)
    return _(
        "The file would make the sum of “%(element)s” for %(unit)s in %(period)s negative "
        "(%(total)s), and figures are never negative: the kept sums are out of step with the "
        "figures. Nothing was imported; an administrator should run “check_sums --repair” "
        "and the file be imported again."
    ) % {
        "element": next(iter(element), "?"),
        "unit": next(iter(unit), "?"),
        "period": error.period_id,
        "total": format_vn_number(error.total),
    }


@collector_relaxed()  # millions of short-lived rows: see lib/collector.py
def values_import(
    *,
    actor: User,
    rows: Iterable[RawRow],
    dry_run: bool = True,
    data_set_code: str | None = None,
    expect: str | None = None,
    remote_address: str | None = None,
    progress: Callable[[int], None] | None = None,
    today: datetime.date | None = None,
    options: ImportOptions | None = None,
) -> ImportSummary:
    """Check every row and, unless `dry_run` or a row is rejected, write them all.

    `expect` is the digest of the preview the user confirmed: if the file or the stored
    figures changed since, nothing is written (`stale`).
    A `FileError` from the reader becomes `summary.file_error`; nothing is written, and
    neither is anything from a file that holds no figure at all.
    """
    started = time.monotonic()
    summary = ImportSummary(dry_run=dry_run)
    if connection.vendor == "sqlite":
        # A large import touches many index pages; SQLite's default 2 MB cache thrashes.
        _sqlite_cache(SQLITE_CACHE_KIB)
    try:
        with transaction.atomic():
            ctx = _Context(actor, data_set_code, today, options)
            if (
                options is not None
                and options.first_row_is_header is not None
                and hasattr(rows, "first_row_is_header")
            ):
                rows.first_row_is_header = options.first_row_is_header
            stage = _Stage(actor, remote_address)
            for number, chunk in enumerate(_chunks(rows, CHUNK_SIZE)):
                if number == 0:
                    _document_apply(ctx, rows, summary)
                summary.rows += len(chunk)
                _process(ctx, stage, chunk, summary)
                if progress is not None:
                    progress(summary.rows)
            if summary.rows == 0:
                _document_apply(ctx, rows, summary)
            summary.skipped_rows = list(getattr(rows, "skipped_rows", []))[:MAX_REPORTED]
            if summary.rows - summary.skipped == 0:
                raise FileError(
                    "no_figures",
                    _(
                        "The file holds no figures: nothing to import. If it is a template, "
                        "check that its hidden code rows are still there."
                    ),
                )
            _complete_date_check(stage, rows)
            stage.forms_count()
            if not summary.rejected:
                # Every row is checked: only now is anything written. The rules are
                # evaluated on the values as the file leaves them (a preview too: it is
                # rolled back below).
                stage.merge()
                _rules_check(ctx, stage, summary)
            _forms_describe(ctx, stage, summary)
            summary.digest = ctx.hasher.hexdigest()
            if expect is not None and summary.digest != expect:
                summary.stale = True
            if dry_run or not summary.ok:
                raise _Rollback
            # The sums take the file's changes (deletes too) set-based from the same
            # staged rows; a sum that would turn negative refuses the whole file.
            if connection.vendor == "sqlite":
                # With the large cache this statement was the import's peak, and grew with
                # the file (1 M → 3 M values: peak RSS ×1,16; with this cache ×1,01).
                _sqlite_cache(SQLITE_SUMS_CACHE_KIB)
            sums_apply_staged(table=stage.TABLE)
            stage.drop()
            summary.applied = True
    except _Rollback:
        pass
    except FileError as error:
        summary.file_error, summary.file_error_code = error.message, error.code
    except NegativeSumError as error:
        summary.file_error_code = "negative_sum"
        summary.file_error = _negative_sum_message(error)
    except IntegrityError:
        # Another write created one of these figures between our read and our insert.
        summary.file_error_code = "conflict"
        summary.file_error = _("Figures changed while the file was being imported: try again.")
    summary.seconds = round(time.monotonic() - started, 3)
    return summary
