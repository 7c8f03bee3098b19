"""The approval gate on the report page: what is not approved, draft or final, and the
period the page opens on."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from openpyxl import load_workbook

from danvan.accounts.services import user_create
from danvan.datasets.models import Submission
from danvan.indicators.models import Resolution
from danvan.organizations.models import OrganizationType
from danvan.reports.models import FinalReport, ReportJob
from danvan.reports.tests.test_report_gate import approve_all, form_of

QUERY = {"resolution": "06-NQ-TU", "period": "2021"}


def start(client, format, kind, query=QUERY):  # type: ignore[no-untyped-def]
    return client.post(f"/reports/jobs/start/{format}/?{urlencode(query)}", {"kind": kind})


def test_the_page_lists_the_forms_not_approved_with_links_to_them(client, world, report_world):
    approve_all(world.province)
    form_of(world, world.commune_one_a, "hnd", Submission.Status.RETURNED)
    client.force_login(world.province_admin)

    body = client.get("/reports/", QUERY).content.decode()

    gate = body[body.index('id="approval-gate"') :]
    assert "1 of the" in gate or "1 trong số" in gate
    assert "Xã Một A" in gate and "Xã Một B" not in gate
    organization = world.commune_one_a.organizations.get(type__code="hnd", kind="territorial")
    assert f'href="/figures/nq06-org/2021/organization/{organization.pk}/"' in gate
    assert 'value="final"' not in body  # no final button while a form is open


def test_a_form_outside_the_users_organization_scope_is_named_without_a_link(
    client, world, report_world
):
    approve_all(world.province)
    form_of(world, world.commune_one_a, "hnd", Submission.Status.DRAFT)
    form_of(world, world.commune_one_a, "mttq", Submission.Status.DRAFT)
    farmer = user_create(
        actor=None,
        username="hnd.province",
        password="pw-for-tests-1",
        role="viewer",
        home_unit=world.province,
        organization_type=OrganizationType.objects.get(code="hnd"),
    )
    client.force_login(farmer)

    body = client.get("/reports/", QUERY).content.decode()

    gate = body[body.index('id="approval-gate"') :]
    hnd = world.commune_one_a.organizations.get(type__code="hnd", kind="territorial")
    mttq = world.commune_one_a.organizations.get(type__code="mttq", kind="territorial")
    assert f"/organization/{hnd.pk}/" in gate
    assert f"/organization/{mttq.pk}/" not in gate and "MTTQ" in gate


def test_a_final_report_asked_for_while_forms_are_open_is_refused_and_nothing_made(
    client, world, report_world
):
    approve_all(world.province)
    form_of(world, world.commune_two_a, "mttq", Submission.Status.SUBMITTED)
    client.force_login(world.province_admin)

    response = start(client, "xlsx", "final")

    body = response.content.decode()
    assert response.status_code == 400
    refusal = body[body.index('id="final-refused"') :]
    assert "Xã Zeta Một: MTTQ" in refusal.split("</p>")[0]
    assert not ReportJob.objects.exists() and not FinalReport.objects.exists()


def test_a_draft_can_be_made_while_forms_are_open(client, world, report_world):
    client.force_login(world.province_admin)

    started = start(client, "xlsx", "draft")
    book = load_workbook(io.BytesIO(client.get(f"{started.url}file/").getvalue()))

    assert book["Phụ lục"]["F1"].value == "DỰ THẢO"
    assert not FinalReport.objects.exists()


def test_a_final_report_from_the_page_is_recorded_with_who_issued_it(client, world, report_world):
    approve_all(world.province)
    client.force_login(world.province_admin)

    started = start(client, "xlsx", "final")
    page = client.get(started.url).content.decode()
    file = client.get(f"{started.url}file/")

    final = FinalReport.objects.get()
    assert (final.issued_by, final.issued_via) == (world.province_admin, "page")
    assert final.sha256 in page
    book = load_workbook(io.BytesIO(file.getvalue()))
    assert book.properties.identifier == f"sha256:{final.sha256}"
    assert ReportJob.objects.get().final_report == final


def test_the_page_opens_on_the_latest_period_whose_coverage_is_complete(
    client, world, report_world
):
    Resolution.objects.filter(pk=report_world.pk).update(basis="approved")
    approve_all(world.province, "2020")
    client.force_login(world.province_admin)

    opened = client.get("/reports/", {"resolution": "06-NQ-TU"}).content.decode()
    picked = client.get("/reports/", QUERY).content.decode()

    assert '<option value="2020" selected>' in opened
    assert (
        'id="period-complete"' in opened and "2020" in opened.split('id="period-complete"')[1][:200]
    )
    assert '<option value="2021" selected>' in picked and 'id="period-complete"' not in picked


def test_a_final_job_whose_forms_reopened_before_it_ran_fails_and_records_nothing(
    world, report_world
):
    from danvan.datasets.queries import period_get
    from danvan.reports import jobs

    approve_all(world.province)
    job = jobs.report_job_create(
        actor=world.province_admin,
        resolution=report_world,
        unit=world.province,
        period=period_get("2021"),
        baseline=None,
        fmt="xlsx",
        final=True,
    )
    form_of(world, world.commune_one_b, "hnd", Submission.Status.RETURNED)

    done = jobs.report_job_run(job=job)

    assert done.status == ReportJob.Status.FAILED and "Xã Một B" in done.message
    assert not FinalReport.objects.exists() and not done.stored_path


def test_only_the_board_issues_a_final_report(client, world, report_world):
    approve_all(world.province)
    client.force_login(world.district_clerk)

    page = client.get("/reports/", QUERY).content.decode()
    refused = start(client, "xlsx", "final", {**QUERY, "unit": world.district_one.pk})
    api = client.get(
        "/api/reports/file",
        {**QUERY, "unit": world.district_one.pk, "format": "xlsx", "final": "true"},
    )

    assert 'value="draft"' in page and 'value="final"' not in page
    assert refused.status_code == 403 and api.status_code == 403
    assert not FinalReport.objects.exists() and not ReportJob.objects.exists()
