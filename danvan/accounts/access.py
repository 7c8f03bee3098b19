"""The one place that answers "may this user see / change this unit or organization?".

Every view, API endpoint, export, report and admin page asks here. Scope is the subtree of
the user's home unit (by materialised path) and, if set, the user's organization type.
A superuser sees everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from danvan.accounts.models import User
from danvan.geography.models import AdministrativeUnit
from danvan.geography.queries import AdministrativeUnitQuerySet
from danvan.organizations.models import Organization

if TYPE_CHECKING:
    from danvan.datasets.exchange.models import WorkbookMapping
    from danvan.datasets.models import Submission
    from danvan.indicators.models import Resolution

AnyUser = User | AnonymousUser
Role = User.Role

# Roles that may write figures for the units in their scope.
WRITE_ROLES = frozenset({Role.ADMINISTRATOR, Role.DATA_CLERK})
# Roles that may manage users and metadata within their scope.
MANAGE_ROLES = frozenset({Role.ADMINISTRATOR})


def _active(user: AnyUser) -> User | None:
    if not user.is_authenticated or not user.is_active:
        return None
    assert isinstance(user, User)
    return user


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request; anyone else is refused."""
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied("Sign in first.")
    return user


def units_visible_to(user: AnyUser) -> AdministrativeUnitQuerySet:
    active = _active(user)
    if active is None:
        return AdministrativeUnit.objects.none()
    if active.is_superuser:
        return AdministrativeUnit.objects.all()
    home = active.home_unit
    if home is None:
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.within(home)


def root_units_for(user: AnyUser) -> AdministrativeUnitQuerySet:
    """Where the user's browsing starts: the home unit, or every province for a superuser."""
    active = _active(user)
    if active is None:
        return AdministrativeUnit.objects.none()
    if active.is_superuser:
        return AdministrativeUnit.objects.filter(parent__isnull=True)
    if active.home_unit_id is None:
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.filter(pk=active.home_unit_id)


def can_view_unit(user: AnyUser, unit: AdministrativeUnit) -> bool:
    active = _active(user)
    if active is None:
        return False
    if active.is_superuser:
        return True
    home = active.home_unit
    return (
        home is not None and unit.version_id == home.version_id and unit.path.startswith(home.path)
    )


def can_change_unit(user: AnyUser, unit: AdministrativeUnit) -> bool:
    """May write figures for this unit."""
    active = _active(user)
    if active is None:
        return False
    return can_view_unit(active, unit) and (active.is_superuser or active.role in WRITE_ROLES)


def can_approve_for_unit(user: AnyUser, unit: AdministrativeUnit) -> bool:
    """The level above approves: an approver of the parent unit, or an administrator of
    any unit above this one."""
    active = _active(user)
    if active is None:
        return False
    if active.is_superuser:
        return True
    if not can_view_unit(active, unit) or unit.pk == active.home_unit_id:
        return False
    if active.role == Role.APPROVER:
        return unit.parent_id == active.home_unit_id
    return active.role == Role.ADMINISTRATOR


def in_organization_scope(user: AnyUser, organization: Organization | None) -> bool:
    """Whether the user's organization restriction (if any) admits a form of `organization`.

    A user restricted to one organization type works only with organizations of that type;
    the forms of a unit itself (no organization) lie outside such a user's scope.
    """
    active = _active(user)
    if active is None:
        return False
    if active.is_superuser or active.organization_type_id is None:
        return True
    return organization is not None and organization.type_id == active.organization_type_id


def can_change_form(
    user: AnyUser, unit: AdministrativeUnit, organization: Organization | None
) -> bool:
    """May write the figures of this unit's form (of this organization, if any)."""
    if organization is not None:
        return can_change_unit(user, unit) and can_change_organization(user, organization)
    return can_change_unit(user, unit) and in_organization_scope(user, None)


def can_view_form(
    user: AnyUser, unit: AdministrativeUnit, organization: Organization | None
) -> bool:
    """A form, started or not, is seen with its unit; one of an organization also needs
    its type in scope."""
    return can_view_unit(user, unit) and (
        organization is None or in_organization_scope(user, organization)
    )


def can_view_submission(user: AnyUser, submission: Submission) -> bool:
    return can_view_form(user, submission.unit, submission.organization)


def can_decide_submission(user: AnyUser, submission: Submission) -> bool:
    """Approve, return or reopen: the level above, within the user's organization scope."""
    return can_approve_for_unit(user, submission.unit) and in_organization_scope(
        user, submission.organization
    )


