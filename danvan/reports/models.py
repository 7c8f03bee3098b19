from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from danvan.geography.models import AdministrativeUnit


class ReportProfile(models.Model):
    """Who issues and signs the review report, and to whom it goes — for a time span.

    Bodies, symbols and signers change (Hậu Giang's Tỉnh ủy until 30/6/2025, Thành ủy Cần
    Thơ since 1/7/2025): a report takes the profile valid on its date, the one closest to
    its unit (a profile without a unit applies everywhere).
    """

    name = models.CharField(_("name"), max_length=200)
    scope_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("for unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Reports of this unit and the units under it; empty: every unit."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    parent_body = models.CharField(
        _("parent body line"),
        max_length=200,
        blank=True,
        help_text=_("Printed above the issuing body, e.g. TỈNH ỦY HẬU GIANG above BAN DÂN VẬN."),
    )
    issuer = models.CharField(_("issuing body"), max_length=200, help_text="TỈNH ỦY HẬU GIANG")
    reporting_body = models.CharField(
        _("reporting body in the text"),
        max_length=200,
        help_text="Ban Thường vụ Tỉnh ủy Hậu Giang",
    )
    board = models.CharField(
        _("mass mobilization board"), max_length=200, help_text="Ban Dân vận Tỉnh ủy"
    )
    symbol_pattern = models.CharField(
        _("document symbol"),
        max_length=100,
        default="Số {number}-BC/TU",
        help_text=_("{number} is the document number, left blank until it is registered."),
    )
    place = models.CharField(_("place"), max_length=100, help_text="Hậu Giang")
    signing_for = models.CharField(_("signing for"), max_length=100, default="T/M BAN THƯỜNG VỤ")
    signer_position = models.CharField(_("signer's position"), max_length=100)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    recipients = models.TextField(_("recipients"), help_text=_("One recipient a line."))

    class Meta:
        verbose_name = _("report profile")
        verbose_name_plural = _("report profiles")
        ordering = ["scope_unit__path", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="report_profile_valid_span",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end of validity is before its start.")})
        try:
            self.symbol_pattern.format(number="")
        except (KeyError, IndexError, ValueError) as error:
            raise ValidationError(
                {"symbol_pattern": _("Only the placeholder {number} may be used.")}
            ) from error

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip().lstrip("-").strip() for line in self.recipients.splitlines() if line]


class ReportJob(models.Model):
    """One report file asked for on the report page, made by the task worker.

    Its owner alone sees it; the page polls its progress and offers the file when done.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs"
    )
    resolution = models.ForeignKey(
        "indicators.Resolution", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey("datasets.Period", on_delete=models.CASCADE, related_name="+")
    baseline = models.ForeignKey(
        "datasets.Period", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    report_date = models.DateField(_("report date"), null=True, blank=True)
    target_rule = models.CharField(_("target in force"), max_length=10, blank=True)
    format = models.CharField(_("format"), max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    final = models.BooleanField(_("final report"), default=False)
    final_report = models.ForeignKey(
        "FinalReport", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stored_path = models.CharField(max_length=500, blank=True, editable=False)
    filename = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename or self.format} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def path(self) -> Path:
        return Path(self.stored_path)


class FinalReport(models.Model):
    """A final review report as issued: the snapshot of the figures, coverage and approval
    states it was made from (canonical JSON, the exact text hashed) and its SHA-256.

    One row per issuance, never changed: it is also the audit of who issued the report,
    when, from where and through what. The report is regenerated from the snapshot, so
    later edits of the figures do not change it.
    """

    class Via(models.TextChoices):
        PAGE = "page", _("Report page")
        API = "api", _("API")
        COMMAND = "command", _("Command")

    resolution = models.ForeignKey(
        "indicators.Resolution", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("datasets.Period", on_delete=models.PROTECT, related_name="+")
    baseline = models.ForeignKey(
        "datasets.Period", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_date = models.DateField(_("report date"))
    target_rule = models.CharField(_("target in force"), max_length=10)
    basis = models.CharField(_("figures counted"), max_length=10)
    number = models.CharField(_("document number"), max_length=40, blank=True)
    snapshot = models.TextField(_("snapshot"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_via = models.CharField(_("issued through"), max_length=10, choices=Via.choices)
    remote_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.resolution} · {self.unit} · {self.period_id} · {self.sha256[:12]}"
