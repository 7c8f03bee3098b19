from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.geography.models import AdministrativeUnit
from danvan.lib.periods import PeriodSpec, PeriodType
from danvan.organizations.models import Organization, OrganizationType


class DataElement(models.Model):
    """One figure the offices report, e.g. members, or cases settled by mediation."""

    class ValueType(models.TextChoices):
        INTEGER = "integer", _("Whole count")
        DECIMAL = "decimal", _("Decimal number")
        MONEY = "money", _("Money (VND)")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        AVERAGE = "average", _("Average")
        LAST = "last", _("Last value in time")
        NONE = "none", _("Not aggregated")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    value_type = models.CharField(
        _("value type"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    disaggregated_by_organization = models.BooleanField(
        _("broken down by organization"), default=False
    )
    organization_types = models.ManyToManyField(
        OrganizationType,
        verbose_name=_("organization types"),
        blank=True,
        help_text=_("For a broken-down figure: the organizations that report it (all if empty)."),
    )
    zero_is_significant = models.BooleanField(_("zero is a value"), default=True)
    catalogue_version = models.CharField(_("catalogue version"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_whole(self) -> bool:
        # A set of plain strings: asked once per imported figure, and looking the members
        # up on the choices class each time was 5 % of a large import's CPU.
        return self.value_type in _WHOLE_TYPES


_WHOLE_TYPES = frozenset({DataElement.ValueType.INTEGER.value, DataElement.ValueType.MONEY.value})


class DataSet(models.Model):
    """A form: elements in sections, a period type, who reports it and by when."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    period_type = models.CharField(
        _("period type"),
        max_length=20,
        choices=[(t.value, t.value) for t in PeriodType],
        default=PeriodType.YEARLY.value,
    )
    levels = models.JSONField(_("reporting levels"), default=list, help_text=_("e.g. [1, 2, 3]"))
    reported_by_organizations = models.BooleanField(
        _("reported by each organization"),
        default=True,
        help_text=_("If not, the unit reports once (the mass mobilization board)."),
    )
    organization_types = models.ManyToManyField(
        OrganizationType, verbose_name=_("organization types"), blank=True
    )
    closing_day = models.PositiveSmallIntegerField(
        _("data closing day"),
        default=15,
        help_text=_("Decree 09/2019: figures run from this day of the month before the period."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("days to submit after closing"),
        default=5,
    )
    catalogue_version = models.CharField(_("catalogue version"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def window(self, period: PeriodSpec) -> tuple[datetime.date, datetime.date]:
        return period.closing_window(self.closing_day)

    def deadline(self, period: PeriodSpec) -> datetime.date:
        return self.window(period)[1] + datetime.timedelta(days=self.deadline_days)


class DataSetSection(models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("name"), max_length=300)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    elements: models.ManyToManyField[DataElement, DataSetElement] = models.ManyToManyField(
        DataElement, through="DataSetElement", related_name="sections"
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["data_set", "sort_order"]

    def __str__(self) -> str:
        return self.name


class DataSetElement(models.Model):
    section = models.ForeignKey(DataSetSection, on_delete=models.CASCADE, related_name="items")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="placements")
    sort_order = models.PositiveSmallIntegerField(default=0)
    levels = models.JSONField(
        _("levels"),
        default=list,
        blank=True,
        help_text=_("Levels that report this element in this form (all of the form's if empty)."),
    )
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_("The form cannot be submitted while this cell is empty."),
    )

    class Meta:
        ordering = ["section__sort_order", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "element"], name="dataset_element_once")
        ]

    def __str__(self) -> str:
        return f"{self.section} · {self.element}"


class Period(models.Model):
    id = models.CharField(primary_key=True, max_length=10)
    type = models.CharField(max_length=20, choices=[(t.value, t.value) for t in PeriodType])
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start_date", "type"]

    def __str__(self) -> str:
        return self.spec.label_vi()

    @property
    def spec(self) -> PeriodSpec:
        return PeriodSpec(self.start_date, self.end_date, PeriodType(self.type), self.id)


class DataValue(models.Model):
    """One figure: element × organization type (or none) × unit × period."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported")
        DERIVED = "derived", _("Derived from registries")

    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    # Neither this nor `stored_by` has an index of its own: every read names the unit or
    # the element first, and an index costs every write (an import's value insert;
    # benchmarks/README.md). Deleting a type or a user, which `PROTECT` refuses anyway
    # while a value names it, scans the table instead.
    organization_type = models.ForeignKey(
        OrganizationType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="values",
        db_index=False,
    )
    # No index of its own: `datavalue_unit_period_element` begins with the unit.
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="values", db_index=False
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=20, decimal_places=4)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    revision = models.PositiveIntegerField(default=1)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(
                fields=["element", "organization_type", "unit", "period"],
                condition=models.Q(organization_type__isnull=False),
                name="datavalue_unique_with_option",
            ),
            models.UniqueConstraint(
                fields=["element", "unit", "period"],
                condition=models.Q(organization_type__isnull=True),
                name="datavalue_unique_without_option",
            ),
        ]
        # With the element in it, "which units hold figures of these forms" and a unit's
        # own figures are read from the index alone: on (unit, period) the planner preferred
        # scanning a whole period (values arrive year by year), 25 ms instead of 0,3 ms
        # per province at a tenth of the country (benchmarks/README.md, ranking).
        indexes = [
            models.Index(fields=["unit", "period", "element"], name="datavalue_unit_period_element")
        ]

    def __str__(self) -> str:
        return f"{self.element.code} {self.unit.code} {self.period_id} = {self.value}"


class DataValueAudit(models.Model):
    """Every change of a figure: never updated, never deleted.

    Its references are not database constraints (`db_constraint=False`, as history tables
    commonly are, e.g. django-simple-history's): every audit row is written in the
    transaction that writes its figure, from the same ids, and those the value table's
    constraints check. Checking them twice was half of an import's COMMIT on PostgreSQL
    (the deferred checks run one row at a time there; benchmarks/README.md). Deleting what
    an audit row names is still refused (`PROTECT`, by Django), so the log keeps its
    meaning. Only the indexes a query reads are kept: a cell's history
    (`audit_cell_idx`, which also serves the element's lookups), the unit's (scope,
    protection of a unit) and the date (the admin's order).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    element = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    organization_type = models.ForeignKey(
        OrganizationType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    old_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=DataValue.Source.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("figure change")
        verbose_name_plural = _("figure changes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["element", "unit", "period"], name="audit_cell_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.element_id} {self.unit_id} {self.period_id}"


class Submission(models.Model):
    """The state of one form: (data set, unit, organization, period)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="submissions"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "unit", "organization", "period"],
                condition=models.Q(organization__isnull=False),
                name="submission_one_per_organization_form",
            ),
            models.UniqueConstraint(
                fields=["data_set", "unit", "period"],
                condition=models.Q(organization__isnull=True),
                name="submission_one_per_unit_form",
            ),
        ]
        # The forms of many units for a period (coverage, the basis of own figures): the
        # planner otherwise scans the whole period (benchmarks/README.md, ranking).
        indexes = [models.Index(fields=["unit", "period"], name="submission_unit_period")]

    def __str__(self) -> str:
        who = self.organization or self.unit
        return f"{self.data_set.code} · {who} · {self.period_id}"

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)


class SubmissionEvent(models.Model):
    """Audit of every workflow transition."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Submission.Status.choices)
    to_status = models.CharField(max_length=10, choices=Submission.Status.choices)
    action = models.CharField(max_length=20)
    comment = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.from_status} → {self.to_status}"


class ValidationRule(models.Model):
    class Operator(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "<"
        EQ = "==", "="
        GE = ">=", "≥"
        GT = ">", ">"
        NE = "!=", "≠"

    class Severity(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Warning")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    left = models.CharField(_("left side"), max_length=500)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right side"), max_length=500)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.ERROR
    )
    message = models.CharField(_("message"), max_length=500)
    data_sets = models.ManyToManyField(DataSet, verbose_name=_("data sets"), related_name="rules")
    is_active = models.BooleanField(_("active"), default=True)
    catalogue_version = models.CharField(_("catalogue version"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
