"""The report page, its downloads, the API and the make_report command, all scoped."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import docx
import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from danvan.reports.files import soffice


def report_download(client, format, query):  # type: ignore[no-untyped-def]
    """The page's download button: a job, made at once by the embedded task backend."""
    started = client.post(f"/reports/jobs/start/{format}/?{urlencode(query)}")
    if started.status_code != 302:
        return started
    return client.get(f"{started.url}file/")


def test_the_page_previews_the_annex_of_the_unit_in_scope(client, world, report_world):
    client.force_login(world.province_admin)

    response = client.get("/reports/", {"resolution": "06-NQ-TU", "period": "2021"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "SỐ LIỆU KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in body
    assert "12/12 đồng chí, chiếm tỷ lệ 100%" in body
    assert "/reports/jobs/start/docx/?resolution=06-NQ-TU" in body
    assert 'href="/reports/"' in body  # the menu link


def test_a_unit_of_another_district_is_not_found(client, world, report_world):
    client.force_login(world.district_clerk)

    page = client.get("/reports/", {"unit": world.commune_two_a.pk})
    download = report_download(client, "docx", {"unit": world.district_two.pk})

    assert page.status_code == 404 and download.status_code == 404


def test_a_district_clerk_gets_the_report_of_their_district(client, world, report_world):
    client.force_login(world.district_clerk)

    response = report_download(client, "docx", {"period": "2021"})

    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.getvalue()))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Cấp huyện" in text and "Cấp tỉnh:" not in text
    assert "Zeta" not in "\n".join(p.text for p in document.paragraphs)


def test_the_xlsx_holds_the_annex_and_the_figures_of_every_unit(client, world, report_world):
    client.force_login(world.province_admin)

    response = report_download(client, "xlsx", {"period": "2021"})

    book = load_workbook(io.BytesIO(response.getvalue()))
    assert book.sheetnames == ["Phụ lục", "Số liệu theo đơn vị"]
    annex = [[c.value for c in row] for row in book["Phụ lục"].iter_rows()]
    assert annex[4][:2] == ["STT", "Tên chỉ tiêu Nghị quyết"]
    assert any(row[3] and "2.970/3.000 đoàn viên, hội viên" in row[3] for row in annex)
    figures = [[c.value for c in row] for row in book["Số liệu theo đơn vị"].iter_rows()]
    studied = [r for r in figures if r[1] == "members-studied" and r[7] == "2021"]
    assert {r[4]: (r[8], r[9]) for r in studied} == {
        "01": (2970, 3000),
        "011": (1980, 2000),
        "012": (990, 1000),
        "01101": (990, 1000),
        "01102": (990, 1000),
        "01201": (990, 1000),
    }


def test_the_api_gives_the_annex_rows_in_scope(client, world, report_world):
    client.force_login(world.district_clerk)

    own = client.get(
        "/api/reports/annex",
        {"resolution": "06-NQ-TU", "unit": world.district_one.pk, "period": "2021"},
    )
    foreign = client.get(
        "/api/reports/annex",
        {"resolution": "06-NQ-TU", "unit": world.district_two.pk, "period": "2021"},
    )
    missing = client.get(
        "/api/reports/annex",
        {"resolution": "06-NQ-TU", "unit": world.district_one.pk, "period": "2040"},
    )

    assert own.status_code == 200
    assert own.json()["rows"][0]["result"][0] == "Cấp huyện:"
    assert foreign.status_code == 404
    assert missing.status_code == 400 and "2040" in missing.json()["message"]


def test_the_api_gives_the_report_file(client, world, report_world):
    client.force_login(world.province_admin)

    response = client.get(
        "/api/reports/file",
        {"resolution": "06-NQ-TU", "unit": world.province.pk, "period": "2021", "format": "xlsx"},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_the_command_finds_the_unit_by_name_without_diacritics(world, report_world, tmp_path):
    output = tmp_path / "bao-cao.docx"

    call_command(
        "make_report",
        "--resolution=06-NQ/TU",
        "--unit=huyen mot",
        "--period=2021",
        "--format=docx",
        "--no-charts",
        f"--output={output}",
    )

    document = docx.Document(str(output))
    assert any("Huyện Một" in p.text for p in document.paragraphs)


def test_the_command_names_what_is_missing(world, report_world, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị “Huyện Chín”"):
        call_command(
            "make_report",
            "--resolution=06-NQ/TU",
            "--unit=Huyện Chín",
            "--period=2021",
            f"--output={tmp_path / 'x.docx'}",
        )
    with pytest.raises(CommandError, match="Kỳ 2035 chưa có số liệu"):
        call_command(
            "make_report",
            "--resolution=06-NQ/TU",
            "--unit=01",
            "--period=2035",
            f"--output={tmp_path / 'x.docx'}",
        )


@pytest.mark.pdf
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_pdf_is_the_word_report_through_libreoffice(world, report_world, tmp_path):
    output: Path = tmp_path / "bao-cao.pdf"

    call_command(
        "make_report",
        "--resolution=06-NQ-TU",
        "--unit=01",
        "--period=2021",
        "--format=pdf",
        "--no-charts",
        f"--output={output}",
    )

    assert output.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(output), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert "BÁO CÁO" in text and "SỐ LIỆU KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in text
        assert "12/12 đồng chí" in text


def _annex_cells(body: str) -> tuple[list[str], list[list[str]]]:
    import lxml.html

    table = lxml.html.fromstring(body).xpath("//table[@class='annex']")[0]
    header = [th.text_content().strip() for th in table.xpath("thead//th")]
    rows = [[td.text_content().strip() for td in tr.xpath("td")] for tr in table.xpath("tbody/tr")]
    return header, rows


def test_the_preview_of_a_ten_year_review_shows_the_mid_term_column(client, reform_world):
    world = reform_world
    world.approved(
        world.commune,
        "hnd",
        "2026",
        {"members": "1600", "members_studied": "1584"},
        clerk=world.clerk,
        approver=world.approver,
    )
    client.force_login(world.analyst)

    response = client.get(
        "/reports/",
        {
            "resolution": world.resolution.slug,
            "unit": world.city.pk,
            "period": "2026",
            "baseline": "2016",
        },
    )

    header, rows = _annex_cells(response.content.decode())
    studied = next(row for row in rows if "tham gia học tập" in row[1])
    assert header[2:5] == [
        "Trước khi có Nghị quyết",
        "Sơ kết 5 năm (năm 2021)",
        "Kết quả thực hiện",
    ]
    assert all(len(row) == len(header) for row in rows)
    assert "1.200/1.500" in studied[2] and "1.440/1.500" in studied[3]
    assert "1.584/1.600" in studied[4]


def test_the_preview_of_a_five_year_review_has_no_mid_term_column(client, reform_world):
    client.force_login(reform_world.old_admin)

    response = client.get(
        "/reports/", {"resolution": reform_world.resolution.slug, "period": "2021"}
    )

    header, rows = _annex_cells(response.content.decode())
    assert not any("Sơ kết" in column for column in header)
    assert rows and all(len(row) == len(header) for row in rows)
