from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from danvan.geography import services
from danvan.geography.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Generate demo hamlets (ấp, khu vực) under a province's communes, deterministically."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--province", required=True, help="GSO code of a loaded province.")
        parser.add_argument("--hierarchy", dest="hierarchy_version", default="vn-legacy")
        parser.add_argument("--total", type=int, help="Number of hamlets (default: 7 per commune).")
        parser.add_argument("--seed", type=int, default=6)

    def handle(self, *args: Any, **options: Any) -> None:
        province = AdministrativeUnit.objects.filter(
            version__code=options["hierarchy_version"],
            code=options["province"],
            level=AdministrativeUnit.Level.PROVINCE,
        ).first()
        if province is None:
            raise CommandError(
                f"Province {options['province']} of {options['hierarchy_version']} is not loaded; "
                "run import_admin_units first."
            )
        total = options["total"]
        if total is None:
            total = 7 * AdministrativeUnit.objects.within(province).at_level(3).count()
        try:
            created = services.hamlets_generate(
                province=province, total=total, seed=options["seed"]
            )
        except ValidationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{province}: {created} hamlets created."))
