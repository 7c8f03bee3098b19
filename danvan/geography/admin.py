from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from danvan.accounts import access
from danvan.accounts.admin import ScopedForeignKeysMixin
from danvan.geography import services
from danvan.geography.carrying import succession_save
from danvan.geography.models import (
    AdministrativeUnit,
    HierarchyVersion,
    SuccessionShareChange,
    UnitSuccession,
)


@admin.register(HierarchyVersion)
class HierarchyVersionAdmin(admin.ModelAdmin[HierarchyVersion]):
    list_display = ["code", "name", "valid_from", "valid_to", "has_district_level"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedForeignKeysMixin, admin.ModelAdmin[AdministrativeUnit]):
    list_display = ["name", "kind", "level", "code", "parent", "version", "is_generated"]
    list_filter = ["version", "level", "kind", "is_generated"]
    search_fields = ["name", "search_name", "code"]
    readonly_fields = ["path", "source_key"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent", "version"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdministrativeUnit]:
        return access.units_visible_to(request.user).select_related("parent", "version")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not access.can_view_unit(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def save_model(
        self, request: HttpRequest, obj: AdministrativeUnit, form: Any, change: bool
    ) -> None:
        # A new parent or code moves the whole subtree (paths, scope, roll-up).
        services.unit_save(actor=access.request_user(request), unit=obj)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ScopedForeignKeysMixin, admin.ModelAdmin[UnitSuccession]):
    list_display = [
        "predecessor",
        "successor",
        "share",
        "share_basis",
        "is_partial",
        "is_main_successor",
        "effective_date",
    ]
    list_filter = ["share_basis", "is_partial", "is_main_successor"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnitSuccession]:
        visible = access.units_visible_to(request.user)
        return super().get_queryset(request).filter(predecessor__in=visible) | super().get_queryset(
            request
        ).filter(successor__in=visible)

    def save_model(
        self, request: HttpRequest, obj: UnitSuccession, form: Any, change: bool
    ) -> None:
        # Audited, and the history the link carries is re-carried in the same transaction.
        for warning in succession_save(actor=access.request_user(request), succession=obj):
            messages.warning(request, warning)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(SuccessionShareChange)
class SuccessionShareChangeAdmin(admin.ModelAdmin[SuccessionShareChange]):
    list_display = ["succession", "old_share", "new_share", "new_basis", "user", "created_at"]
    list_select_related = ["succession__predecessor", "succession__successor", "user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SuccessionShareChange]:
        visible = access.units_visible_to(request.user)
        return super().get_queryset(request).filter(succession__predecessor__in=visible)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
