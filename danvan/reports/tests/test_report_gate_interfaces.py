"""The approval gate in the API and in make_report."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from danvan.datasets.models import DataValue, Submission
from danvan.indicators.sums import sums_rebuild
from danvan.reports.models import FinalReport
from danvan.reports.tests.test_report_gate import approve_all, form_of


def query(world, **extra):  # type: ignore[no-untyped-def]
    return {"resolution": "06-NQ-TU", "unit": world.province.pk, "period": "2021", **extra}


def values(content):  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(content))
    return [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets]


def test_the_api_gate_lists_the_forms_not_approved(client, world, report_world):
    approve_all(world.province)
    form_of(world, world.commune_one_b, "mttq", Submission.Status.DRAFT)
    client.force_login(world.province_admin)

    response = client.get("/api/reports/gate", query(world))

    body = response.json()
    assert response.status_code == 200 and body["final_allowed"] is False
    assert [(u["unit_name"], [f["status"] for f in u["forms"]]) for u in body["units"]] == [
        ("Xã Một B", ["draft"])
    ]
    assert body["units"][0]["forms"][0]["url"].startswith("/figures/nq06-org/2021/organization/")


def test_the_api_gate_of_a_unit_out_of_scope_is_not_found(client, world, report_world):
    client.force_login(world.district_clerk)

    response = client.get("/api/reports/gate", query(world, unit=world.district_two.pk))

    assert response.status_code == 404


def test_the_api_refuses_a_final_report_while_forms_are_open(client, world, report_world):
    client.force_login(world.province_admin)

    response = client.get("/api/reports/file", query(world, format="xlsx", final="true"))

    assert response.status_code == 400
    assert response.json()["code"] == "forms_not_approved"
    assert "Xã Một A" in response.json()["message"]
    assert not FinalReport.objects.exists()


def test_the_api_final_report_is_stored_and_says_its_hash(client, world, report_world):
    approve_all(world.province)
    client.force_login(world.province_admin)

    response = client.get("/api/reports/file", query(world, format="xlsx", final="true"))

    final = FinalReport.objects.get()
    assert response.status_code == 200
    assert response["X-Report-SHA256"] == final.sha256
    assert (final.issued_by, final.issued_via) == (world.province_admin, "api")


def test_make_report_final_is_refused_naming_the_forms(world, report_world, tmp_path):
    approve_all(world.province)
    form_of(world, world.commune_one_a, "hnd", Submission.Status.SUBMITTED)
    output = tmp_path / "bao-cao.xlsx"

    with pytest.raises(CommandError, match="Xã Một A: Hội Nông dân"):
        call_command(
            "make_report",
            "--resolution=06-NQ/TU",
            f"--unit={world.province.code}",
            "--period=2021",
            "--format=xlsx",
            f"--output={output}",
            "--final",
        )

    assert not output.exists() and not FinalReport.objects.exists()


def test_make_report_regenerates_a_final_report_from_its_snapshot(
    world, report_world, tmp_path, capsys
):
    approve_all(world.province)
    issued, again = tmp_path / "issued.xlsx", tmp_path / "again.xlsx"
    call_command(
        "make_report",
        "--resolution=06-NQ/TU",
        f"--unit={world.province.code}",
        "--period=2021",
        "--format=xlsx",
        f"--output={issued}",
        "--final",
    )
    final = FinalReport.objects.get()
    DataValue.objects.filter(element__code="households_with_member").update(value=10)
    sums_rebuild()

    call_command("make_report", f"--regenerate={final.pk}", "--format=xlsx", f"--output={again}")

    assert final.sha256 in capsys.readouterr().out
    assert values(again.read_bytes()) == values(issued.read_bytes())
    assert final.issued_by is None and final.issued_via == "command"
