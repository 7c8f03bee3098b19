"""The review report of a resolution in the units of a newer hierarchy (`reform_world`):
which unit a code names, and what the report's sheets show."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _same_code(world):  # type: ignore[no-untyped-def]
    """The new city keeps the old province's code (as the new Cần Thơ kept 92), and its
    commune has a 2026 figure, entered by its clerk and approved by the city."""
    world.city.code = "71"
    world.city.save()
    world.commune.save()  # its path follows the city's code
    world.approved(
        world.commune,
        "hnd",
        "2026",
        {"members": "1600", "members_studied": "1580"},
        clerk=world.clerk,
        approver=world.approver,
    )


def test_make_report_takes_the_newer_unit_of_a_code_for_a_period_after_the_old_one_ceased(
    reform_world, tmp_path
):
    from openpyxl import load_workbook

    _same_code(reform_world)
    output = tmp_path / "2026.xlsx"
    call_command(
        "make_report",
        "--resolution=09-NQ/TU",
        "--unit=71",
        "--period=2026",
        "--format=xlsx",
        f"--output={output}",
    )
    book = load_workbook(output)
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value}
    assert any("Thành phố Tây Đô" in text for text in cells)


def test_make_report_keeps_the_old_unit_of_a_code_for_a_period_it_existed_in(
    reform_world, tmp_path
):
    from openpyxl import load_workbook

    _same_code(reform_world)
    output = tmp_path / "2021.xlsx"
    call_command(
        "make_report",
        "--resolution=09-NQ/TU",
        "--unit=71",
        "--period=2021",
        "--format=xlsx",
        f"--output={output}",
    )
    book = load_workbook(output)
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value}
    assert any("Tỉnh Sông Hậu" in text for text in cells)
    assert not any("Thành phố Tây Đô" in text for text in cells)


def test_make_report_refuses_a_unit_in_no_version_of_the_territory(reform_world, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị “80”"):
        call_command(
            "make_report",
            "--resolution=09-NQ/TU",
            "--unit=80",
            "--period=2021",
            f"--output={tmp_path / 'x.xlsx'}",
        )