def can_manage(user: AnyUser) -> bool:
    active = _active(user)
    return active is not None and (active.is_superuser or active.role in MANAGE_ROLES)


def unit_for_user(user: AnyUser, pk: Any, *, write: bool = False) -> AdministrativeUnit:
    """The unit with this primary key if the user may see (or change) it.

    A unit out of scope is reported as not found, so its existence does not leak.
    """
    try:
        unit = AdministrativeUnit.objects.select_related("version", "parent").get(pk=pk)
    except (AdministrativeUnit.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such unit") from error
    if not can_view_unit(user, unit):
        raise Http404("No such unit")
    if write and not can_change_unit(user, unit):
        raise PermissionDenied("You may not change this unit's figures.")
    return unit


def organizations_visible_to(user: AnyUser) -> QuerySet[Organization]:
    active = _active(user)
    if active is None:
        return Organization.objects.none()
    queryset = Organization.objects.all()
    if active.is_superuser:
        return queryset
    home = active.home_unit
    if home is None:
        return Organization.objects.none()
    queryset = queryset.filter(unit__version_id=home.version_id, unit__path__startswith=home.path)
    if active.organization_type_id is not None:
        queryset = queryset.filter(type_id=active.organization_type_id)
    return queryset


def can_view_organization(user: AnyUser, organization: Organization) -> bool:
    active = _active(user)
    if active is None:
        return False
    if active.is_superuser:
        return True
    if active.organization_type_id not in (None, organization.type_id):
        return False
    return can_view_unit(active, organization.unit)


def can_change_organization(user: AnyUser, organization: Organization) -> bool:
    active = _active(user)
    return (
        active is not None
        and can_view_organization(active, organization)
        and (active.is_superuser or active.role in WRITE_ROLES)
    )


def organization_for_user(user: AnyUser, pk: Any, *, write: bool = False) -> Organization:
    try:
        organization = Organization.objects.select_related("unit", "type").get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such organization") from error
    if not can_view_organization(user, organization):
        raise Http404("No such organization")
    if write and not can_change_organization(user, organization):
        raise PermissionDenied("You may not change this organization.")
    return organization


def workbook_mappings_visible_to(user: AnyUser) -> QuerySet[WorkbookMapping]:
    """Mappings a user may use: those of units in scope, and those shared with the user's
    home unit or a unit above it; for a user restricted to one organization, not those made
    by users of another. A mapping holds a layout, never figures."""
    from danvan.datasets.exchange.models import WorkbookMapping

    active = _active(user)
    if active is None:
        return WorkbookMapping.objects.none()
    if active.is_superuser:
        return WorkbookMapping.objects.all()
    home = active.home_unit
    if home is None:
        return WorkbookMapping.objects.none()
    above = AdministrativeUnit.objects.filter(
        version_id=home.version_id, code__in=[*home.ancestor_codes, home.code]
    )
    visible = WorkbookMapping.objects.filter(
        Q(unit__version_id=home.version_id, unit__path__startswith=home.path)
        | Q(shared_with__in=above)
    )
    if active.organization_type_id is not None:
        # A mapping made for another organization's figures is not this user's to use.
        visible = visible.filter(
            Q(organization_type__isnull=True) | Q(organization_type_id=active.organization_type_id)
        )
    return visible.distinct()


def can_change_workbook_mapping(user: AnyUser, mapping: WorkbookMapping) -> bool:
    """Change, share or delete: who may write the figures of the mapping's unit, within
    the organization restriction of the mapping's maker."""
    active = _active(user)
    if active is None or not can_change_unit(active, mapping.unit):
        return False
    return active.is_superuser or active.organization_type_id in (
        None,
        mapping.organization_type_id,
    )


def workbook_mapping_for_user(user: AnyUser, pk: Any, *, write: bool = False) -> WorkbookMapping:
    """A mapping the user may use (or change); any other is not found."""
    try:
        mapping = workbook_mappings_visible_to(user).select_related("unit").get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such mapping") from error
    if write and not can_change_workbook_mapping(user, mapping):
        raise PermissionDenied("You may not change this mapping.")
    return mapping


def users_visible_to(user: AnyUser) -> QuerySet[User]:
    """Users whose home unit lies in the viewer's scope (for administrators)."""
    active = _active(user)
    if active is None:
        return User.objects.none()
    if active.is_superuser:
        return User.objects.all()
    home = active.home_unit
    if home is None or active.role not in MANAGE_ROLES:
        return User.objects.filter(pk=active.pk)
    visible = User.objects.filter(
        Q(home_unit__version_id=home.version_id, home_unit__path__startswith=home.path),
        is_superuser=False,
    )
    if active.organization_type_id is not None:
        # A restricted administrator manages only users restricted to the same type.
        visible = visible.filter(organization_type_id=active.organization_type_id)
    return visible


def can_grant_scope(
    user: AnyUser, home_unit: AdministrativeUnit | None, organization_type_id: int | None
) -> bool:
    """May give someone (the user included) this home unit and organization restriction.

    An administrator grants at most their own scope: a unit of their subtree and, if they
    are restricted to one organization type, that same type.
    """
    active = _active(user)
    if active is None:
        return False
    if active.is_superuser:
        return True
    return (
        active.role in MANAGE_ROLES
        and home_unit is not None
        and can_view_unit(active, home_unit)
        and active.organization_type_id in (None, organization_type_id)
    )


def can_edit_resolution(user: AnyUser, resolution: Resolution) -> bool:
    """A resolution's indicators, parts and targets are edited at the level that issued it:
    an unrestricted administrator whose subtree holds the resolution's territory."""
    active = _active(user)
    if active is None:
        return False
    if active.is_superuser:
        return True
    return (
        active.role in MANAGE_ROLES
        and active.organization_type_id is None
        and can_view_unit(active, resolution.scope_unit)
    )


def can_edit_catalogue(user: AnyUser) -> bool:
    """The figures catalogue (elements, data sets, rules) is shared by every unit: only an
    unrestricted administrator of a province (or a superuser) edits it."""
    active = _active(user)
    if active is None:
        return False
    if active.is_superuser:
        return True
    home = active.home_unit
    return (
        active.role in MANAGE_ROLES
        and active.organization_type_id is None
        and home is not None
        and home.parent_id is None
    )


def can_issue_final_report(user: AnyUser, unit: AdministrativeUnit) -> bool:
    """A final report is the board's act: the board's analysts (Ban Tuyên giáo và Dân vận)
    or an administrator, whose scope holds the unit and is not limited to one
    organization type (a final report rests on every organization's figures). Anyone who
    sees the unit may make a draft."""
    active = _active(user)
    if active is None or not can_view_unit(user, unit):
        return False
    if active.organization_type_id is not None and not active.is_superuser:
        return False
    return can_manage(user) or active.role == User.Role.BOARD_ANALYST


def can_check_reports(user: AnyUser) -> bool:
    """The report checker reads only the uploaded file: any active signed-in user may use it."""
    return _active(user) is not None


def resolutions_visible_to(user: AnyUser) -> QuerySet[Resolution]:
    """Resolutions whose territory overlaps the user's: issued for the user's subtree or
    for a unit above the user's home unit."""
    from danvan.indicators.models import Resolution

    active = _active(user)
    if active is None:
        return Resolution.objects.none()
    if active.is_superuser:
        return Resolution.objects.all()
    home = active.home_unit
    if home is None:
        return Resolution.objects.none()
    own = Q(
        Q(scope_unit__path__startswith=home.path)
        | Q(scope_unit__code__in=[*home.ancestor_codes, home.code]),
        scope_unit__version_id=home.version_id,
    )
    return Resolution.objects.filter(own | Q(pk__in=_resolutions_taken_over(home)))


def _resolutions_taken_over(home: AdministrativeUnit) -> list[int]:
    """Resolutions of an older hierarchy whose territory units under `home` took over
    (06-NQ/TU of Hậu Giang, for the new Cần Thơ and the communes that took over its land)."""
    from danvan.geography.models import UnitCarry
    from danvan.indicators.models import Resolution

    sources = set(
        UnitCarry.objects.filter(
            target__version_id=home.version_id, target__path__startswith=home.path
        ).values_list("source__version_id", "source__path")
    )
    if not sources:
        return []
    return [
        resolution.pk
        for resolution in Resolution.objects.exclude(
            scope_unit__version_id=home.version_id
        ).select_related("scope_unit")
        if any(
            version_id == resolution.scope_unit.version_id
            and path.startswith(resolution.scope_unit.path)
            for version_id, path in sources
        )
    ]


def resolution_for_user(user: AnyUser, slug: str) -> Resolution:
    """By its URL slug ('06-NQ-TU') or number ('06-NQ/TU'); not found when out of scope."""
    for resolution in resolutions_visible_to(user).select_related("scope_unit"):
        if slug in (resolution.slug, resolution.number):
            return resolution
    raise Http404("No such resolution")
