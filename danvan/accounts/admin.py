from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from danvan.accounts import access
from danvan.accounts.models import User


class ScopedForeignKeysMixin:
    """Choices (and the labels of prefilled values) of every unit or organization field come
    from the access module, so an admin form never names a unit outside the user's scope."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        from danvan.geography.models import AdministrativeUnit
        from danvan.organizations.models import Organization

        if db_field.related_model is AdministrativeUnit:
            kwargs["queryset"] = access.units_visible_to(request.user)
        elif db_field.related_model is Organization:
            kwargs["queryset"] = access.organizations_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(User)
class UserAdmin(ScopedForeignKeysMixin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "home_unit", "organization_type", "is_active"]
    list_filter = ["role", "organization_type", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    autocomplete_fields = ["home_unit"]
    list_select_related = ["home_unit", "organization_type"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email")}),
        (_("Scope"), {"fields": ("role", "home_unit", "organization_type")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "password1",
                    "password2",
                    "role",
                    "home_unit",
                    "organization_type",
                ),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return access.users_visible_to(request.user).select_related(
            "home_unit", "organization_type"
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "groups", "user_permissions", "last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # An administrator may only place users inside their own subtree.
        if not request.user.is_superuser and (
            obj.home_unit is None or not access.can_view_unit(request.user, obj.home_unit)
        ):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
