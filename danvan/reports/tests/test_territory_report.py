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


def _commune_2026(world):  # type: ignore[no-untyped-def]
    world.approved(
        world.commune,
        "hnd",
        "2026",
        {"members": "1600", "members_studied": "1580"},
        clerk=world.clerk,
        approver=world.approver,
    )


def test_a_commune_s_report_says_it_presents_its_own_share_of_the_former_territory(
    reform_world,
):
    """Xã Phú An Bình took over two old communes of the old province: its report says the
    history is what came to it from them, then its own figures — not "0 communes", nor
    the whole old province."""
    from danvan.datasets.queries import period_get
    from danvan.reports.exporter import report_build

    w = reform_world
    _commune_2026(w)
    report = report_build(
        resolution=w.resolution, unit=w.commune, period=period_get("2026"), charts=False
    )
    note = report.territory_note
    assert "0 đơn vị" not in note
    assert "Tỉnh Sông Hậu và các đơn vị trực thuộc" not in note
    assert w.commune_a.name in note and w.commune_b.name in note and w.commune.name in note


def test_a_commune_that_also_took_over_land_from_outside_says_it_is_counted_whole(
    reform_world, tmp_path
):
    """A resolution of old Xã Phú An alone, in the new Xã Phú An Bình (which also took over
    Xã Phú Bình): before the reform Phú An's own figures, from 2025 the new commune's, whole,
    and the report says so."""
    import copy

    import yaml

    from conftest import REFORM_RESOLUTION
    from danvan.datasets.queries import period_get
    from danvan.indicators.definitions import resolution_load
    from danvan.reports.exporter import report_build

    w = reform_world
    _commune_2026(w)
    text = copy.deepcopy(REFORM_RESOLUTION)
    text["resolution"]["number"] = "10-NQ/ĐU"
    text["resolution"]["unit"] = {"hierarchy": "vn-legacy", "code": "71101"}
    text["indicators"] = text["indicators"][:1]
    path = tmp_path / "10-NQ-DU.yaml"
    path.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    resolution = resolution_load(path)

    report = report_build(
        resolution=resolution,
        unit=w.commune,
        period=period_get("2026"),
        baseline=period_get("2021"),
        charts=False,
    )
    note = report.territory_note
    assert "0 đơn vị" not in note
    assert w.commune_a.name in note and w.commune.name in note
    assert "toàn bộ" in note
    rows = {(r.unit_code, r.period): r for r in report.figures}
    assert (rows[("70001", "2021")].numerator, rows[("70001", "2021")].denominator) == (950, 1000)
    assert (rows[("70001", "2026")].numerator, rows[("70001", "2026")].denominator) == (1580, 1600)


def test_a_commune_s_report_does_not_call_the_new_commune_former(reform_world):
    """The report names the resolution's territory as former; the new commune that took
    it over is today's unit: "Xã Phú An Bình có …", never "Xã Phú An Bình (cũ)"."""
    from danvan.datasets.models import DataElement, DataSet
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import data_value_save
    from danvan.reports.exporter import report_build

    w = reform_world
    _commune_2026(w)
    form = EntryForm(DataSet.objects.get(code="nq06-unit"), w.commune, None, period_get("2026"))
    households = DataElement.objects.get(code="households")
    data_value_save(actor=w.clerk, form=form, element=households, raw="4200")
    report = report_build(
        resolution=w.resolution, unit=w.commune, period=period_get("2026"), charts=False
    )
    text = "\n".join(getattr(block, "text", "") for block in report.body)
    assert f"{w.commune.name} có" in text
    assert f"{w.commune.name} (cũ)" not in text
