"""Shared fixtures of the exchange tests (imported by test_exchange_*.py and test_api*.py)."""

from __future__ import annotations

import io

import pytest

from danvan.datasets.exchange.parsers import source_open
from danvan.datasets.exchange.pipeline import ImportSummary, values_import

ORG_FIGURES = {"members": "120", "members_studied": "100", "cadre_heads": "5", "works": "3"}
UNIT_FIGURES = {"households": "1.500", "households_with_member": "1.200", "dialogues": "4"}


@pytest.fixture
def figures(world, catalogue):  # type: ignore[no-untyped-def]
    """Xã Một A's Farmers' Union form and unit form for 2021, filled by the district clerk."""
    from danvan.datasets.models import DataElement
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import data_value_save
    from danvan.organizations.models import Organization

    period = period_get("2021")
    farmers = Organization.objects.get(unit=world.commune_one_a, type__code="hnd")
    org_form = EntryForm(catalogue["nq06-org"], world.commune_one_a, farmers, period)
    unit_form = EntryForm(catalogue["nq06-unit"], world.commune_one_a, None, period)
    for form, values in ((org_form, ORG_FIGURES), (unit_form, UNIT_FIGURES)):
        for code, raw in values.items():
            data_value_save(
                actor=world.district_clerk,
                form=form,
                element=DataElement.objects.get(code=code),
                raw=raw,
                comment="ghi chú" if code == "members" else None,
            )
    return {"org_form": org_form, "unit_form": unit_form, "period": period}


def import_bytes(
    user, data: bytes, *, name: str = "", dry_run: bool = False, **kwargs
) -> ImportSummary:  # type: ignore[no-untyped-def]
    stream = io.BytesIO(data)
    try:
        source = source_open(stream, name=name, size=len(data))
    except Exception as error:
        from danvan.datasets.exchange.parsers import FileError

        if not isinstance(error, FileError):
            raise
        summary = ImportSummary()
        summary.file_error, summary.file_error_code = error.message, error.code
        return summary
    return values_import(actor=user, rows=source, dry_run=dry_run, **kwargs)


def snapshot():  # type: ignore[no-untyped-def]
    from danvan.datasets.models import DataValue, DataValueAudit

    values = sorted(
        DataValue.objects.values_list(
            "element__code",
            "organization_type__code",
            "unit__code",
            "period_id",
            "value",
            "comment",
        )
    )
    return values, DataValueAudit.objects.count()
