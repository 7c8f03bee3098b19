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
