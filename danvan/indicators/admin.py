"""Resolutions, their indicators, parts and targets: read by everyone whose territory the
resolution covers, edited only at the level that issued it (access.can_edit_resolution)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from danvan.accounts import access
from danvan.accounts.admin import ScopedForeignKeysMixin
from danvan.indicators.models import Indicator, IndicatorPart, Resolution, Target


def _resolution_of(obj: Any) -> Resolution | None:
    if isinstance(obj, Resolution):
        return obj
    if isinstance(obj, Indicator):
        return obj.resolution
    if isinstance(obj, IndicatorPart):
        return obj.indicator.resolution
    return None


def _editable(request: HttpRequest) -> QuerySet[Resolution]:
    visible = access.resolutions_visible_to(request.user).select_related("scope_unit")
    return visible.filter(
        pk__in=[r.pk for r in visible if access.can_edit_resolution(request.user, r)]
    )


class IssuingLevelMixin:
    """Change, add and delete only where the user may edit the resolution; view otherwise."""

    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        if not access.can_manage(request.user):
            return False
        resolution = _resolution_of(obj)
        if resolution is None:
            return _editable(request).exists()
        return access.can_edit_resolution(request.user, resolution)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:  # an inline of `obj`
            return self._may_edit(request, obj) and super().has_add_permission(request, obj)  # type: ignore[misc]
        return self._may_edit(request, None) and super().has_add_permission(request)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Resolution:
            kwargs["queryset"] = _editable(request)
        elif db_field.related_model is Indicator:
            kwargs["queryset"] = Indicator.objects.filter(resolution__in=_editable(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class TargetInline(IssuingLevelMixin, admin.TabularInline):
    model = Target
    extra = 0


@admin.register(IndicatorPart)
class IndicatorPartAdmin(IssuingLevelMixin, admin.ModelAdmin):
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


class IndicatorInline(IssuingLevelMixin, admin.StackedInline):
    model = Indicator
    extra = 0
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(IssuingLevelMixin, admin.ModelAdmin):
    list_display = ["__str__", "resolution"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Indicator]:
        return (
            super()
            .get_queryset(request)
            .filter(resolution__in=access.resolutions_visible_to(request.user))
        )


@admin.register(Resolution)
class ResolutionAdmin(IssuingLevelMixin, ScopedForeignKeysMixin, admin.ModelAdmin):
    list_display = ["number", "issued_on", "issuing_body", "scope_unit", "term_start", "term_end"]
    autocomplete_fields = ["scope_unit"]
    inlines = [IndicatorInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Resolution]:
        return access.resolutions_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A new resolution's territory is checked when saved (scope_unit lies in the subtree).
        return access.can_manage(request.user) and admin.ModelAdmin.has_add_permission(
            self, request
        )

    def save_model(self, request: HttpRequest, obj: Resolution, form: Any, change: bool) -> None:
        from django.core.exceptions import PermissionDenied

        if not access.can_edit_resolution(request.user, obj):
            raise PermissionDenied("A resolution is edited at the level that issued it.")
        super().save_model(request, obj, form, change)
