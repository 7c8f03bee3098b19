"""API keys: created for a user, stored as a digest, checked on every API call."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from danvan.accounts import access
from danvan.accounts.models import ApiToken, User


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """A new key for `user`; the key itself is returned once and never stored.

    `actor` None is the system (the create_api_token command).
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
    key = api_token_key_set(token)
    token.save()
    return token, key


def api_token_key_set(token: ApiToken) -> str:
    """Give `token` a fresh key (not saved); return the key."""
    key = "dv_" + secrets.token_urlsafe(32)
    token.digest, token.prefix = _digest(key), key[:8]
    return key


def api_token_user(key: str) -> User | None:
    if not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__home_unit")
        .filter(digest=_digest(key), is_active=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerToken(HttpBearer):
    """`Authorization: Bearer <key>`; the request then acts as the key's user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user
