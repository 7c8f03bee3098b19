"""Figures across hierarchy versions: succession chains composed into carry links.

An old unit's figures go to the units that succeeded it by their shares; chains compose
(a 2019 change, then the 2025 merger), so every unit that has successors is linked to
the units at the end of its chains (units with no successor) with the product of the
shares on the way. The sums (`indicators/sums.py`) add carried figures to those units
and their ancestors as they add a unit's own figures to its ancestors; rates are then
carried numerator over carried denominator, as everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.geography.models import (
    AdministrativeUnit,
    SuccessionShareChange,
    UnitCarry,
    UnitSuccession,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

Edge = tuple[int, Decimal, bool]  # successor, share, estimate


def _edges() -> dict[int, list[Edge]]:
    edges: dict[int, list[Edge]] = defaultdict(list)
    for predecessor, successor, share, basis in UnitSuccession.objects.values_list(
        "predecessor_id", "successor_id", "share", "share_basis"
    ):
        edges[predecessor].append((successor, share, basis == UnitSuccession.ShareBasis.EQUAL))
    return edges


def _ends(
    unit_id: int, edges: dict[int, list[Edge]], trail: tuple[int, ...] = ()
) -> dict[int, tuple[Decimal, bool]]:
    """The units at the end of `unit_id`'s chains: {unit: (weight, estimated)}."""
    if unit_id in trail:
        names = dict(
            AdministrativeUnit.objects.filter(pk__in=[*trail, unit_id]).values_list("pk", "name")
        )
        loop = " → ".join(
            names.get(pk, str(pk)) for pk in (*trail[trail.index(unit_id) :], unit_id)
        )
        raise ValidationError(_("The successions make a loop: %(loop)s.") % {"loop": loop})
    found: dict[int, tuple[Decimal, bool]] = {}
    for successor, share, estimate in edges.get(unit_id, []):
        further = edges.get(successor)
        ends = (
            _ends(successor, edges, (*trail, unit_id))
            if further
            else {successor: (Decimal(1), False)}
        )
        for end, (weight, estimated) in ends.items():
            before = found.get(end, (Decimal(0), False))
            found[end] = (before[0] + share * weight, before[1] or estimated or estimate)
    return found


def carry_links_rebuild(sources: Iterable[int] | None = None) -> int:
    """Recompose the carry links (of `sources`, or of every unit with successors)."""
    edges = _edges()
    chosen = sorted(edges) if sources is None else sorted(set(sources) & set(edges))
    links = (
        UnitCarry.objects.all()
        if sources is None
        else UnitCarry.objects.filter(source_id__in=list(sources))
    )
    links.delete()
    rows = [
        UnitCarry(source_id=source, target_id=target, weight=weight, estimated=estimated)
        for source in chosen
        for target, (weight, estimated) in _ends(source, edges).items()
    ]
    UnitCarry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _upstream(unit_id: int) -> set[int]:
    """The unit and every unit whose chains pass through it."""
    back: dict[int, set[int]] = defaultdict(set)
    for predecessor, successor in UnitSuccession.objects.values_list(
        "predecessor_id", "successor_id"
    ):
        back[successor].add(predecessor)
    found, todo = {unit_id}, [unit_id]
    while todo:
        for earlier in back.get(todo.pop(), ()):
            if earlier not in found:
                found.add(earlier)
                todo.append(earlier)
    return found


def share_warnings(predecessor: AdministrativeUnit) -> list[str]:
    """What is wrong with the shares of one old unit (they should add up to 1)."""
    links = list(predecessor.successions_out.select_related("successor"))
    if not links:
        return []
    total = sum((link.share for link in links), Decimal(0))
    if total == 1:
        return []
    return [
        _(
            "The shares of %(unit)s add up to %(total)s, not 1: %(missing)s of its figures "
            "go nowhere."
        )
        % {"unit": predecessor.name, "total": f"{total:.4f}", "missing": f"{1 - total:.4f}"}
        if total < 1
        else _(
            "The shares of %(unit)s add up to %(total)s, more than 1: figures are counted twice."
        )
        % {"unit": predecessor.name, "total": f"{total:.4f}"}
    ]


@transaction.atomic
def succession_share_set(
    *, actor: User, succession: UnitSuccession, share: Decimal, basis: str, note: str = ""
) -> list[str]:
    """Set one share (audited) and re-carry exactly the history it touches; returns the
    warnings about the old unit's shares (e.g. they no longer add up to 1)."""
    from danvan.accounts import access
    from danvan.indicators.sums import sums_restore, sums_retract

    if not access.can_manage(actor) or not access.can_view_unit(actor, succession.predecessor):
        raise PermissionDenied(_("Only an administrator of the unit may set its shares."))
    if not (Decimal(0) <= share <= Decimal(1)):
        raise ValidationError(
            _("A share is between 0 and 1 (%(unit)s → %(successor)s: %(share)s).")
            % {
                "unit": succession.predecessor,
                "successor": succession.successor,
                "share": share,
            }
        )
    if basis not in UnitSuccession.ShareBasis.values:
        raise ValidationError(_("Unknown basis of a share: %(basis)s.") % {"basis": basis})
    stored = UnitSuccession.objects.select_for_update().get(pk=succession.pk)
    affected = sorted(_upstream(stored.predecessor_id))
    sums_retract(unit_ids=affected)
    SuccessionShareChange.objects.create(
        succession=stored,
        old_share=stored.share,
        new_share=share,
        old_basis=stored.share_basis,
        new_basis=basis,
        note=note,
        user=actor,
    )
    stored.share, stored.share_basis, stored.share_note = share, basis, note
    stored.save(update_fields=["share", "share_basis", "share_note"])
    carry_links_rebuild(affected)
    sums_restore(unit_ids=affected)
    succession.share, succession.share_basis, succession.share_note = share, basis, note
    return share_warnings(stored.predecessor)


@transaction.atomic
def succession_save(*, actor: User, succession: UnitSuccession) -> list[str]:
    """Save a succession edited by an administrator: a share change is audited and
    re-carried (`succession_share_set`); a new or re-pointed link re-carries the history
    of every unit whose chains it changes."""
    from danvan.accounts import access
    from danvan.indicators.sums import sums_restore, sums_retract

    if not access.can_manage(actor):
        raise PermissionDenied(_("Only an administrator may change successions."))
    for unit in (succession.predecessor, succession.successor):
        if not access.can_view_unit(actor, unit):
            raise PermissionDenied(_("You may only link units within your own scope."))
    stored = UnitSuccession.objects.filter(pk=succession.pk).first() if succession.pk else None
    if stored is not None and (stored.predecessor_id, stored.successor_id) == (
        succession.predecessor_id,
        succession.successor_id,
    ):
        wanted = (succession.share, succession.share_basis, succession.share_note)
        rest = ["is_partial", "is_main_successor", "effective_date", "source"]
        for name in rest:
            setattr(stored, name, getattr(succession, name))
        stored.save(update_fields=rest)
        if wanted != (stored.share, stored.share_basis, stored.share_note):
            return succession_share_set(
                actor=actor,
                succession=stored,
                share=wanted[0],
                basis=wanted[1],
                note=wanted[2],
            )
        return share_warnings(stored.predecessor)
    affected = set(_upstream(succession.predecessor_id))
    if stored is not None:
        affected |= _upstream(stored.predecessor_id)
    ordered = sorted(affected)
    sums_retract(unit_ids=ordered)
    succession.full_clean()
    succession.save()
    affected |= _upstream(succession.predecessor_id)
    carry_links_rebuild(affected)
    sums_restore(unit_ids=sorted(affected))
    return share_warnings(succession.predecessor)
