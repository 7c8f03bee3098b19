from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from danvan.accounts import access
from danvan.accounts.admin import ScopedForeignKeysMixin
from danvan.indicators.models import Indicator, IndicatorPart, Resolution, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(IndicatorPart)
class IndicatorPartAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "code",
        "level",
        "numerator",
        "denominator",
        "target_kind",
        "accumulation",
    ]
    list_filter = ["indicator__resolution", "level", "target_kind"]
    inlines = [TargetInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IndicatorPart]:
        return (
            super()
            .get_queryset(request)
            .filter(indicator__resolution__in=access.resolutions_visible_to(request.user))
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.can_manage(request.user) and super().has_change_permission(request, obj)


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "resolution"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Indicator]:
        return (
            super()
            .get_queryset(request)
            .filter(resolution__in=access.resolutions_visible_to(request.user))
        )


@admin.register(Resolution)
class ResolutionAdmin(ScopedForeignKeysMixin, admin.ModelAdmin):
    list_display = ["number", "issued_on", "issuing_body", "scope_unit", "term_start", "term_end"]
    autocomplete_fields = ["scope_unit"]
    inlines = [IndicatorInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Resolution]:
        return access.resolutions_visible_to(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.can_manage(request.user) and super().has_change_permission(request, obj)
