"""The report's approval gate: the forms under the report's unit, for its period, that are
not yet approved — the forms of every data set holding a figure the report prints.

A draft report can be made at any time (it says "DỰ THẢO" on every page); a final one only
when the gate is closed. Which forms are expected is the completeness page's answer
(`completeness_for`): the units and bodies in force on the form's reference day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.datasets.models import DataSet, Period, Submission
from danvan.datasets.queries import completeness_for
from danvan.geography.models import AdministrativeUnit
from danvan.indicators.models import IndicatorPart
from danvan.indicators.results import part_codes
from danvan.organizations.models import Organization
from danvan.reports.exporter import ReportError

NOT_STARTED = ""
STATUS_WORDS = {
    NOT_STARTED: gettext_lazy("not entered"),
    Submission.Status.DRAFT: gettext_lazy("draft"),
    Submission.Status.SUBMITTED: gettext_lazy("submitted, not yet approved"),
    Submission.Status.RETURNED: gettext_lazy("returned for correction"),
}
# Units named in a refusal; the rest are counted (the page lists them all).
NAMED_UNITS = 12


class FormsNotApprovedError(ReportError):
    """A final report asked for while forms are open; the message names them."""


@dataclass
class GateForm:
    unit: AdministrativeUnit
    data_set: DataSet
    organization: Organization | None
    status: str  # NOT_STARTED, or the submission's status

    @property
    def status_label(self) -> str:
        return str(STATUS_WORDS.get(self.status, self.status))

    @property
    def name(self) -> str:
        """The organization's short name for an organization's form, else the form's name."""
        if self.organization is not None:
            return self.organization.type.short_name or self.organization.type.name
        return self.data_set.name


@dataclass
class GateUnit:
    unit: AdministrativeUnit
    forms: list[GateForm] = field(default_factory=list)


@dataclass
class Gate:
    period: Period
    forms_expected: int = 0
    forms_approved: int = 0
    open: list[GateForm] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        return self.forms_expected > 0 and not self.open

    def by_unit(self) -> list[GateUnit]:
        found: dict[int, GateUnit] = {}
        for form in self.open:
            found.setdefault(form.unit.pk, GateUnit(form.unit)).forms.append(form)
        return list(found.values())

    def refusal(self) -> str:
        """Why a final report cannot be made, naming the units and their forms."""
        if self.forms_expected == 0:
            return _(
                "No form is expected for period %(period)s under this unit: a final report "
                "needs approved forms."
            ) % {"period": self.period.id}
        units = self.by_unit()
        named = "; ".join(
            f"{group.unit.name}: "
            + ", ".join(f"{form.name} ({form.status_label})" for form in group.forms)
            for group in units[:NAMED_UNITS]
        )
        if len(units) > NAMED_UNITS:
            named += _("; and %(count)s more units") % {"count": len(units) - NAMED_UNITS}
        return _(
            "A final report needs every form of period %(period)s approved: %(open)s of "
            "%(expected)s forms in %(units)s units are not — %(named)s. Approve them, or make "
            "a draft report."
        ) % {
            "period": self.period.id,
            "open": len(self.open),
            "expected": self.forms_expected,
            "units": len(units),
            "named": named,
        }


def report_data_sets(parts: list[IndicatorPart]) -> list[DataSet]:
    """The data sets holding a figure the report prints: its parts' and its narrative's."""
    from danvan.reports.narrative import CODES

    codes = set(CODES).union(*(part_codes(part) for part in parts))
    return list(
        DataSet.objects.filter(sections__items__element__code__in=codes)
        .distinct()
        .order_by("code")
        .prefetch_related("organization_types")
    )


def approval_gate(unit: AdministrativeUnit, period: Period, parts: list[IndicatorPart]) -> Gate:
    """Every expected form under `unit` (its own included) for `period` that is not
    approved, whoever asks: a final report rests on all of them, not on the asker's scope."""
    gate = Gate(period)
    today = datetime.date.today()
    organizations = Organization.objects.select_related("type")
    for data_set in report_data_sets(parts):
        if data_set.period_type != period.type:
            continue
        completeness = completeness_for(data_set, period, unit, today, organizations)
        gate.forms_expected += completeness.total.expected
        gate.forms_approved += completeness.total.approved
        gate.open += [
            GateForm(missing.unit, data_set, missing.organization, missing.status)
            for missing in completeness.not_approved
        ]
    gate.open.sort(key=lambda form: (form.unit.path, form.data_set.code))
    return gate
