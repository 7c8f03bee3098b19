"""Who issues what: the resolution keeps its issuer, the report's follows the report date."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from danvan.datasets.queries import period_get
from danvan.geography.models import AdministrativeUnit, HierarchyVersion, UnitSuccession
from danvan.reports.exporter import ReportError, report_build
from danvan.reports.models import ReportJob

AFTER_MERGER = datetime.date(2026, 2, 5)


def build(resolution, unit, period="2021", **kwargs):  # type: ignore[no-untyped-def]
    return report_build(
        resolution=resolution, unit=unit, period=period_get(period), charts=False, **kwargs
    )


def test_a_report_on_a_past_year_is_dated_at_its_end_and_issued_by_that_days_body(
    world, report_world
):
    report = build(report_world, world.province)

    assert report.date == datetime.date(2021, 12, 31) and report.date_is_default
    assert report.header["issuer"] == "TỈNH ỦY HẬU GIANG"
    assert "ngày 31 tháng 12 năm 2021" in report.header["place_date"]
    assert "(cũ)" not in report.intro


def test_after_the_merger_the_resolution_keeps_its_issuer_and_the_territory_is_former(
    world, report_world
):
    report = build(report_world, world.province, date=AFTER_MERGER)

    assert report.header["issuer"] == "THÀNH ỦY CẦN THƠ" and not report.date_is_default
    issuer = "của Ban Chấp hành Đảng bộ tỉnh Hậu Giang khóa XIII"
    assert issuer in report.subject and issuer in report.intro and issuer in report.closing
    assert report.annex_title[1] == (
        "NGHỊ QUYẾT SỐ 06-NQ/TU CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH HẬU GIANG KHÓA XIII"
    )
    assert "báo cáo kết quả trên địa bàn tỉnh A (cũ) như sau:" in report.intro
    assert report.body[1].text.startswith("Tỉnh A (cũ) có 02 đơn vị hành chính cấp huyện")


def test_before_the_merger_the_annex_title_is_the_same(world, report_world):
    report = build(report_world, world.province)

    assert report.annex_title[1].endswith("CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH HẬU GIANG KHÓA XIII")


def test_a_report_on_a_unit_ceased_by_the_period_is_refused_naming_its_successors(
    world, report_world
):
    new = HierarchyVersion.objects.create(
        code="vn-2025", name="Từ 01/7/2025", valid_from=datetime.date(2025, 7, 1)
    )
    city = AdministrativeUnit.objects.create(
        version=new,
        code="92",
        name="Thành phố Cần Thơ",
        level=AdministrativeUnit.Level.PROVINCE,
        kind=AdministrativeUnit.Kind.CITY,
        valid_from=new.valid_from,
    )
    UnitSuccession.objects.create(
        predecessor=world.province, successor=city, effective_date=new.valid_from
    )

    with pytest.raises(ReportError) as refused:
        build(report_world, world.province, period="2026")

    assert "Tỉnh A chỉ tồn tại đến ngày 30/6/2025, trước kỳ 2026" in str(refused.value)
    assert "Thành phố Cần Thơ (mã 92)" in str(refused.value)


def test_make_report_says_the_date_and_the_target_rule_and_lets_them_be_set(
    world, report_world, tmp_path
):
    out = io.StringIO()
    call_command(
        "make_report",
        "--resolution=06-NQ/TU",
        "--unit=01",
        "--period=2021",
        "--format=xlsx",
        f"--output={tmp_path / 'a.xlsx'}",
        stdout=out,
    )
    chosen = io.StringIO()
    call_command(
        "make_report",
        "--resolution=06-NQ/TU",
        "--unit=01",
        "--period=2021",
        "--format=xlsx",
        "--date=2026-02-05",
        "--target-rule=reached",
        f"--output={tmp_path / 'b.xlsx'}",
        stdout=chosen,
    )

    assert "Ngày báo cáo: 31/12/2021 (cuối kỳ báo cáo; đổi bằng --date)" in out.getvalue()
    assert "cơ quan ban hành: TỈNH ỦY HẬU GIANG" in out.getvalue()
    assert "Chỉ tiêu áp dụng: Mốc gần nhất từ năm đó trở đi" in out.getvalue()
    assert "Ngày báo cáo: 5/2/2026; cơ quan ban hành: THÀNH ỦY CẦN THƠ" in chosen.getvalue()
    assert "Chỉ tiêu áp dụng: Mốc gần nhất đã qua" in chosen.getvalue()


def test_the_report_page_shows_and_lets_the_user_set_the_date_and_the_target_rule(
    client, world, report_world
):
    client.force_login(world.province_admin)
    query = "/reports/?resolution=06-NQ-TU&period=2021"

    default = client.get(query).content.decode()
    chosen = client.get(f"{query}&date=2026-02-05&target_rule=reached").content.decode()
    bad = client.get(f"{query}&date=31/12/2021").content.decode()

    assert 'name="date" value="2021-12-31"' in default
    assert "THÀNH ỦY" not in default and "Đạt 103,66%" in default
    assert "Đây là cách của nghị quyết." in default
    assert 'name="date" value="2026-02-05"' in chosen
    assert "THÀNH ỦY CẦN THƠ" in chosen and "Đạt 106,25%" in chosen
    assert "chọn riêng cho báo cáo này" in chosen
    assert "“31/12/2021” không phải là ngày" in bad


def test_a_report_job_keeps_the_chosen_date_and_rule(client, world, report_world):
    client.force_login(world.province_admin)

    client.post(
        "/reports/jobs/start/xlsx/?resolution=06-NQ-TU&period=2021"
        "&date=2026-02-05&target_rule=reached"
    )

    job = ReportJob.objects.get()
    assert (job.report_date, job.target_rule) == (AFTER_MERGER, "reached")
    assert job.status == ReportJob.Status.DONE
