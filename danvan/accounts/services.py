"""Writes for accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.geography.models import AdministrativeUnit
from danvan.organizations.models import OrganizationType

ADMINISTRATORS_GROUP = "Quản trị viên đơn vị"
_ADMIN_APPS = ("geography", "organizations", "accounts", "datasets", "indicators", "reports")


def administrators_group_ensure() -> Group:
    """The group whose permissions let an administrator use the admin within their scope
    (the admin itself narrows every list to the scope through the access module)."""
    group, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=_ADMIN_APPS).exclude(
        codename__in=[
            "add_hierarchyversion",
            "change_hierarchyversion",
            "delete_hierarchyversion",
            "add_organizationtype",
            "change_organizationtype",
            "delete_organizationtype",
        ]
    )
    group.permissions.set(permissions)
    return group


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    home_unit: AdministrativeUnit,
    full_name: str = "",
    organization_type: OrganizationType | None = None,
) -> User:
    """Create a user scoped to `home_unit`. `actor` None means the system (demo, setup)."""
    if actor is not None and not access.can_grant_scope(
        actor, home_unit, organization_type.pk if organization_type else None
    ):
        raise PermissionDenied(_("You may only create users inside your own scope."))
    if role not in User.Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        home_unit=home_unit,
        organization_type=organization_type,
        is_staff=role == User.Role.ADMINISTRATOR,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    if user.is_staff:
        user.groups.add(administrators_group_ensure())
    return user


@transaction.atomic
def user_save(*, actor: User, user: User) -> User:
    """Save a user edited by `actor` (the admin form), whose scope `actor` must be able to
    grant: no administrator widens anyone's scope beyond their own, their own included.

    Staff status follows the role, so an administrator added here can use the admin.
    """
    if not access.can_grant_scope(actor, user.home_unit, user.organization_type_id):
        raise PermissionDenied(
            _("You may only give a user a unit and an organization within your own scope.")
        )
    if user.pk is not None and not actor.is_superuser:
        stored = User.objects.filter(pk=user.pk).values("is_superuser").first()
        if stored is None or stored["is_superuser"]:
            raise PermissionDenied(_("You may not change this user."))
    if not user.is_superuser:
        user.is_staff = user.role == User.Role.ADMINISTRATOR
    user.full_clean(exclude=["password"])
    user.save()
    group = administrators_group_ensure()
    if user.is_staff:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    return user
