from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "danvan.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Connects the security-log receivers of failed sign-ins and lockouts.
        from danvan.accounts import security  # noqa: F401
