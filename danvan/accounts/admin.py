from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from danvan.accounts import access, services
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
        # Staff status follows the role (accounts.services.user_save).
        return (
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        from danvan.organizations.models import OrganizationType

        restricted = getattr(request.user, "organization_type_id", None)
        if db_field.related_model is OrganizationType and restricted is not None:
            kwargs["queryset"] = OrganizationType.objects.filter(pk=restricted)
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class ScopeCheckedForm(base):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                home = cleaned.get("home_unit", getattr(obj, "home_unit", None))
                kind = cleaned.get("organization_type", getattr(obj, "organization_type", None))
                if not actor.is_superuser and not access.can_grant_scope(
                    actor, home, kind.pk if kind is not None else None
                ):
                    raise ValidationError(
                        _(
                            "You may only give a user a unit and an organization within your "
                            "own scope."
                        )
                    )
                return cleaned

        return ScopeCheckedForm

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        services.user_save(actor=access.request_user(request), user=obj)
