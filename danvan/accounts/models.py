from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
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
