from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from danvan.geography import services, sources


class Command(BaseCommand):
    help = (
        "Load administrative units of one province (or all) of a hierarchy version from the "
        "vietnamadminunits package, then the 2025 succession links between loaded units."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--hierarchy",
            dest="hierarchy_version",
            choices=list(services.VERSIONS),
            default=sources.LEGACY,
            help="Hierarchy version (default: %(default)s).",
        )
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--province", help="GSO code or name, e.g. 93 or 'Hậu Giang'.")
        target.add_argument("--all", action="store_true", help="Every province of the version.")
        parser.add_argument(
            "--with-predecessors",
            action="store_true",
            help="With --hierarchy vn-2025 --province: also load the legacy provinces merged "
            "into it (e.g. Cần Thơ, Hậu Giang and Sóc Trăng for the new Cần Thơ).",
        )
        parser.add_argument(
            "--no-successions",
            action="store_true",
            help="Do not (re)build the succession links after loading.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["with_predecessors"] and (
            options["hierarchy_version"] != sources.REFORM_2025 or options["all"]
        ):
            raise CommandError("--with-predecessors needs --hierarchy vn-2025 --province.")
        try:
            result = services.admin_units_import(
                version_code=options["hierarchy_version"],
                province=None if options["all"] else options["province"],
                progress=lambda line: self.stdout.write(f"  {line}"),
            )
        except services.UnknownProvinceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['hierarchy_version']}: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged."
            )
        )
        if options["with_predecessors"]:
            older = services.predecessor_provinces_import(
                province=options["province"], progress=lambda line: self.stdout.write(f"  {line}")
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{sources.LEGACY} ({', '.join(older.provinces)}): {older.created} created, "
                    f"{older.updated} updated, {older.unchanged} unchanged."
                )
            )
        if not options["no_successions"]:
            links = services.unit_successions_import()
            self.stdout.write(
                f"Succession links: {links.created} created, {links.updated} updated, "
                f"{links.unchanged} unchanged."
            )
