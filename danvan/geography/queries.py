"""Reads over the administrative hierarchy."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from danvan.lib.text import fold

if TYPE_CHECKING:
    from danvan.geography.models import AdministrativeUnit, HierarchyVersion


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def in_version(self, version: HierarchyVersion | str) -> AdministrativeUnitQuerySet:
        if isinstance(version, str):
            return self.filter(version__code=version)
        return self.filter(version=version)

    def at_level(self, level: int) -> AdministrativeUnitQuerySet:
        return self.filter(level=level)

    def within(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        """The unit and everything under it."""
        return self.filter(version_id=unit.version_id, path__startswith=unit.path)

    def descendants_of(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        return self.within(unit).exclude(pk=unit.pk)

    def ancestors_of(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        return self.filter(version_id=unit.version_id, code__in=unit.ancestor_codes).order_by(
            "level"
        )

    def valid_on(self, day: datetime.date) -> AdministrativeUnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def search(self, text: str) -> AdministrativeUnitQuerySet:
        """Every word of `text` starts a word of the name, with or without diacritics:
        'vi thuy' finds 'Huyện Vị Thủy', 'mot a' finds 'Xã Một A' but not 'Xã Zeta Một'."""
        queryset = self
        for word in fold(text).split():
            queryset = queryset.filter(
                Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
            )
        return queryset


def unit_ancestors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    from danvan.geography.models import AdministrativeUnit

    return list(AdministrativeUnit.objects.ancestors_of(unit))


def unit_successors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    from danvan.geography.models import AdministrativeUnit

    return list(
        AdministrativeUnit.objects.filter(successions_in__predecessor=unit).order_by("path")
    )


def unit_predecessors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    from danvan.geography.models import AdministrativeUnit

    return list(AdministrativeUnit.objects.filter(successions_out__successor=unit).order_by("path"))


def units_holding_place_on(
    unit: AdministrativeUnit, day: datetime.date
) -> list[AdministrativeUnit]:
    """The unit(s) that administered `unit`'s territory on `day`, following successions.

    A split unit maps to several units; a merged one to the one that absorbed it.
    """
    if unit.is_valid_on(day):
        return [unit]
    going_forward = unit.valid_to is not None and day > unit.valid_to
    frontier = [unit]
    seen = {unit.pk}
    found: list[AdministrativeUnit] = []
    while frontier:
        step: list[AdministrativeUnit] = []
        for node in frontier:
            nexts = unit_successors(node) if going_forward else unit_predecessors(node)
            for candidate in nexts:
                if candidate.pk in seen:
                    continue
                seen.add(candidate.pk)
                (found if candidate.is_valid_on(day) else step).append(candidate)
        frontier = step
    return sorted(found, key=lambda u: u.path)


def units_with_counts(queryset: AdministrativeUnitQuerySet) -> AdministrativeUnitQuerySet:
    """Annotate each unit with the number of districts, communes and hamlets under it."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from danvan.geography.models import AdministrativeUnit

    def below(level: int) -> Subquery:
        counted = (
            AdministrativeUnit.objects.filter(
                version_id=OuterRef("version_id"),
                path__startswith=OuterRef("path"),
                level=level,
                level__gt=OuterRef("level"),
            )
            .order_by()
            .values("version_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Subquery(counted, output_field=IntegerField())

    return queryset.annotate(district_count=below(2), commune_count=below(3), hamlet_count=below(4))
