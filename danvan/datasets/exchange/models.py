from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded file: checked (dry run) first, applied only when its owner confirms.

    The file stays on disk until applied, so confirming re-reads and re-validates exactly
    what was previewed.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    format = models.CharField(_("format"), max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    # Where the upload (then the confirmation) came from: carried into every audit row.
    remote_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    # An office's own workbook is read through a mapping, for the period given at upload
    # (empty: the period its title names).
    mapping = models.ForeignKey(
        "exchange.WorkbookMapping",
        verbose_name=_("workbook mapping"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def path(self) -> Path:
        return Path(self.stored_path)

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.CHECKING, self.Status.APPLYING)

    @property
    def summary(self) -> dict[str, Any]:
        return self.result or self.preview


class Dhis2Identifier(models.Model):
    """A DHIS2 object (by its UID) and the danvan element, unit, organization type or data
    set it stands for, imported from a DHIS2 metadata export.

    Files may then name things by DHIS2 UID, by the DHIS2 code or name, or by a DHIS2
    attribute value (`idScheme=ATTRIBUTE:<uid>`), all resolved through this table.
    """

    class Kind(models.TextChoices):
        ELEMENT = "element", _("data element")
        UNIT = "unit", _("unit")
        OPTION = "option", _("category option combo (organization type)")
        DATA_SET = "data_set", _("data set")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    uid = models.CharField(_("DHIS2 UID"), max_length=11)
    code = models.CharField(_("DHIS2 code"), max_length=100, blank=True)
    name = models.CharField(_("DHIS2 name"), max_length=300, blank=True)
    attributes = models.JSONField(_("attribute values"), default=dict, blank=True)
    element = models.ForeignKey(
        "datasets.DataElement", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "geography.AdministrativeUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    organization_type = models.ForeignKey(
        "organizations.OrganizationType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    data_set = models.ForeignKey(
        "datasets.DataSet", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("DHIS2 identifier")
        verbose_name_plural = _("DHIS2 identifiers")
        constraints = [
            models.UniqueConstraint(fields=["kind", "uid"], name="dhis2_identifier_unique_uid"),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="element",
                        element__isnull=False,
                        unit__isnull=True,
                        organization_type__isnull=True,
                        data_set__isnull=True,
                    )
                    | models.Q(
                        kind="unit",
                        element__isnull=True,
                        unit__isnull=False,
                        organization_type__isnull=True,
                        data_set__isnull=True,
                    )
                    | models.Q(
                        kind="option",
                        element__isnull=True,
                        unit__isnull=True,
                        organization_type__isnull=False,
                        data_set__isnull=True,
                    )
                    | models.Q(
                        kind="data_set",
                        element__isnull=True,
                        unit__isnull=True,
                        organization_type__isnull=True,
                        data_set__isnull=False,
                    )
                ),
                name="dhis2_identifier_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uid}"

    @property
    def target_code(self) -> str:
        """danvan's code of what this UID stands for (a GSO code for a unit)."""
        target = self.element or self.unit or self.organization_type or self.data_set
        return str(getattr(target, "code", ""))


class WorkbookMapping(models.Model):
    """How to read an office's own workbook: which sheet, which row holds the headers,
    which column names the unit, which columns are which figures, which rows to skip.

    Made once from a sample file and reused for every file of that layout. It belongs to
    a unit (edited by those who may write its figures) and may be shared with other
    units in its maker's scope, whose users may then use it, not change it.
    """

    unit = models.ForeignKey(
        "geography.AdministrativeUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The maker's organization restriction: only users of that organization may change it.
    organization_type = models.ForeignKey(
        "organizations.OrganizationType",
        verbose_name=_("organization type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    sheet = models.CharField(_("sheet"), max_length=100)
    header_row = models.PositiveIntegerField(_("header row"))
    first_data_row = models.PositiveIntegerField(_("first data row"))
    unit_column = models.CharField(_("unit column"), max_length=3)
    unit_header = models.CharField(_("unit column header"), max_length=300, blank=True)
    # [{"column": "C", "header": "Tổng số hội viên", "element": "members", "option": "hnd"}]
    columns = models.JSONField(_("figure columns"), default=list)
    skip_labels = models.JSONField(_("rows to skip"), default=list, blank=True)
    # Levels of the units whose rows are read (empty: all); rows of units at other levels
    # (a district's subtotal among its communes) are skipped and listed.
    unit_levels = models.JSONField(_("unit levels read"), default=list, blank=True)
    shared_with = models.ManyToManyField(
        "geography.AdministrativeUnit",
        verbose_name=_("shared with"),
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workbook mapping")
        verbose_name_plural = _("workbook mappings")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"], name="workbook_mapping_unique_name_per_unit"
            ),
            models.CheckConstraint(
                condition=models.Q(first_data_row__gt=models.F("header_row")),
                name="workbook_mapping_data_below_headers",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkbookMappingEvent(models.Model):
    """Audit of a workbook mapping: who made, changed, shared or deleted it, and what it
    said afterwards (kept when the mapping is deleted)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        SHARE = "share", _("Sharing changed")
        DELETE = "delete", _("Deleted")

    mapping = models.ForeignKey(
        WorkbookMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    mapping_name = models.CharField(max_length=200)
    unit = models.ForeignKey(
        "geography.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workbook mapping event")
        verbose_name_plural = _("workbook mapping events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.mapping_name}: {self.get_action_display()}"
