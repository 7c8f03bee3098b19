from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "danvan.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Sign-in events come from django.contrib.auth only as signals.
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from danvan.accounts import security

        user_login_failed.connect(security.login_failed, dispatch_uid="danvan-login-failed")
        user_logged_in.connect(security.logged_in, dispatch_uid="danvan-logged-in")
