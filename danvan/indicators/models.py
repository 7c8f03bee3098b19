from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.datasets.models import Period
from danvan.geography.models import AdministrativeUnit


class Resolution(models.Model):
    class Basis(models.TextChoices):
        APPROVED = "approved", _("Approved forms only")
        SUBMITTED = "submitted", _("Submitted and approved forms")
        ENTERED = "entered", _("Every figure entered (working view)")

    class TargetRule(models.TextChoices):
        """Which milestone of a target schedule is in force in a given year."""

        UPCOMING = (
            "upcoming",
            _("The nearest milestone at or after the year (after the last: the last)"),
        )
        REACHED = (
            "reached",
            _("The latest milestone not after the year (before the first: the first)"),
        )

    number = models.CharField(_("number"), max_length=40, unique=True, help_text="06-NQ/TU")
    issued_on = models.DateField(_("issued on"))
    issuing_body = models.CharField(_("issuing body"), max_length=300)
    title = models.TextField(_("title"))
    term_start = models.PositiveSmallIntegerField(_("term starts (year)"))
    term_end = models.PositiveSmallIntegerField(_("term ends (year)"))
    scope_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("issued for"),
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    source_file = models.CharField(_("definition file"), max_length=200, blank=True)
    basis = models.CharField(
        _("figures that count"),
        max_length=10,
        choices=Basis.choices,
        default=Basis.APPROVED,
        help_text=_("Which figures the results and the report rest on."),
    )
    target_rule = models.CharField(
        _("target in force"),
        max_length=10,
        choices=TargetRule.choices,
        default=TargetRule.UPCOMING,
        help_text=_("Which milestone of a target schedule a year is judged against."),
    )

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"Nghị quyết số {self.number}"

    @property
    def slug(self) -> str:
        return self.number.replace("/", "-")


class Indicator(models.Model):
    class StatusRule(models.TextChoices):
        """How the deciding parts' figures judge the indicator as a whole."""

        TARGETS = "targets", _("Each deciding part against its target")
        BASELINE = "baseline", _("Each deciding part against its baseline (more is better)")

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.TextField(_("name"))
    status_rule = models.CharField(
        _("judged by"),
        max_length=10,
        choices=StatusRule.choices,
        default=StatusRule.TARGETS,
        help_text=_(
            "Not met when a deciding part is not met; otherwise exceeded when one exceeds."
        ),
    )
    met_text = models.CharField(
        _("wording when met"),
        max_length=200,
        blank=True,
        help_text=_(
            "Printed in the annex for an indicator without a numeric target, e.g. "
            "Đảm bảo trang thiết bị làm việc."
        ),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["resolution", "number"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "number"], name="indicator_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name[:80]}"


class IndicatorPart(models.Model):
    """One computed figure of an indicator: numerator ÷ denominator × factor at a level."""

    class Accumulation(models.TextChoices):
        PERIOD = "period", _("Figures of the period")
        TERM = "term", _("Summed since the start of the term")

    class TargetKind(models.TextChoices):
        AT_LEAST = "at_least", _("At least")
        AT_MOST = "at_most", _("At most")
        RANGE = "range", _("Range")
        NONE = "none", _("No numeric target")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="parts")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    level_label = models.CharField(_("level label"), max_length=60, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    level = models.PositiveSmallIntegerField(
        _("level of the figures"),
        choices=AdministrativeUnit.Level.choices,
        help_text=_("Figures of the units at this level are summed."),
    )
    numerator = models.CharField(_("numerator"), max_length=500)
    denominator = models.CharField(_("denominator"), max_length=500, blank=True)
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=4, default=1)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    count_noun = models.CharField(
        _("what is counted"), max_length=40, blank=True, help_text=_("e.g. đồng chí, máy")
    )
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=2)
    accumulation = models.CharField(
        _("accumulation"), max_length=10, choices=Accumulation.choices, default=Accumulation.PERIOD
    )
    baseline_period = models.ForeignKey(
        Period,
        verbose_name=_("baseline period"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_kind = models.CharField(
        _("target kind"), max_length=10, choices=TargetKind.choices, default=TargetKind.AT_LEAST
    )
    decides = models.BooleanField(
        _("decides the indicator"),
        default=True,
        help_text=_("The indicator's status is judged from the parts that decide it."),
    )
    detail_numerator = models.CharField(
        _("of which (expression)"),
        max_length=500,
        blank=True,
        help_text=_("A figure printed beside the result, e.g. #{transfers_in_leaders}."),
    )
    detail_label = models.CharField(
        _("of which (words)"),
        max_length=100,
        blank=True,
        help_text=_("e.g. đồng chí giữ chức vụ lãnh đạo"),
    )
    valid_from = models.DateField(
        _("applies from"),
        null=True,
        blank=True,
        help_text=_("A part added after a reform (e.g. the city level from 1/7/2025)."),
    )
    valid_to = models.DateField(
        _("applies until"),
        null=True,
        blank=True,
        help_text=_("A part whose level ends (the district level until 30/6/2025)."),
    )
    show_previous_year = models.BooleanField(
        _("show the previous year"),
        default=False,
        help_text=_("The annex prints the year before the report's beside the result."),
    )

    class Meta:
        verbose_name = _("indicator part")
        verbose_name_plural = _("indicator parts")
        ordering = ["indicator__number", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["indicator", "code"], name="part_code_once")]

    def __str__(self) -> str:
        return f"{self.indicator.number}. {self.level_label} {self.name}".strip()

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)

    def applies_to(self, period_end: datetime.date) -> bool:
        """The part is judged for a period ending on `period_end`: a period's figures are
        those at its end, so a level that ended on 30/6/2025 has none for 2025."""
        return (self.valid_from is None or period_end >= self.valid_from) and (
            self.valid_to is None or period_end <= self.valid_to
        )


class Target(models.Model):
    part = models.ForeignKey(IndicatorPart, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("by year"))
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    upper = models.DecimalField(
        _("upper bound"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    every_year = models.BooleanField(
        _("every year"), default=False, help_text=_("The target holds each year from this one.")
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["part", "year"]
        constraints = [models.UniqueConstraint(fields=["part", "year"], name="target_year_once")]

    def __str__(self) -> str:
        bound = f"–{self.upper}" if self.upper is not None else ""
        return f"{self.value}{bound} ({self.year})"


class ElementSum(models.Model):
    """The materialisation: the figures of one element (and organization type) of the
    units at `level` summed into one unit above them, for one period — kept by difference
    as values are saved, imported and approved (`indicators/sums.py`).

    Three bases side by side, so an "approved only" read costs what an "everything" one
    does: every value entered, those of submitted or approved forms, those of approved
    forms. Counts say how many values each total rests on (averages divide by them).
    `option` is the organization type's id, 0 for figures without one (a real key, so
    the upsert has a unique constraint to meet on both databases).
    """

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    period_id = models.CharField(max_length=10)
    element_id = models.IntegerField()
    option = models.IntegerField(default=0)
    entered_total = models.DecimalField(max_digits=28, decimal_places=4, default=0)
    entered_count = models.IntegerField(default=0)
    submitted_total = models.DecimalField(max_digits=28, decimal_places=4, default=0)
    submitted_count = models.IntegerField(default=0)
    approved_total = models.DecimalField(max_digits=28, decimal_places=4, default=0)
    approved_count = models.IntegerField(default=0)
    # Values carried from a predecessor through a share that is only an estimate.
    estimated_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("element sum")
        verbose_name_plural = _("element sums")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "level", "period_id", "element_id", "option"],
                name="elementsum_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.level} {self.period_id} {self.element_id}.{self.option}"
