"""Coverage in the report: what each figure rests on, never a total without saying so."""

from __future__ import annotations

import datetime
import io

import docx
from openpyxl import load_workbook

from danvan.datasets.models import Submission
from danvan.datasets.queries import period_get
from danvan.reports.docx_writer import docx_render
from danvan.reports.exporter import report_build
from danvan.reports.tests.test_report_gate import approve_all, form_of
from danvan.reports.xlsx_writer import xlsx_render

DAY = datetime.date(2021, 12, 15)


def build(resolution, unit, **kwargs):  # type: ignore[no-untyped-def]
    return report_build(
        resolution=resolution,
        unit=unit,
        period=period_get("2021"),
        date=DAY,
        charts=False,
        **kwargs,
    )


def test_a_roll_up_with_a_commune_not_approved_says_how_many_it_rests_on(world, report_world):
    approve_all(world.province)
    form_of(world, world.commune_two_a, "hnd", Submission.Status.RETURNED)

    report = build(report_world, world.province, basis="approved")

    studied = next(r for r in report.annex if r.parts == ["members-studied"])
    assert studied.coverage == ["(Số liệu của 2/3 đơn vị cấp xã đã duyệt)"]
    assert "1.980/2.000" in studied.result[0]  # the returned commune's 990/1.000 left out
    province = next(r for r in report.annex if r.parts[0] == "province-political")
    assert province.coverage == ["(Số liệu của 1/1 đơn vị cấp tỉnh đã duyệt)"]
    sheet = [
        [c.value for c in row]
        for row in load_workbook(io.BytesIO(xlsx_render(report)))["Số liệu theo đơn vị"].iter_rows()
    ]
    assert sheet[0][-1] == "Số liệu của"
    assert any(
        r[1] == "members-studied" and r[4] == "01" and r[-1].startswith("số liệu của 2/3")
        for r in sheet[1:]
    )


def test_coverage_shared_by_every_row_is_said_once_under_the_table(world, report_world):
    report = build(report_world, world.commune_one_a)

    assert report.coverage_note == "(Số liệu của 1/1 đơn vị cấp xã đã nhập)"
    assert all(not row.coverage for row in report.annex)
    annex = [
        [c.value for c in row]
        for row in load_workbook(io.BytesIO(xlsx_render(report)))["Phụ lục"].iter_rows()
    ]
    assert [report.coverage_note] in [[row[0]] for row in annex if row[0]]
    document = docx.Document(io.BytesIO(docx_render(report)))
    assert report.coverage_note in [p.text for p in document.paragraphs]
