"""The report's approval gate on the demo: 2021 still has open forms, 2020 is all approved."""

import pytest

from danvan.datasets.queries import period_get
from danvan.indicators.models import Resolution
from danvan.reports.checker import Severity, check_document, read_bytes
from danvan.reports.docx_writer import docx_render
from danvan.reports.exporter import parts_for
from danvan.reports.gate import FormsNotApprovedError, approval_gate
from danvan.reports.snapshots import final_report_build

pytestmark = pytest.mark.django_db


def resolution():  # type: ignore[no-untyped-def]
    return Resolution.objects.get(number="06-NQ/TU")


def test_the_2021_gate_names_every_open_form_of_the_demo(province):
    gate = approval_gate(province, period_get("2021"), parts_for(resolution(), province))

    forms = {(f.unit.code, f.name, f.status) for f in gate.open}
    assert ("31318", "Hội Nông dân", "returned") in forms  # Phường I
    assert {code for code, _, status in forms if status == "draft"} == {"31318", "31453", "31486"}
    assert {code for code, _, status in forms if status == "submitted"} == {
        "31321",
        "31399",
        "935",
        "31408",
    }
    assert {code for code, _, status in forms if status == "returned"} == {"31318", "31402"}
    assert not any(status == "" for _, _, status in forms)


def test_the_2021_final_report_is_refused_naming_phuong_i(province):
    with pytest.raises(FormsNotApprovedError, match=r"Phường I: .*Hội Nông dân \(trả lại để sửa\)"):
        final_report_build(
            resolution=resolution(), unit=province, period=period_get("2021"), charts=False
        )


def test_the_2020_final_report_is_made_and_its_document_checks_clean(province):
    report, snapshot = final_report_build(
        resolution=resolution(), unit=province, period=period_get("2020"), charts=False
    )

    findings = check_document(read_bytes(docx_render(report), "bao-cao.docx"))
    assert report.final and len(report.snapshot_hash) == 64 and snapshot
    assert [f.quote for f in findings if f.severity is Severity.ERROR] == []
