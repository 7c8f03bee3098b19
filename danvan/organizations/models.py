from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.geography.models import AdministrativeUnit
from danvan.organizations.queries import OrganizationQuerySet


class OrganizationType(models.Model):
    """MTTQ and the five socio-political organizations. Rows, not code: loaded by a data
    migration and editable in the admin."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # How a body of this type is named at a unit: '{unit}' is replaced by the unit's name.
    unit_name_template = models.CharField(
        _("name at a unit"), max_length=200, help_text=_("e.g. 'Hội Nông dân {unit}'")
    )
    has_grassroots_branches = models.BooleanField(_("has branches at hamlet level"), default=True)
    branch_name_template = models.CharField(
        _("branch name at a hamlet"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'Chi hội Nông dân {unit}'"),
    )
    organised_by_workplace = models.BooleanField(
        _("organised by workplace"),
        default=False,
        help_text=_("Grassroots bodies sit in workplaces rather than hamlets (Trade Union)."),
    )

    class Meta:
        verbose_name = _("organization type")
        verbose_name_plural = _("organization types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.short_name


class Organization(models.Model):
    class Kind(models.TextChoices):
        TERRITORIAL = "territorial", _("Body at an administrative level")
        BRANCH = "branch", _("Grassroots branch in a hamlet")
        WORKPLACE = "workplace", _("Grassroots body in a workplace")

    type = models.ForeignKey(
        OrganizationType,
        verbose_name=_("organization type"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.TERRITORIAL
    )
    # A workplace body is attached to the unit where the workplace is, for scope and roll-up.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=255)
    workplace_name = models.CharField(_("workplace"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Bodies change with the hierarchy: since 1/7/2025 there are no district bodies and a
    # commune's organizations sit under its Front committee. Loaded from
    # structures/organization-bodies.yaml (load_organization_bodies), editable in the admin.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    front_committee = models.ForeignKey(
        "self",
        verbose_name=_("under the Front committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies_under",
        help_text=_("The Fatherland Front committee of the same unit this body is placed under."),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["unit__path", "type__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "unit"],
                condition=models.Q(kind__in=["territorial", "branch"]),
                name="organization_one_per_type_and_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="workplace") | ~models.Q(workplace_name=""),
                name="organization_workplace_named",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="organization_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.unit_id or not self.type_id:
            return
        is_hamlet = self.unit.level == AdministrativeUnit.Level.HAMLET
        if self.kind == self.Kind.TERRITORIAL and is_hamlet:
            raise ValidationError({"kind": _("At hamlet level an organization is a branch.")})
        if self.kind == self.Kind.BRANCH and not is_hamlet:
            raise ValidationError({"kind": _("Branches are at hamlet level.")})
        if self.kind == self.Kind.WORKPLACE and not self.type.organised_by_workplace:
            raise ValidationError(
                {"kind": _("This organization type is not organised by workplace.")}
            )
        if self.parent is not None and self.parent.type_id != self.type_id:
            raise ValidationError(
                {"parent": _("The parent must be of the same organization type.")}
            )
        front = self.front_committee
        if front is not None and (front.unit_id != self.unit_id or front.pk == self.pk):
            raise ValidationError(
                {"front_committee": _("The Front committee must be another body of the same unit.")}
            )
        unit = self.unit
        if (self.valid_from and unit.valid_from and self.valid_from < unit.valid_from) or (
            self.valid_to and unit.valid_to and self.valid_to > unit.valid_to
        ):
            raise ValidationError(
                {"valid_from": _("A body cannot exist outside the validity of its unit.")}
            )

    def is_valid_on(self, day: datetime.date) -> bool:
        """The body existed on `day`: its own validity and its unit's."""
        return (
            (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
            and self.unit.is_valid_on(day)
        )
