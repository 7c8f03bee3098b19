from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from danvan.accounts import access
from danvan.accounts.admin import ScopedForeignKeysMixin
from danvan.reports.models import FinalReport, ReportProfile


@admin.register(ReportProfile)
class ReportProfileAdmin(ScopedForeignKeysMixin, admin.ModelAdmin[ReportProfile]):
    list_display = ["name", "scope_unit", "valid_from", "valid_to", "issuer", "signer_name"]
    list_select_related = ["scope_unit"]
    autocomplete_fields = ["scope_unit"]
    fieldsets = [
        (None, {"fields": ["name", "scope_unit", "valid_from", "valid_to"]}),
        (
            "Văn bản",
            {"fields": ["parent_body", "issuer", "reporting_body", "board", "symbol_pattern"]},
        ),
        (
            "Ký và gửi",
            {"fields": ["place", "signing_for", "signer_position", "signer_name", "recipients"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReportProfile]:
        # Profiles for every unit are shown (they apply in scope too) but only a superuser
        # may change them; a unit's own profile needs that unit in the user's scope.
        return ReportProfile.objects.filter(
            Q(scope_unit__isnull=True) | Q(scope_unit__in=access.units_visible_to(request.user))
        ).select_related("scope_unit")

    def _may_change(self, request: HttpRequest, obj: ReportProfile | None) -> bool:
        if request.user.is_superuser:
            return True
        if not access.can_manage(request.user):
            return False
        if obj is None:
            return True
        return obj.scope_unit is not None and access.can_view_unit(request.user, obj.scope_unit)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ReportProfile, form: Any, change: bool) -> None:
        if not self._may_change(request, obj):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(FinalReport)
class FinalReportAdmin(admin.ModelAdmin[FinalReport]):
    """The record of every final report issued: read only, within the user's units."""

    list_display = ["resolution", "unit", "period", "report_date", "issued_by", "issued_at"]
    list_filter = ["issued_via"]
    list_select_related = ["resolution", "unit", "issued_by"]
    search_fields = ["sha256", "number"]
    readonly_fields = [
        "resolution",
        "unit",
        "period",
        "baseline",
        "report_date",
        "target_rule",
        "basis",
        "number",
        "sha256",
        "snapshot",
        "issued_by",
        "issued_at",
        "issued_via",
        "remote_address",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FinalReport]:
        return FinalReport.objects.filter(unit__in=access.units_visible_to(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
