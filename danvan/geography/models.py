from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from danvan.geography.queries import AdministrativeUnitQuerySet
from danvan.lib.text import fold


class HierarchyVersion(models.Model):
    """One consistent set of administrative units, e.g. before and after the 2025 reform."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    has_district_level = models.BooleanField(_("has district level"), default=True)

    class Meta:
        verbose_name = _("hierarchy version")
        verbose_name_plural = _("hierarchy versions")
        ordering = ["valid_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="hierarchyversion_valid_interval",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class AdministrativeUnit(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        DISTRICT = 2, _("district")
        COMMUNE = 3, _("commune")
        HAMLET = 4, _("hamlet")

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        URBAN_DISTRICT = "urban_district", _("Urban district")
        RURAL_DISTRICT = "rural_district", _("Rural district")
        TOWN = "town", _("Town")
        COMMUNE = "commune", _("Commune")
        WARD = "ward", _("Ward")
        TOWNSHIP = "township", _("Township")
        SPECIAL_ZONE = "special_zone", _("Special zone")
        HAMLET = "hamlet", _("Hamlet")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")

    KINDS_BY_LEVEL: ClassVar[dict[int, set[str]]] = {
        Level.PROVINCE: {Kind.PROVINCE, Kind.CITY},
        Level.DISTRICT: {Kind.CITY, Kind.URBAN_DISTRICT, Kind.RURAL_DISTRICT, Kind.TOWN},
        Level.COMMUNE: {Kind.COMMUNE, Kind.WARD, Kind.TOWNSHIP, Kind.SPECIAL_ZONE},
        Level.HAMLET: {Kind.HAMLET, Kind.NEIGHBOURHOOD},
    }
    PATH_SEPARATOR: ClassVar[str] = "/"

    version = models.ForeignKey(
        HierarchyVersion,
        verbose_name=_("hierarchy version"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    code = models.CharField(_("GSO code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # '/93/930/31318/': GSO codes from the root, so a subtree is one indexed prefix match.
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source_key = models.CharField(
        _("source key"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Identifier in the source dataset (vietnamadminunits), for succession links."),
    )
    is_generated = models.BooleanField(
        _("generated for the demo"),
        default=False,
        help_text=_("Hamlets are in no public dataset; generated ones are marked."),
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="unit_unique_code_per_version"
            ),
            models.UniqueConstraint(
                fields=["version", "path"], name="unit_unique_path_per_version"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="unit_level_range"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="unit_valid_interval",
            ),
        ]
        indexes = [models.Index(fields=["version", "level"], name="unit_version_level_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = self.compute_path()
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.kind and self.level and self.kind not in self.KINDS_BY_LEVEL.get(self.level, set()):
            errors["kind"] = _("A unit of this kind cannot be at this level.")
        parent = self.parent
        if parent is None:
            if self.level and self.level != self.Level.PROVINCE:
                errors["parent"] = _("Only a province has no parent unit.")
        else:
            if self.pk is not None and parent.pk == self.pk:
                errors["parent"] = _("A unit cannot be its own parent.")
            elif self.pk is not None and self._is_ancestor_of(parent):
                errors["parent"] = _("This parent would make a cycle in the hierarchy.")
            elif parent.version_id != self.version_id:
                errors["parent"] = _("The parent unit belongs to another hierarchy version.")
            elif self.level and not self._parent_level_allowed(parent.level):
                errors["parent"] = _("The parent unit is at the wrong level for this unit.")
        if errors:
            raise ValidationError(errors)

    def _parent_level_allowed(self, parent_level: int) -> bool:
        if self.level == self.Level.COMMUNE:
            # Since 1/7/2025 there is no district level: communes hang from the province.
            return parent_level in (self.Level.PROVINCE, self.Level.DISTRICT)
        return parent_level == self.level - 1

    def _is_ancestor_of(self, other: AdministrativeUnit) -> bool:
        node: AdministrativeUnit | None = other
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            if node.pk == self.pk:
                return True
            seen.add(node.pk)
            node = node.parent
        return False

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent is not None else self.PATH_SEPARATOR
        return f"{prefix}{self.code}{self.PATH_SEPARATOR}"

    @property
    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.split(self.PATH_SEPARATOR) if code][:-1]

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class UnitSuccession(models.Model):
    """Old unit -> new unit when a hierarchy changes; share < 1 where the old unit was split."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("old unit"),
        on_delete=models.CASCADE,
        related_name="successions_out",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("new unit"),
        on_delete=models.CASCADE,
        related_name="successions_in",
    )
    share = models.DecimalField(
        _("share transferred"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Fraction of the old unit that went to the new unit (1 = all of it)."),
    )

    class ShareBasis(models.TextChoices):
        WHOLE = "whole", _("The whole unit")
        EQUAL = "equal", _("Equal shares (estimate, not yet set)")
        HOUSEHOLDS = "households", _("Households")
        POPULATION = "population", _("Population")
        AREA = "area", _("Area")
        OTHER = "other", _("Other (see note)")

    share_basis = models.CharField(
        _("share based on"),
        max_length=12,
        choices=ShareBasis.choices,
        default=ShareBasis.WHOLE,
        help_text=_("What the share was set from; equal shares are an estimate."),
    )
    share_note = models.TextField(_("note on the share"), blank=True)
    is_partial = models.BooleanField(_("partial transfer"), default=False)
    is_main_successor = models.BooleanField(
        _("main successor"),
        default=True,
        help_text=_("For a split unit, the new unit that carries its name and records."),
    )
    effective_date = models.DateField(_("effective date"))
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["predecessor__path", "successor__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_unique_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(share__gte=0, share__lte=1), name="succession_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    @property
    def is_estimate(self) -> bool:
        return self.share_basis == self.ShareBasis.EQUAL

    def clean(self) -> None:
        if (
            self.predecessor_id
            and self.successor_id
            and self.predecessor.version_id == self.successor.version_id
        ):
            raise ValidationError(_("A succession links units of two different versions."))


class SuccessionShareChange(models.Model):
    """Audit of every change of a succession's share: never updated, never deleted."""

    succession = models.ForeignKey(
        UnitSuccession, on_delete=models.CASCADE, related_name="share_changes"
    )
    old_share = models.DecimalField(max_digits=5, decimal_places=4)
    new_share = models.DecimalField(max_digits=5, decimal_places=4)
    old_basis = models.CharField(max_length=12)
    new_basis = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("share change")
        verbose_name_plural = _("share changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.succession}: {self.old_share} → {self.new_share}"


class UnitCarry(models.Model):
    """Derived from the successions (`carry_links_rebuild`): the figures of `source` go to
    `target`, a unit with no successor of its own, times `weight` — the product of the
    shares along the chain. `estimated` when any share on the chain is an estimate."""

    source = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="carried_to", db_index=False
    )
    target = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    weight = models.DecimalField(max_digits=12, decimal_places=8)
    estimated = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("carried figures link")
        verbose_name_plural = _("carried figures links")
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="unitcarry_once")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} × {self.weight}"
