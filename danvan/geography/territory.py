"""A resolution's territory presented in the units of another hierarchy version.

A resolution covers a territory: the unit it was issued for, in the version of its day
(06-NQ/TU: Hậu Giang as it was in 2016). A report or dashboard can present it in the
units of a newer version (the new Cần Thơ city and its communes since 1/7/2025): then,

- for a period reported in an older version (the period ends before the newer version
  came into force), the territory's figures are the old unit's own sums — exactly the
  territory the resolution covered;
- for a period reported in the newer version, they are the figures of the newer units
  that took over the territory: the units under the presentation unit that receive
  carried figures from the old unit's subtree (`UnitCarry`), each at the levels at and
  below its own, and the presentation unit itself at its own level (the city's own
  bodies after the merger). A level between them that the newer version does not have
  (districts since 1/7/2025) has no units: its parts end there.

A newer unit that also took over land from outside the territory (a commune formed from
communes of two old provinces) is counted whole and named in `partly_outside`, so the
report can say so.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from danvan.geography.models import AdministrativeUnit, HierarchyVersion, UnitCarry


class TerritoryError(ValueError):
    """The unit cannot present the territory (with a message for the user)."""


@dataclass
class Territory:
    scope: AdministrativeUnit  # what the resolution covers, in its own version
    unit: AdministrativeUnit  # where the figures are presented (the report's unit)
    # Units of `unit`'s version under it that took over part of `scope`'s territory.
    takers: list[AdministrativeUnit] = field(default_factory=list)
    # Of those, the ones that also took over land from outside the territory.
    partly_outside: list[AdministrativeUnit] = field(default_factory=list)
    # `unit` holds every unit that took over the territory (the city for Hậu Giang); a
    # commune that took over a part of it presents its own share of the history only.
    whole: bool = True
    # `unit` itself took over part of the territory (a new commune).
    took_over: bool = False
    # `unit` itself received figures of the territory (the city from the old province,
    # a commune from old communes); a unit that did not (a new province holding a commune
    # that took over a part) has no figures of the territory at its own level.
    itself: bool = True
    # For a part of the territory, the carry links that bring it to `unit`'s subtree:
    # (old unit, level of the unit it went to, share, estimated).
    carried: list[tuple[int, int, Decimal, bool]] = field(default_factory=list, repr=False)

    # For a part of the territory: the old units it took over (their own values).
    _sources: list[tuple[AdministrativeUnit, bool]] = field(default_factory=list, repr=False)

    @property
    def is_carried(self) -> bool:
        """The territory is presented in the units of another version than its own."""
        return self.scope.version_id != self.unit.version_id

    @cached_property
    def version(self) -> HierarchyVersion:
        return self.unit.version

    def shares_before(self, period_end: datetime.date) -> bool:
        """A period before the presentation version whose figures are the shares carried
        from the territory's old units to `unit`'s subtree (`carried`), not sums: `unit`
        holds only part of the territory."""
        return self.is_carried and not self.whole and not self.in_presentation(period_end)

    def in_presentation(self, period_end: datetime.date) -> bool:
        """A period ending on `period_end` is reported in the presentation unit's version
        (its figures exist only there), not in the scope's."""
        if not self.is_carried:
            return True
        start = self.version.valid_from
        return start is None or period_end >= start

    def members(self, level: int, period_end: datetime.date) -> list[tuple[int, int]]:
        """(unit id, level read) whose figures make the territory's at `level`."""
        if not self.in_presentation(period_end):
            # The old unit's own sums when `unit` holds all of it; otherwise the figures
            # carried to `unit` (a commune: those of the old communes it took over).
            return [(self.scope.pk if self.whole else self.unit.pk, level)]
        if not self.is_carried:
            return [(self.unit.pk, level)]
        if level == self.unit.level:
            return [(self.unit.pk, level)] if self.itself else []
        found = [(unit.pk, level) for unit in self.takers if unit.level <= level]
        if self.took_over:
            found.append((self.unit.pk, level))
        return found

    def coverage_members(self, level: int, period_end: datetime.date) -> list[int]:
        """Unit ids whose coverage at `level` is the territory's: for part of it before
        the reform, the old units whose shares it reads; otherwise `members`."""
        if self.shares_before(period_end):
            return sorted({source for source, at, _w, _e in self.carried if at == level})
        return [unit_id for unit_id, _level in self.members(level, period_end)]

    def reads(self, levels: set[int], period_ends: dict[str, datetime.date]) -> set[int]:
        """Every unit id whose figures the territory reads for these levels and periods."""
        return {
            unit_id
            for level in levels
            for end in period_ends.values()
            for unit_id, _level in self.members(level, end)
        }

    def level_ended(self, level: int, period_end: datetime.date) -> bool:
        """The presentation version has no units at `level` for the territory (districts
        after the 2025 reform), while the scope's version had."""
        return (
            self.is_carried
            and self.in_presentation(period_end)
            and level != self.unit.level
            and not self.members(level, period_end)
        )

    @property
    def name(self) -> str:
        if not self.is_carried:
            return self.unit.name
        return f"{self.scope.name} (cũ)"

    def subtrees(self, period_end: datetime.date) -> list[tuple[AdministrativeUnit, bool]]:
        """(unit, with everything under it) whose raw values make the territory's in a
        period: the scope's subtree before the presentation version, afterwards the
        takers' subtrees and the presentation unit's own values."""
        if not self.in_presentation(period_end):
            if not self.whole:
                return [*self._sources]
            return [(self.scope, True)]
        if not self.is_carried:
            return [(self.unit, True)]
        own = [(self.unit, not self.takers)] if self.itself else []
        return [*own, *((unit, True) for unit in self.takers)]


