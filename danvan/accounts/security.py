"""Security events on the `danvan.security` logger, and sign-in throttling (django-axes).

settings.LOGGING writes the events as JSON lines (python-json-logger): failed and successful
sign-ins, lockouts, refused requests (401/403) and refused writes, each with who, from where
and what. Passwords and tokens are never logged. Axes counts failures per username and
address and refuses the account from that address once locked; `lockout_response` renders
the refusal as the sign-in page with a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from axes.signals import user_locked_out
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger("danvan.security")
security_log = logger


def _who(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return str(user.get_username())


def security_event(
    event: str, *, request: HttpRequest | None = None, level: int = logging.WARNING, **fields: Any
) -> None:
    """One security event; `fields` must be JSON-friendly and hold no secrets."""
    context: dict[str, Any] = {"event": event}
    if request is not None:
        context.update(
            user=_who(request),
            ip=request.META.get("REMOTE_ADDR"),
            method=request.method,
            path=request.path,
        )
    context.update(fields)
    logger.log(level, event, extra=context)


def permission_denied(request: HttpRequest, reason: object) -> None:
    """A refused write that the page reports inline instead of answering 403."""
    security_event("permission_denied", request=request, reason=str(reason))


def login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    address = client_address(request)
    path = request.path if request is not None else "-"
    # %r keeps a username with line breaks on one log line.
    logger.warning(
        "sign-in failed username=%r address=%s path=%s",
        username,
        address,
        path,
        extra={"event": "login_failed", "username": username, "ip": address, "path": path},
    )


def logged_in(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    security_event("login", request=request, level=logging.INFO, username=user.get_username())


class SecurityLogMiddleware:
    """Logs every refused request (401, 403: permission, CSRF, API token), UI and API alike."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (401, 403):
            security_event("request_refused", request=request, status=response.status_code)
        return response


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
