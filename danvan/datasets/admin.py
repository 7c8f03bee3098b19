"""Metadata (elements, data sets, rules) is edited here; figures, their audit and the
workflow are shown read-only, narrowed to the user's scope by the access module."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from danvan.accounts import access
from danvan.accounts.admin import ScopedForeignKeysMixin
from danvan.datasets.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataSetSection,
    DataValue,
    DataValueAudit,
    Submission,
    SubmissionEvent,
    ValidationRule,
)


class MetadataAdmin(admin.ModelAdmin):
    """Catalogue rows: shared by every unit, so only a province administrator edits them;
    everyone with admin access reads them."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.can_edit_catalogue(request.user) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.can_edit_catalogue(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(DataElement)
class DataElementAdmin(MetadataAdmin):
    list_display = [
        "code",
        "name",
        "value_type",
        "aggregation",
        "disaggregated_by_organization",
        "catalogue_version",
    ]
    list_filter = ["value_type", "aggregation", "disaggregated_by_organization"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["organization_types"]


class DataSetElementInline(admin.TabularInline):
    model = DataSetElement
    extra = 0
    autocomplete_fields = ["element"]


@admin.register(DataSetSection)
class DataSetSectionAdmin(MetadataAdmin):
    list_display = ["name", "data_set", "sort_order"]
    list_filter = ["data_set"]
    inlines = [DataSetElementInline]


class DataSetSectionInline(admin.TabularInline):
    model = DataSetSection
    extra = 0
    show_change_link = True


@admin.register(DataSet)
class DataSetAdmin(MetadataAdmin):
    list_display = [
        "code",
        "name",
        "period_type",
        "levels",
        "reported_by_organizations",
        "closing_day",
        "deadline_days",
    ]
    filter_horizontal = ["organization_types"]
    inlines = [DataSetSectionInline]


@admin.register(ValidationRule)
class ValidationRuleAdmin(MetadataAdmin):
    list_display = ["code", "left", "operator", "right", "severity", "is_active"]
    list_filter = ["severity", "is_active", "data_sets"]
    search_fields = ["code", "name", "message"]
    filter_horizontal = ["data_sets"]

    def save_model(
        self, request: HttpRequest, obj: ValidationRule, form: Any, change: bool
    ) -> None:
        from django.core.exceptions import ValidationError

        from danvan.lib.expressions import ExpressionError, expression_parse

        codes = set(DataElement.objects.values_list("code", flat=True))
        for side in (obj.left, obj.right):
            try:
                expression_parse(side, codes)
            except ExpressionError as error:
                raise ValidationError(str(error)) from error
        super().save_model(request, obj, form, change)


class ReadOnlyScopedAdmin(ScopedForeignKeysMixin, admin.ModelAdmin):
    """Figures change through the entry form, the import and the API (audited services)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(unit__in=access.units_visible_to(request.user))


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "element",
        "organization_type",
        "unit",
        "period",
        "value",
        "source",
        "stored_by",
        "updated_at",
    ]
    list_filter = ["period", "source", "organization_type"]
    list_select_related = ["element", "organization_type", "unit", "period", "stored_by"]
    search_fields = ["element__code", "unit__name"]


@admin.register(DataValueAudit)
class DataValueAuditAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "created_at",
        "action",
        "element",
        "organization_type",
        "unit",
        "period",
        "old_value",
        "new_value",
        "user",
        "source",
        "remote_address",
    ]
    list_filter = ["action", "source", "period"]
    list_select_related = ["element", "organization_type", "unit", "period", "user"]


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "created_at",
        "user",
        "from_status",
        "to_status",
        "action",
        "comment",
        "remote_address",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "data_set",
        "unit",
        "organization",
        "period",
        "status",
        "submitted_at",
        "decided_at",
    ]
    list_filter = ["status", "data_set", "period"]
    list_select_related = ["data_set", "unit", "organization", "period"]
    inlines = [SubmissionEventInline]
