from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        BOARD_ANALYST = "board_analyst", _("Board analyst")
        DATA_CLERK = "data_clerk", _("Data clerk")
        APPROVER = "approver", _("Approver")
        VIEWER = "viewer", _("Viewer")

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    home_unit = models.ForeignKey(
        "geography.AdministrativeUnit",
        verbose_name=_("home unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees this unit and everything under it, nothing else."),
    )
    organization_type = models.ForeignKey(
        "organizations.OrganizationType",
        verbose_name=_("organization type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("If set, the user works only with organizations of this type."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=True) | models.Q(home_unit__isnull=False),
                name="user_home_unit_required",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if not self.is_superuser and self.home_unit_id is None:
            raise ValidationError(
                {"home_unit": _("Every user except a superuser has a home unit.")}
            )


def api_token_default_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.DANVAN_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A key for programs calling the API as `user` (header `Authorization: Bearer <key>`).

    Only a SHA-256 digest is stored: the key is shown once, when it is created. Every key
    expires (by default DANVAN_API_TOKEN_DAYS after its creation).
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("expires"),
        default=api_token_default_expiry,
        help_text=_("After this moment the key is refused."),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user__username", "name"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"

    def clean(self) -> None:
        super().clean()
        if self._state.adding and self.expires_at is not None and self.expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("A new key must expire in the future.")})

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