def territory_of(scope: AdministrativeUnit, unit: AdministrativeUnit) -> Territory:
    """The territory of `scope` presented in `unit`: the same version (a unit at or under
    the scope), or a newer one whose units under `unit` took over the scope's territory
    through the succession links.

    Raises TerritoryError naming the unit, its version and the scope when they share no
    territory."""
    if unit.version_id == scope.version_id:
        if not unit.path.startswith(scope.path):
            raise TerritoryError(
                _("%(unit)s is not within %(scope)s.") % {"unit": unit, "scope": scope}
            )
        return Territory(scope=scope, unit=unit)
    sources = AdministrativeUnit.objects.filter(
        version_id=scope.version_id, path__startswith=scope.path
    )
    links = UnitCarry.objects.filter(
        target__version_id=unit.version_id,
        target__path__startswith=unit.path,
    ).values_list("target_id", "source_id", "source__path", "target__level", "weight", "estimated")
    inside: set[int] = set()
    outside: set[int] = set()
    taken_from: set[int] = set()
    source_paths = scope.path
    carried: list[tuple[int, int, Decimal, bool]] = []
    for target_id, source_id, source_path, target_level, weight, estimated in links:
        if source_path.startswith(source_paths):
            inside.add(target_id)
            taken_from.add(source_id)
            carried.append((source_id, target_level, weight, estimated))
        else:
            outside.add(target_id)
    # Does `unit` hold every unit of its version that took over part of the territory?
    elsewhere = (
        UnitCarry.objects.filter(
            target__version_id=unit.version_id,
            source__version_id=scope.version_id,
            source__path__startswith=scope.path,
        )
        .exclude(target__path__startswith=unit.path)
        .exists()
    )
    itself = unit.pk in inside
    inside.discard(unit.pk)
    if not (inside or itself) or not sources.exists():
        raise TerritoryError(
            _(
                "No unit of %(version)s under %(unit)s took over the territory of %(scope)s "
                "(no succession links lead there)."
            )
            % {"version": unit.version, "unit": unit, "scope": scope}
        )
    takers = list(AdministrativeUnit.objects.filter(pk__in=inside).order_by("path"))
    took_over = itself and not inside
    territory = Territory(
        scope=scope,
        unit=unit,
        takers=takers,
        # A commune that is itself the one taker is counted whole as well.
        partly_outside=[t for t in ([unit] if took_over else takers) if t.pk in outside],
        whole=not elsewhere,
        took_over=took_over,
        itself=itself,
    )
    if elsewhere:
        territory.carried = carried
        territory._sources = [
            (source, True)
            for source in AdministrativeUnit.objects.filter(pk__in=taken_from).order_by("path")
        ]
    return territory


def territory_units(scope: AdministrativeUnit) -> list[int]:
    """Ids of the units that can present `scope`'s territory: the units under it in its
    own version, and in every newer version the units that took over part of it (the
    carry targets of its units) with the units above them."""
    own = list(
        AdministrativeUnit.objects.filter(
            version_id=scope.version_id, path__startswith=scope.path
        ).values_list("pk", flat=True)
    )
    takers = list(
        AdministrativeUnit.objects.filter(
            pk__in=UnitCarry.objects.filter(
                source__version_id=scope.version_id, source__path__startswith=scope.path
            ).values("target_id")
        ).values_list("pk", "version_id", "path")
    )
    prefixes: dict[int, set[str]] = {}
    for _pk, version_id, path in takers:
        steps = path.strip("/").split("/")
        prefixes.setdefault(version_id, set()).update(
            "/" + "/".join(steps[:n]) + "/" for n in range(1, len(steps))
        )
    above: list[int] = []
    for version_id, paths in prefixes.items():
        above += AdministrativeUnit.objects.filter(
            version_id=version_id, path__in=paths
        ).values_list("pk", flat=True)
    return [*own, *(pk for pk, _v, _p in takers), *above]
