from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from danvan.accounts import access
from danvan.accounts.admin import ScopedForeignKeysMixin
from danvan.organizations.models import Organization, OrganizationType


@admin.register(OrganizationType)
class OrganizationTypeAdmin(admin.ModelAdmin[OrganizationType]):
    list_display = [
        "code",
        "name",
        "short_name",
        "has_grassroots_branches",
        "organised_by_workplace",
        "sort_order",
    ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Organization)
class OrganizationAdmin(ScopedForeignKeysMixin, admin.ModelAdmin[Organization]):
    list_display = ["name", "type", "kind", "unit", "valid_from", "valid_to", "is_active"]
    list_filter = ["type", "kind", "unit__level", "unit__version", "is_active"]
    search_fields = ["name", "workplace_name"]
    autocomplete_fields = ["unit", "parent", "front_committee"]
    list_select_related = ["type", "unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return access.organizations_visible_to(request.user).select_related("type", "unit")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not access.can_change_organization(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        if not access.can_view_unit(request.user, obj.unit):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        super().save_model(request, obj, form, change)
