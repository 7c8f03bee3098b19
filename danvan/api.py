"""The REST API under /api/ (django-ninja). Routers live in each app's api.py.

Callers authenticate with a key (`Authorization: Bearer <key>`, or `ApiToken <key>` as
DHIS2 clients send it; see `create_api_token`), with `Basic` username and password
(throttled by django-axes like the sign-in page) or with the browser session.
Every error is JSON `{"code": ..., "message": ...}`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from danvan.datasets.api import OutOfScope, error_response
from danvan.datasets.api import router as figures_router
from danvan.datasets.exchange.tokens import BasicLogin, BearerToken, DhisApiToken, ExpiredApiKey
from danvan.indicators.api import router as indicators_router
from danvan.reports.api import router as reports_router


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class TextParser(Parser):
    """JSON bodies and query strings, refusing NUL characters up front: PostgreSQL cannot
    compare or store them, and a query that fails mid-transaction poisons the request."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _has_nul(data):
            raise ValidationError("Text may not contain NUL (\\u0000) characters.")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        if _has_nul(parsed):
            raise ValidationError("Text may not contain NUL (\\u0000) characters.")
        return parsed


api = NinjaAPI(
    parser=TextParser(),
    title="danvan API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), DhisApiToken(), BasicLogin(), django_auth],
)
api.add_router("/reports/", reports_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/", figures_router)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    # A parameter danvan does not read is named as such, not as an invalid value.
    code = (
        "unsupported_parameter"
        if getattr(error, "code", "") == "unsupported_parameter"
        else "invalid"
    )
    return error_response(400, code, " ".join(error.messages))


@api.exception_handler(OutOfScope)
def _out_of_scope(request: HttpRequest, error: OutOfScope) -> HttpResponse:
    return error_response(403, "out_of_scope", str(error) or "Out of scope.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return error_response(403, "forbidden", str(error) or "Not allowed.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(404, "not_found", str(error) or "Not found.")


@api.exception_handler(SchemaValidationError)
def _malformed(request: HttpRequest, error: SchemaValidationError) -> HttpResponse:
    details = "; ".join(
        f"{'.'.join(str(p) for p in item.get('loc', []))}: {item.get('msg', '')}"
        for item in error.errors[:10]
    )
    return error_response(422, "malformed", details or "Malformed request.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return error_response(
        401,
        "unauthenticated",
        "Sign in, or send Authorization: Bearer <key> (or ApiToken <key>, or Basic).",
    )


@api.exception_handler(ExpiredApiKey)
def _key_expired(request: HttpRequest, error: ExpiredApiKey) -> HttpResponse:
    return error_response(
        401,
        "key_expired",
        f"This API key expired on {error.expired_at:%Y-%m-%d %H:%M} UTC; ask an administrator "
        "for a new one.",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return error_response(error.status_code, "http_error", str(error))
