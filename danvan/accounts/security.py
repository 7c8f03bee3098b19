"""Sign-in throttling (django-axes) and the security log.

Axes counts failures per username and address and refuses the account from that address
once locked; this module renders the refusal as the sign-in page with a message, and writes
every failed sign-in and lockout to the `danvan.security` logger.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from axes.signals import user_locked_out
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

security_log = logging.getLogger("danvan.security")


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "-")


def attempt_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The username axes records. Django's sign-in form does not enforce the username's
    length, and axes' columns hold 255 characters: a longer one would be a 500 on
    PostgreSQL. No real username is longer than the User field's 150."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username") or "")[:150]


def _minutes(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page again (the site's or the admin's), saying the account is locked here."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    minutes = _minutes(request)
    if minutes:
        message = _(
            "Too many failed sign-ins for this account from your address. Try again in "
            "%(minutes)s minutes, or ask an administrator to unlock it."
        ) % {"minutes": minutes}
    else:
        message = _(
            "Too many failed sign-ins for this account from your address. Ask an "
            "administrator to unlock it."
        )
    # Unbound, so that rendering it never calls authenticate() again; add_error expects the
    # cleaned_data a bound form would have.
    form = AuthenticationForm(request, initial={"username": username})
    form.cleaned_data = {}
    form.add_error(None, message)
    context: dict[str, Any] = {"form": form, "next": request.POST.get("next", "")}
    if request.path == reverse("admin:login"):
        template = "admin/login.html"
        context |= admin.site.each_context(request)
        context |= {"title": _("Log in"), "app_path": request.get_full_path()}
    else:
        template = "accounts/login.html"
    # 429 Too Many Requests, as axes answers by default.
    return TemplateResponse(request, template, context, status=429).render()


@receiver(user_login_failed)
def _log_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # %r keeps a username with line breaks on one log line.
    security_log.warning(
        "sign-in failed username=%r address=%s path=%s",
        str(credentials.get("username", ""))[:150],
        client_address(request),
        request.path if request is not None else "-",
    )


@receiver(user_locked_out)
def _log_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    security_log.warning(
        "sign-in locked username=%r address=%s path=%s",
        str(username or "")[:150],
        ip_address,
        request.path,
    )
