"""Security events as structured log records on the `danvan.security` logger.

settings.LOGGING writes them as JSON lines (python-json-logger): failed and successful
sign-ins, refused requests (401/403) and refused writes, each with who, from where and
what. Passwords and tokens are never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("danvan.security")


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
    username = credentials.get("username")
    security_event("login_failed", request=request, username=username)


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
