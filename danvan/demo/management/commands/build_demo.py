from typing import Any

from django.core.management.base import BaseCommand

from danvan.demo.services import demo_build, demo_scenarios


class Command(BaseCommand):
    help = "Fill an empty, migrated database with the demo world and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_build(progress=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo logins, by what each can show (password for all: " + logins[0].password + ")"
            )
        )
        width = max(len(login.username) for login in logins)
        for scenario in demo_scenarios(logins):
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(scenario.title))
            for username, note in scenario.logins:
                self.stdout.write(f"  {username.ljust(width)}  {note}")
