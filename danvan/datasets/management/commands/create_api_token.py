"""Create an API key for a user and print it (it is shown only this once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from danvan.accounts.models import User
from danvan.datasets.exchange.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API key for USERNAME; send it as 'Authorization: Bearer <key>'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the key is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        _token, key = api_token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(key)
