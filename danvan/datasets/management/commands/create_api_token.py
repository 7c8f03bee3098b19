"""Create an API key for a user and print it (it is shown only this once)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from danvan.accounts.models import User
from danvan.datasets.exchange.tokens import api_token_create

MAX_DAYS = 3650


class Command(BaseCommand):
    help = "Create an API key for USERNAME; send it as 'Authorization: Bearer <key>'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the key is for")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"days until the key expires (default {settings.DANVAN_API_TOKEN_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        days = options["days"] if options["days"] is not None else settings.DANVAN_API_TOKEN_DAYS
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {MAX_DAYS}.")
        expires_at = timezone.now() + datetime.timedelta(days=days)
        try:
            token, key = api_token_create(
                actor=None, user=user, name=options["name"], expires_at=expires_at
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(key)
        self.stderr.write(f"Expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}.")
