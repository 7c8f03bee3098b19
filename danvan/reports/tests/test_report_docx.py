"""The review report as a Word document: header, page setup, annex, footnotes, bad input."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import Decimal

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from lxml import etree

from danvan.datasets.queries import period_get
from danvan.indicators.models import Target
from danvan.indicators.results import results_read
from danvan.reports.docx_writer import TemplateError, docx_render
from danvan.reports.exporter import ReportError, fmt_count, fmt_rate, report_build
from danvan.reports.tests.factories import errors
from danvan.reports.wording import WordingError, wording_load

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DAY = datetime.date(2021, 12, 15)


def build(resolution, unit, period="2021", **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("date", DAY)
    kwargs.setdefault("charts", False)
    return report_build(resolution=resolution, unit=unit, period=period_get(period), **kwargs)


def fraction(row):  # type: ignore[no-untyped-def]
    return f"{fmt_count(row.numerator, pad=False)}/{fmt_count(row.denominator, pad=False)}"


def open_docx(data):  # type: ignore[no-untyped-def]
    return docx.Document(io.BytesIO(data))


def footnotes(data: bytes) -> dict[int, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/footnotes.xml"))
    notes = {}
    for note in root.iter(f"{W}footnote"):
        number = int(note.get(f"{W}id"))
        if number > 0:
            notes[number] = "".join(t.text or "" for t in note.iter(f"{W}t")).strip()
    return notes


def annex_table(document):  # type: ignore[no-untyped-def]
    return next(t for t in document.tables if t.rows[0].cells[0].text == "STT")


def test_the_header_is_a_party_document_header(world, report_world):
    data = docx_render(build(report_world, world.province))

    document = open_docx(data)
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "TỈNH ỦY HẬU GIANG",
        "*",
        left.paragraphs[-1].text,
    ]
    assert re.fullmatch(r"Số\s+-BC/TU", left.paragraphs[-1].text)
    motto = right.paragraphs[0].runs[0]
    assert motto.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and motto.bold and motto.underline
    place = next(p for p in right.paragraphs if "ngày" in p.text)
    assert place.text == "Hậu Giang, ngày 15 tháng 12 năm 2021"
    assert place.runs[0].italic
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert any(
        t.startswith("Sơ kết 05 năm thực hiện Nghị quyết số 06-NQ/TU ngày 21/7/2016") for t in texts
    )
    signature = document.tables[1].rows[0].cells
    assert "Nơi nhận:" in signature[0].text and "- Văn phòng Trung ương Đảng," in signature[0].text
    assert [p.text for p in signature[1].paragraphs if p.text] == [
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Trần Văn Huyền",
    ]


def test_page_setup_follows_the_party_guidance(world, report_world):
    document = open_docx(docx_render(build(report_world, world.province)))

    body, annex = document.sections[0], document.sections[1]
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    assert body.orientation == WD_ORIENT.PORTRAIT
    for section in (body, annex):
        assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
        assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    assert (round(annex.page_width.mm), round(annex.page_height.mm)) == (297, 210)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    # Page numbers from page 2: an empty first-page header, a PAGE field in the others.
    assert body.different_first_page_header_footer
    assert not body.first_page_header.paragraphs[0].text
    assert " PAGE " in etree.tostring(body.header._element, encoding="unicode")


def test_every_annex_cell_comes_from_the_computed_results(world, report_world):
    report = build(report_world, world.province)

    table = annex_table(open_docx(docx_render(report)))
    rows = table.rows[1:]
    assert len(rows) == len(report.annex) == 9
    results = {
        r.part.code: r
        for r in results_read(report_world, units=[world.province], period_ids=["2021"])
    }
    base = {
        r.part.code: r
        for r in results_read(report_world, units=[world.province], period_ids=["2016"])
    }
    for row, item in zip(rows, report.annex, strict=True):
        cells = [c.text for c in row.cells]
        assert cells[2:] == [
            "\n".join(item.before),
            "\n".join(item.result + item.coverage),
            "\n".join(item.comparison),
        ]
        for code in item.parts:
            now = results[code]
            if now.part.is_rate:
                noun = now.part.count_noun
                then = base[code]
                assert f"{fraction(now)} {noun}, chiếm tỷ lệ {fmt_rate(now.value)}%" in cells[3]
                assert f"{fraction(then)} {noun}, chiếm tỷ lệ {fmt_rate(then.value)}%" in cells[2]
            if now.achievement is not None:
                assert f"Đạt {fmt_rate(now.achievement)}% chỉ tiêu nghị quyết" in cells[4]
    first = [c.text for c in rows[0].cells]
    assert first[3] == (
        "Cấp tỉnh:\n- Về chính trị: 12/12 đồng chí, chiếm tỷ lệ 100%.\n"
        "- Về chuyên môn: 12/12 đồng chí, chiếm tỷ lệ 100%.\n"
        "(Số liệu của 1/1 đơn vị cấp tỉnh đã nhập)"
    )
    assert (
        "- Về chính trị: Đạt 100% chỉ tiêu nghị quyết "
        "(tăng 06 đồng chí so với trước khi có Nghị quyết)." in first[4]
    )
    # The indicator's number and name are merged over its three level rows.
    merges = [row._tr.tc_lst[0].tcPr.find(f"{W}vMerge") for row in rows[:4]]
    assert [m.get(f"{W}val") for m in merges] == ["restart", None, None, "restart"]


def test_numbers_are_vietnamese_and_rates_whole_only_when_whole(world, report_world):
    report = build(report_world, world.province)

    cells = "\n".join("\n".join(r.before + r.result + r.comparison) for r in report.annex)
    assert "2.970/3.000 đoàn viên, hội viên, chiếm tỷ lệ 99%" in cells
    assert "Đạt 101,02% chỉ tiêu nghị quyết" in cells
    assert "Đạt 116,67% chỉ tiêu nghị quyết" in cells  # 7 transfers against 5–6
    assert "Đạt 125% chỉ tiêu nghị quyết" in cells  # 75% university against 60%
    assert "100,00" not in cells
    assert fmt_rate(Decimal("97.3978")) == "97,40"
    assert fmt_rate(Decimal("99.995")) == "100"  # half up, then whole
    assert fmt_count(Decimal(5)) == "05" and fmt_count(Decimal(1234567)) == "1.234.567"


def test_a_gap_is_said_never_printed_as_zero(world, report_world):
    report = build(report_world, world.province)

    equipment = next(r for r in report.annex if "computers" in r.parts)
    assert (
        "- Tổng số máy tính hiện có 15 máy, tăng 09 máy so với trước khi ban hành Nghị quyết."
        in equipment.result
    )
    assert "- Máy in: chưa có số liệu." in equipment.result
    assert not any(re.search(r"\b0 (máy|cái)\b", line) for line in equipment.result)
    assert any("Máy in" in line and "chưa có số liệu" in line for line in report.missing)


def test_footnotes_are_real_and_add_up_to_the_figure_they_break_down(world, report_world):
    data = docx_render(build(report_world, world.province))

    notes = footnotes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml").decode()
    references = [int(n) for n in re.findall(r'<w:footnoteReference w:id="(\d+)"/>', body)]
    assert references == sorted(notes) and "[[fn:" not in body
    supervision = next(n for n in notes.values() if "cuộc giám sát" in n)
    parts = [int(n) for n in re.findall(r"tổ chức (\d+) cuộc giám sát", supervision)]
    assert parts == [10, 35, 15]
    text = " ".join(p.text for p in open_docx(data).paragraphs)
    assert f"đã tổ chức {sum(parts)} cuộc giám sát" in text


def test_the_report_checker_finds_no_error_in_a_generated_report(world, report_world):
    from danvan.reports.checker import check_document, read_bytes

    data = docx_render(build(report_world, world.province))

    findings = check_document(read_bytes(data, "bao-cao.docx"))
    assert errors(findings) == []


def test_a_district_report_leaves_out_the_parts_above_it(world, report_world):
    report = build(report_world, world.district_one)

    parts = [code for row in report.annex for code in row.parts]
    assert "province-political" not in parts and "transfers-province" not in parts
    assert "district-political" in parts and "commune-university" in parts
    assert any("toàn huyện" in block.text for block in report.body)


def test_a_period_without_figures_is_refused_naming_it(world, report_world):
    with pytest.raises(ReportError, match="Kỳ 2015 chưa có số liệu của Tỉnh A"):
        build(report_world, world.province, period="2015")


def test_an_indicator_without_a_target_for_the_period_says_so(world, report_world):
    Target.objects.filter(part__code="members-studied").delete()

    report = build(report_world, world.province)

    row = next(r for r in report.annex if r.parts == ["members-studied"])
    assert row.comparison == ["Chưa có chỉ tiêu cho năm 2021."]
    assert any("chưa có chỉ tiêu cho năm 2021" in line for line in report.missing)


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it(world, report_world, tmp_path):
    from danvan.reports.docx_writer import DEFAULT_TEMPLATE

    template = docx.Document(str(DEFAULT_TEMPLATE))
    template.add_paragraph("{{ so_quyet_dinh }}")
    path = tmp_path / "mau.docx"
    template.save(str(path))

    with pytest.raises(TemplateError, match="so_quyet_dinh"):
        docx_render(build(report_world, world.province), path)


def test_a_wording_file_with_an_unknown_placeholder_is_refused_naming_it(tmp_path):
    path = tmp_path / "cau-chu.yaml"
    path.write_text('annex:\n  rate: "{name}: {tu_so}/{denominator} người"\n', encoding="utf-8")

    with pytest.raises(WordingError, match=r"annex\.rate.*\{tu_so\}"):
        wording_load(path)


def test_a_province_may_change_the_wording(world, report_world, tmp_path):
    path = tmp_path / "cau-chu.yaml"
    path.write_text(
        'annex:\n  rate: "{name}: có {numerator}/{denominator} {noun}, đạt {rate}%"\n',
        encoding="utf-8",
    )

    report = build(report_world, world.province, wording=wording_load(path))

    assert "- Về chính trị: có 12/12 đồng chí, đạt 100%." in report.annex[0].result


def test_the_profile_is_the_one_valid_on_the_report_date(world, report_world):
    before = build(report_world, world.province, date=datetime.date(2025, 6, 30))
    after = build(report_world, world.province, date=datetime.date(2026, 2, 5))

    assert before.header["issuer"] == "TỈNH ỦY HẬU GIANG"
    assert after.header["issuer"] == "THÀNH ỦY CẦN THƠ"
    assert after.header["place_date"] == "Cần Thơ, ngày 05 tháng 02 năm 2026"
    assert "Ban Tuyên giáo và Dân vận" in after.profile.board


def test_charts_are_embedded_as_images_from_the_dashboard_spec(world, report_world):
    report = build(report_world, world.province, charts=True)

    data = docx_render(report)

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        images = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(images) == len(report.charts) >= 10
    assert report.charts[0].spec["layer"][0]["mark"]["type"] == "line"
