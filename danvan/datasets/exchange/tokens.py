"""API keys: created for a user, stored as a digest, checked on every API call."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader, HttpBasicAuth, HttpBearer

from danvan.accounts import access
from danvan.accounts.models import ApiToken, User

security_log = logging.getLogger("danvan.security")

# last_used_at is a hint for administrators, not an audit: one write a minute per key at
# most, so that a busy client does not turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ExpiredApiKey(AuthenticationError):
    """The key exists but its expiry date has passed."""

    def __init__(self, expired_at: datetime.datetime) -> None:
        super().__init__()
        self.expired_at = expired_at


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *,
    actor: User | None,
    user: User,
    name: str,
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new key for `user`; the key itself is returned once and never stored.

    `actor` None is the system (the create_api_token command). Without `expires_at` the key
    expires DANVAN_API_TOKEN_DAYS from now; a date in the past is refused.
    """
    if (
        actor is not None
        and actor.pk != user.pk
        and not (
            access.can_manage(actor) and access.users_visible_to(actor).filter(pk=user.pk).exists()
        )
    ):
        raise PermissionDenied("You may only create keys for users in your scope.")
    token = ApiToken(user=user, name=name)
    if expires_at is not None:
        token.expires_at = expires_at
    key = api_token_key_set(token)
    token.full_clean()
    token.save()
    return token, key


def api_token_key_set(token: ApiToken) -> str:
    """Give `token` a fresh key (not saved); return the key."""
    key = "dv_" + secrets.token_urlsafe(32)
    token.digest, token.prefix = _digest(key), key[:8]
    return key


def api_token_user(key: str, *, address: str = "-") -> User | None:
    """The user a key acts as, or None for an unknown or disabled key.

    Raises ExpiredApiKey for a key past its expiry date.
    """
    if not key or len(key) > 200 or "\x00" in key:
        security_log.warning("api key refused reason=malformed address=%s", address)
        return None
    token = (
        ApiToken.objects.select_related("user", "user__home_unit")
        .filter(digest=_digest(key), is_active=True, user__is_active=True)
        .first()
    )
    if token is None:
        security_log.warning(
            "api key refused reason=unknown prefix=%r address=%s", key[:8], address
        )
        return None
    now = timezone.now()
    if token.expires_at <= now:
        security_log.warning(
            "api key refused reason=expired prefix=%r user=%r address=%s",
            token.prefix,
            token.user.username,
            address,
        )
        raise ExpiredApiKey(token.expires_at)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerToken(HttpBearer):
    """`Authorization: Bearer <key>`; the request then acts as the key's user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token, address=request.META.get("REMOTE_ADDR", "-"))
        if user is not None:
            request.user = user
        return user


class DhisApiToken(APIKeyHeader):
    """`Authorization: ApiToken <key>`, as DHIS2's personal access tokens are sent: the
    same danvan keys as `Bearer`, for clients written for DHIS2."""

    param_name = "Authorization"

    def _get_key(self, request: HttpRequest) -> str | None:
        header = request.headers.get("Authorization", "")
        scheme, _space, key = header.partition(" ")
        return key.strip() if scheme.lower() == "apitoken" and key.strip() else None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if not key:
            return None
        user = api_token_user(key, address=request.META.get("REMOTE_ADDR", "-"))
        if user is not None:
            request.user = user
        return user


class BasicLogin(HttpBasicAuth):
    """`Authorization: Basic …` (DHIS2 clients' default): the username and password of the
    web sign-in, through Django's authentication, so django-axes throttles and locks it
    exactly like the sign-in page and records every failure."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> User | None:
        found = authenticate(request, username=username, password=password)
        if found is None or not isinstance(found, User) or not found.is_active:
            security_log.warning(
                "api basic login refused user=%r address=%s",
                username[:150],
                request.META.get("REMOTE_ADDR", "-"),
            )
            return None
        request.user = found
        return access.request_user(request)
