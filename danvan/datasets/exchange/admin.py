from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from danvan.accounts import access
from danvan.accounts.models import ApiToken, User
from danvan.datasets.exchange.tokens import api_token_key_set


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys of users in the administrator's scope; the key is shown once, on creation."""

    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "expires_at", "is_active", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        users = access.users_visible_to(request.user)
        return super().get_queryset(request).filter(user__in=users).select_related("user")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = access.users_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        actor = request.user
        assert isinstance(actor, User)
        if not access.users_visible_to(actor).filter(pk=obj.user_id).exists():
            raise PermissionDenied
        if change:
            super().save_model(request, obj, form, change)
            return
        key = api_token_key_set(obj)
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            _("The key, shown only now — copy it: %(key)s") % {"key": key},
        )
