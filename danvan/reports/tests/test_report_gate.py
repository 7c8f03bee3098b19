"""The approval gate: a draft at any time, a final report only on approved forms."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import time
import zipfile

import docx
import pytest
from openpyxl import load_workbook

from danvan.datasets.models import DataSet, DataValue, Submission
from danvan.datasets.queries import completeness_for, period_get
from danvan.indicators.sums import sums_rebuild
from danvan.organizations.models import Organization
from danvan.reports.docx_writer import docx_render
from danvan.reports.exporter import ReportError, parts_for, report_build
from danvan.reports.gate import approval_gate
from danvan.reports.models import FinalReport
from danvan.reports.snapshots import (
    final_report_build,
    final_report_record,
    final_report_regenerate,
)
from danvan.reports.tests.conftest import Put
from danvan.reports.xlsx_writer import xlsx_render

DAY = datetime.date(2021, 12, 15)


def approve_all(unit, period="2021"):  # type: ignore[no-untyped-def]
    """Every expected form under `unit` approved, as the level above would."""
    chosen = period_get(period)
    for data_set in DataSet.objects.all():
        found = completeness_for(data_set, chosen, unit, DAY, Organization.objects.all())
        for form in found.not_approved:
            Submission.objects.update_or_create(
                data_set=data_set,
                unit=form.unit,
                organization=form.organization,
                period=chosen,
                defaults={"status": Submission.Status.APPROVED},
            )
    sums_rebuild()  # the states were set here, not through the workflow that keeps the sums


def form_of(world, unit, type_code, status):  # type: ignore[no-untyped-def]
    organization = Organization.objects.get(unit=unit, type__code=type_code, kind="territorial")
    Submission.objects.filter(unit=unit, organization=organization, period_id="2021").update(
        status=status
    )
    sums_rebuild()


def test_the_gate_lists_every_form_not_approved_by_unit(world, report_world):
    approve_all(world.province)
    form_of(world, world.commune_one_a, "hnd", Submission.Status.RETURNED)
    form_of(world, world.commune_two_a, "mttq", Submission.Status.DRAFT)
    Submission.objects.filter(unit=world.district_one, organization=None, period_id="2021").delete()

    gate = approval_gate(
        world.province, period_get("2021"), parts_for(report_world, world.province)
    )

    assert not gate.is_closed
    assert [(g.unit.name, [(f.name, f.status) for f in g.forms]) for g in gate.by_unit()] == [
        ("Huyện Một", [("Số liệu chung của địa phương (Ban Dân vận)", "")]),
        ("Xã Một A", [("Hội Nông dân", "returned")]),
        ("Xã Zeta Một", [("MTTQ", "draft")]),
    ]
    assert gate.forms_expected - gate.forms_approved == 3


def build_final(world, resolution, unit=None):  # type: ignore[no-untyped-def]
    return final_report_build(
        resolution=resolution, unit=unit or world.province, period=period_get("2021"), date=DAY
    )


def cells(content):  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[c.value for c in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def test_a_final_report_is_refused_naming_the_forms_not_approved(world, report_world):
    approve_all(world.province)
    form_of(world, world.commune_one_a, "hnd", Submission.Status.RETURNED)

    with pytest.raises(ReportError) as refused:
        build_final(world, report_world)

    assert "Xã Một A: Hội Nông dân (trả lại để sửa)" in str(refused.value)
    assert "1/" not in str(refused.value) and "1 biểu" in str(refused.value)
    assert not FinalReport.objects.exists()


def test_a_final_report_is_regenerated_with_the_same_figures_after_edits(
    world, report_world, monkeypatch
):
    put = Put()
    put(world.commune_one_a, "operating_funds", 2021, 50_000_000, "hnd")
    put(world.commune_two_a, "operating_funds", 2021, 20_000_000, "mttq")
    put.save()
    sums_rebuild()
    approve_all(world.province)
    report, snapshot = build_final(world, report_world)
    final = final_report_record(
        actor=world.province_admin, report=report, snapshot=snapshot, via="page"
    )
    issued_file = xlsx_render(report)
    issued = cells(issued_file)
    DataValue.objects.filter(element__code="members_studied", period_id="2021").update(value=1)
    DataValue.objects.filter(element__code="supervisions").update(value=7)
    DataValue.objects.filter(element__code="operating_funds").delete()
    sums_rebuild()

    live = report_build(
        resolution=report_world, unit=world.province, period=period_get("2021"), date=DAY
    )
    again = final_report_regenerate(final)

    assert [r.result for r in live.annex] != [r.result for r in report.annex]
    assert [b.text for b in live.body] != [b.text for b in report.body]
    assert [vars(r) for r in again.annex] == [vars(r) for r in report.annex]
    assert [vars(b) for b in again.body] == [vars(b) for b in report.body]
    assert again.footnotes == report.footnotes
    assert any("50 triệu đồng" in b.text and "xã Một A, Huyện Một" in b.text for b in again.body)
    assert cells(xlsx_render(again)) == issued
    later = time.time() + 86_400
    with monkeypatch.context() as patched:  # a day later, as zip dates what it writes
        patched.setattr(time, "time", lambda: later)
        assert xlsx_render(again) == issued_file  # byte for byte: dated as the report
    assert f"Mã kiểm chứng (SHA-256) của số liệu: {final.sha256}" in str(issued["Phụ lục"])
    assert (
        hashlib.sha256(final.snapshot.encode()).hexdigest() == final.sha256 == again.snapshot_hash
    )
    assert final.issued_by == world.province_admin and final.issued_at is not None


def test_the_snapshot_records_the_approval_states_and_is_canonical(world, report_world):
    approve_all(world.province)

    first = build_final(world, report_world)[1]
    second = build_final(world, report_world)[1]

    data = json.loads(first)
    assert first == second
    assert first == json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert {form["status"] for form in data["approvals"]} == {"approved"}
    assert data["forms"]["expected"] == data["forms"]["approved"] == len(data["approvals"])
    current = {(r["part"], r["unit"]): r for r in data["results"]["current"]}
    studied = current[("members-studied", world.province.pk)]
    assert (studied["numerator"], studied["coverage"]["units_expected"]) == ("2970.0000", 3)


def test_a_snapshot_altered_after_issue_is_not_regenerated(world, report_world):
    approve_all(world.province)
    report, snapshot = build_final(world, report_world)
    final = final_report_record(actor=None, report=report, snapshot=snapshot, via="command")
    FinalReport.objects.filter(pk=final.pk).update(snapshot=snapshot.replace("2970", "2971"))
    final.refresh_from_db()

    with pytest.raises(ReportError, match="không khớp mã SHA-256"):
        final_report_regenerate(final)


def header_parts(content):  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("word/header")
        }


def test_a_draft_says_du_thao_on_every_page_and_a_final_report_carries_its_hash(
    world, report_world
):
    draft = docx_render(
        report_build(
            resolution=report_world,
            unit=world.province,
            period=period_get("2021"),
            date=DAY,
            charts=False,
        )
    )
    approve_all(world.province)
    final, _snapshot = build_final(world, report_world)
    issued = docx_render(final)

    document = docx.Document(io.BytesIO(draft))
    first = document.sections[0]
    assert first.different_first_page_header_footer
    assert not first.first_page_header.is_linked_to_previous  # page 1 has the mark too
    used = [
        header
        for section in document.sections
        for header in (section.header, section.first_page_header)
        if not header.is_linked_to_previous
    ]
    assert used and all('string="DỰ THẢO"' in h._element.xml for h in used)
    assert not any("DỰ THẢO" in xml for xml in header_parts(issued).values())
    signed = docx.Document(io.BytesIO(issued))
    assert signed.core_properties.identifier == f"sha256:{final.snapshot_hash}"
    assert final.snapshot_hash in signed.paragraphs[-1].text


def test_a_draft_xlsx_is_marked_and_a_final_one_is_not(world, report_world):
    draft = load_workbook(
        io.BytesIO(
            xlsx_render(
                report_build(
                    resolution=report_world, unit=world.province, period=period_get("2021")
                )
            )
        )
    )
    approve_all(world.province)
    final = load_workbook(io.BytesIO(xlsx_render(build_final(world, report_world)[0])))

    assert draft["Phụ lục"]["F1"].value == "DỰ THẢO"
    assert all(s.oddHeader.center.text == "DỰ THẢO" for s in draft.worksheets)
    assert final["Phụ lục"]["F1"].value is None
    assert final.properties.identifier.startswith("sha256:")


def test_the_gate_reads_a_constant_number_of_queries(
    world, report_world, django_assert_max_num_queries
):
    approve_all(world.province)
    form_of(world, world.commune_one_a, "hnd", Submission.Status.RETURNED)
    form_of(world, world.commune_two_a, "mttq", Submission.Status.DRAFT)
    parts = parts_for(report_world, world.province)

    with django_assert_max_num_queries(11):
        gate = approval_gate(world.province, period_get("2021"), parts)
        names = [(form.unit.name, form.name, form.status_label) for form in gate.open]

    assert len(names) == 2


def test_the_board_analyst_issues_a_final_report_an_organization_restricted_one_does_not(world):
    from danvan.accounts import access
    from danvan.accounts.models import User
    from danvan.organizations.models import OrganizationType

    unit = world.province

    def user(name, role, **extra):
        return User.objects.create_user(
            username=name, password="x", role=role, home_unit=unit, **extra
        )

    analyst = user("board.final", User.Role.BOARD_ANALYST)
    restricted = user(
        "board.hnd",
        User.Role.BOARD_ANALYST,
        organization_type=OrganizationType.objects.get(code="hnd"),
    )
    clerk = user("clerk.final", User.Role.DATA_CLERK)

    assert access.can_issue_final_report(analyst, unit)
    assert not access.can_issue_final_report(restricted, unit)
    assert not access.can_issue_final_report(clerk, unit)
