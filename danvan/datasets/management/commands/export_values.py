"""Export a data set's figures for a period at a unit as CSV, dataValueSets JSON or .xlsx."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from danvan.accounts import access
from danvan.accounts.models import User
from danvan.datasets.exchange.pipeline import version_for
from danvan.datasets.exchange.writers import (
    Selection,
    csv_chunks,
    export_values,
    json_chunks,
    workbook_write,
)
from danvan.datasets.models import DataSet
from danvan.datasets.queries import period_get
from danvan.geography.models import AdministrativeUnit
from danvan.lib.periods import InvalidPeriodError
from danvan.lib.text import fold


class Command(BaseCommand):
    help = "Export figures (DHIS2 CSV, dataValueSets JSON, or an Excel template to fill in)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", required=True, help="data set code, e.g. nq06-org")
        parser.add_argument("--period", required=True, help="2021, 2021S1, 2021Q3 or 202107")
        parser.add_argument("--unit", required=True, help="GSO code or name of the unit")
        parser.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
        parser.add_argument("--output", type=Path, help="file to write (default: stdout)")
        parser.add_argument("--children", action="store_true", help="include units below")
        parser.add_argument("--layout", choices=["units", "form"], default="units")
        parser.add_argument(
            "--user", help="export only what this user may see (default: everything)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {options['user']!r}.")
        data_set = DataSet.objects.filter(code=options["dataset"]).first()
        if data_set is None:
            raise CommandError(f"No data set {options['dataset']!r}.")
        try:
            period = period_get(options["period"])
        except InvalidPeriodError as error:
            raise CommandError(str(error)) from error
        unit = self._unit(actor, options["unit"])
        selection = Selection(data_set, period, unit, options["children"])
        fmt = options["format"]
        if fmt == "xlsx":
            data = workbook_write(actor, selection, options["layout"])
            if options["output"] is None:
                raise CommandError("An .xlsx needs --output.")
            options["output"].write_bytes(data)
            return
        values = export_values(actor, selection)
        chunks = csv_chunks(values) if fmt == "csv" else json_chunks(values, selection)
        if options["output"] is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
            return
        with options["output"].open("w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)

    def _unit(self, actor: User | None, text: str) -> AdministrativeUnit:
        base = access.units_visible_to(actor) if actor is not None else AdministrativeUnit.objects
        units = base.filter(version=version_for(actor))
        found = list(units.filter(code=text.strip())[:2])
        if not found:
            found = list(units.filter(search_name=fold(text))[:2]) or list(units.search(text)[:2])
        if not found:
            raise CommandError(f"No unit {text!r} (by GSO code or name) in scope.")
        if len(found) > 1:
            raise CommandError(f"{text!r} names several units: give the GSO code.")
        if actor is not None:
            try:
                return access.unit_for_user(actor, found[0].pk)
            except Http404 as error:
                raise CommandError(f"No unit {text!r} in scope.") from error
        return found[0]
