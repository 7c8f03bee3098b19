"""Offices' own workbooks read through a saved mapping: merged title and header rows, total
rows, spacer rows, text numbers in Vietnamese format, units by name."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from danvan.datasets.exchange.mappings import ColumnChoice, workbook_mapping_save
from danvan.datasets.exchange.pipeline import values_import
from danvan.datasets.exchange.text import unicode_to_tcvn3
from danvan.datasets.exchange.workbooks import (
    MappedWorkbookSource,
    WorkbookLayout,
    workbook_grids,
)
from danvan.datasets.tests.exchange_helpers import snapshot

COLUMNS = [
    ColumnChoice("C", "members", "hnd"),
    ColumnChoice("D", "works", "hnd"),
    ColumnChoice("E", "households"),
]


def office_book(
    rows: list[list[object]],
    *,
    title: str = "BÁO CÁO KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT NĂM 2021",
    merges: tuple[str, ...] = (),
    members_header: str = "Hội viên",
    top: int = 0,
) -> bytes:
    """A district office's sheet: two title rows (merged), a blank row, two header rows
    with merged cells, then `rows` from row 6 (everything `top` rows lower)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    if top:
        sheet["A1"] = "Biểu số 02"
    sheet[f"A{1 + top}"] = "MẶT TRẬN TỔ QUỐC VIỆT NAM HUYỆN MỘT"
    sheet.merge_cells(f"A{1 + top}:C{1 + top}")
    sheet[f"A{2 + top}"] = title
    sheet.merge_cells(f"A{2 + top}:F{2 + top}")
    headers = ("STT", "Đơn vị", "Hội Nông dân", "Số hộ", "Ghi chú")
    for column, text in zip("ABCEF", headers, strict=True):
        sheet[f"{column}{4 + top}"] = text
    sheet[f"C{5 + top}"], sheet[f"D{5 + top}"] = members_header, "Công trình, phần việc"
    for first, last in (("A", "A"), ("B", "B"), ("C", "D"), ("E", "E"), ("F", "F")):
        sheet.merge_cells(f"{first}{4 + top}:{last}{(5 if first != 'C' else 4) + top}")
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(6 + top + offset, column).value = value
    for span in merges:
        sheet.merge_cells(span)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


STANDARD_ROWS: list[list[object]] = [
    [1, "Xã Một A", "1.234", 12, "1.500", "ghi chú"],
    [None, None, None, None, None, None],  # a spacer row
    [2, "X. Một B", 100, "-", "2.000,0"],
    ["Tổng cộng", None, "=SUM(C6:C8)", "=SUM(D6:D8)", "=SUM(E6:E8)"],
]


def mapping_make(world, data: bytes, *, actor=None, name: str = "Mẫu huyện"):  # type: ignore[no-untyped-def]
    actor = actor or world.district_clerk
    grid = next(g for g in workbook_grids(io.BytesIO(data)) if g.name == "Báo cáo")
    return workbook_mapping_save(
        actor=actor,
        unit=actor.home_unit,
        name=name,
        sample=grid,
        header_row=4,
        first_data_row=6,
        unit_column="B",
        columns=COLUMNS,
        skip_labels=["Tổng cộng", "Cộng"],
    )


def run(user, mapping, data: bytes, *, period: str = "2021", dry_run: bool = True):  # type: ignore[no-untyped-def]
    source = MappedWorkbookSource(
        io.BytesIO(data), len(data), layout=WorkbookLayout.of(mapping), actor=user, period=period
    )
    return values_import(actor=user, rows=source, dry_run=dry_run)


@pytest.fixture
def sample(world, catalogue):  # type: ignore[no-untyped-def]
    data = office_book(STANDARD_ROWS)
    return data, mapping_make(world, data)


def _stored():  # type: ignore[no-untyped-def]
    values, _audits = snapshot()
    return {(e, o, u, p): v for e, o, u, p, v, _c in values}


def test_an_office_workbook_imports_through_a_saved_mapping(world, sample):
    data, mapping = sample

    summary = run(world.district_clerk, mapping, data, dry_run=False)

    assert summary.applied, (summary.file_error, summary.rejections)
    stored = _stored()
    assert stored[("members", "hnd", "01101", "2021")] == 1234
    assert stored[("works", "hnd", "01101", "2021")] == 12
    assert stored[("households", None, "01101", "2021")] == 1500
    assert stored[("members", "hnd", "01102", "2021")] == 100
    assert stored[("households", None, "01102", "2021")] == 2000
    assert ("works", "hnd", "01102", "2021") not in stored  # "-" is nothing to report
    assert summary.new == 5 and summary.skipped == 1


def test_every_skipped_row_is_listed_with_its_reason(world, sample):
    data, mapping = sample

    summary = run(world.district_clerk, mapping, data)

    skipped = {row.line: row.reason for row in summary.skipped_rows}
    assert set(skipped) == {7, 9}
    assert "blank" in skipped[7] or "trống" in skipped[7]
    assert "total" in skipped[9] or "tổng" in skipped[9].lower()
    assert {f.unit for f in summary.forms} == {"01101", "01102"}
    assert {f.period for f in summary.forms} == {"2021"}
    assert {f.data_set for f in summary.forms} == {"nq06-org", "nq06-unit"}
    assert "Mẫu huyện" in summary.described


def test_the_mapping_reads_another_file_of_the_same_layout(world, sample):
    _data, mapping = sample
    other = office_book(
        [
            ["I", "Các xã", None, None, None],  # a section heading
            [1, "  xã một b ", 90, 3, 1800],
            [2, "Thị trấn Không Có", None, None, None],  # no figures: listed, not an error
            ["", "Cộng", 90, 3, 1800],
        ]
    )

    summary = run(world.district_clerk, mapping, other)

    assert summary.ok, summary.rejections
    assert summary.new == 3
    assert {row.line for row in summary.skipped_rows} == {6, 8, 9}


def test_a_row_whose_unit_cannot_be_matched_is_a_row_error_and_nothing_is_written(world, sample):
    _data, mapping = sample
    other = office_book([[1, "Xã Một A", 10, 1, 100], [2, "Xã Không Tồn Tại", 5, 1, 50]])
    before = snapshot()

    summary = run(world.district_clerk, mapping, other, dry_run=False)

    assert not summary.applied
    assert [(r.line, r.code) for r in summary.rejections] == [(7, "unknown_unit")]
    assert "Xã Không Tồn Tại" in summary.rejections[0].reason
    assert snapshot() == before


def test_a_unit_of_another_district_is_out_of_scope(world, sample):
    _data, mapping = sample
    other = office_book([[1, "01201", 10, 1, 100]])

    summary = run(world.district_clerk, mapping, other)

    # Named by code: the other district's commune is not among the clerk's units.
    assert [r.code for r in summary.rejections] == ["unknown_unit"]
    assert "Zeta" not in summary.rejections[0].reason


def test_a_file_with_another_layout_is_refused_naming_the_column(world, sample):
    _data, mapping = sample
    other = office_book(STANDARD_ROWS, members_header="Phát triển mới")

    summary = run(world.district_clerk, mapping, other)

    assert summary.file_error_code == "layout_changed"
    assert "C" in summary.file_error and "Phát triển mới" in summary.file_error


def test_last_years_workbook_is_refused_for_this_year(world, sample):
    _data, mapping = sample
    retitled = office_book(STANDARD_ROWS, title="BÁO CÁO KẾT QUẢ NĂM 2020")

    summary = run(world.district_clerk, mapping, retitled, period="2021")

    assert summary.file_error_code == "title_period"
    assert "2020" in summary.file_error


def test_without_a_period_the_titles_period_is_used_and_shown(world, sample):
    _data, mapping = sample
    data = office_book(
        STANDARD_ROWS,
        title="BÁO CÁO NĂM 2021 (Kèm theo công văn số 5 ngày 05 tháng 01 năm 2022)",
    )

    summary = run(world.district_clerk, mapping, data, period="")

    assert summary.ok, (summary.file_error, summary.rejections)
    assert {f.period for f in summary.forms} == {"2021"}


def test_a_title_without_a_period_needs_one_given(world, sample):
    _data, mapping = sample
    data = office_book(STANDARD_ROWS, title="BÁO CÁO KẾT QUẢ")

    summary = run(world.district_clerk, mapping, data, period="")

    assert summary.file_error_code == "no_period"


def test_merged_figure_cells_are_row_errors(world, sample):
    _data, mapping = sample
    data = office_book(
        [[1, "Xã Một A", 10, 1, 100], [2, "Xã Một B", 20, None, 200]], merges=("D6:D7",)
    )

    summary = run(world.district_clerk, mapping, data)

    assert {(r.line, r.code) for r in summary.rejections} == {(6, "malformed"), (7, "malformed")}
    assert all("D6:D7" in r.reason for r in summary.rejections)


def test_a_label_merged_across_the_unit_column_still_names_the_unit(world, sample):
    _data, mapping = sample
    data = office_book([["Xã Một A", None, 10, 1, 100]], merges=("A6:B6",))

    summary = run(world.district_clerk, mapping, data)

    assert summary.ok, summary.rejections
    assert summary.new == 3


def test_a_formula_without_a_value_in_a_unit_row_is_a_row_error(world, sample):
    _data, mapping = sample
    data = office_book([[1, "Xã Một A", "=2+3", 1, 100]])

    summary = run(world.district_clerk, mapping, data)

    assert [r.code for r in summary.rejections] == ["malformed"]
    assert "C6" in summary.rejections[0].reason


def test_a_decimal_in_a_count_is_a_row_error(world, sample):
    _data, mapping = sample
    data = office_book([[1, "Xã Một A", "12,5", 1, 100]])

    summary = run(world.district_clerk, mapping, data)

    assert [r.code for r in summary.rejections] == ["invalid_value"]


def test_units_typed_in_tcvn3_are_matched(world, sample):
    _data, mapping = sample
    data = office_book([[1, unicode_to_tcvn3("Xã Một A"), 10, 1, 100]])

    summary = run(world.district_clerk, mapping, data)

    assert summary.ok, summary.rejections
    assert {f.unit for f in summary.forms} == {"01101"}


def test_a_name_shared_by_two_units_is_an_error_unless_the_row_before_says_which(world, sample):
    from danvan.geography.models import AdministrativeUnit

    for district, code in ((world.district_one, "01103"), (world.district_two, "01203")):
        AdministrativeUnit.objects.create(
            version=world.version, code=code, name="Xã Trùng Tên", kind="commune", level=3,
            parent=district, valid_to=world.version.valid_to,
        )  # fmt: skip
    mapping = mapping_make(world, office_book(STANDARD_ROWS), actor=world.province_admin)
    alone = office_book([[1, "Xã Trùng Tên", 10, 1, 100]])
    after_a_sibling = office_book([[1, "Xã Một B", 10, 1, 100], [2, "Xã Trùng Tên", 10, 1, 100]])

    ambiguous = run(world.province_admin, mapping, alone)
    resolved = run(world.province_admin, mapping, after_a_sibling)

    assert [r.code for r in ambiguous.rejections] == ["ambiguous_unit"]
    assert "01103" in ambiguous.rejections[0].reason and "01203" in ambiguous.rejections[0].reason
    assert not [r for r in resolved.rejections if r.code == "ambiguous_unit"]
    assert "01103" in {f.unit for f in resolved.forms}


def test_headers_moved_down_by_a_title_row_are_found_and_said(world, sample):
    _data, mapping = sample
    data = office_book([[1, "Xã Một A", 10, 1, 100], ["Tổng cộng", None, 10, 1, 100]], top=1)

    summary = run(world.district_clerk, mapping, data)

    assert summary.ok, (summary.file_error, summary.rejections)
    assert summary.new == 3
    assert {row.line for row in summary.skipped_rows} == {8}
    assert "5–6" in summary.described


def test_a_code_typed_as_a_number_keeps_its_leading_zero(world, sample):
    _data, mapping = sample
    data = office_book([[1, 1101, 10, 1, 100]])

    summary = run(world.district_clerk, mapping, data)

    assert summary.ok, summary.rejections
    assert {f.unit for f in summary.forms} == {"01101"}


def test_the_command_imports_through_a_mapping_the_user_may_use(world, sample, tmp_path):
    from django.core.management import CommandError, call_command

    data, mapping = sample
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(data)
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_values", str(path), "--user", "two.clerk", "--mapping", mapping.pk)
    call_command(
        "import_values", str(path), "--user", "one.clerk", "--mapping", mapping.pk, stdout=out
    )

    assert _stored()[("members", "hnd", "01101", "2021")] == 1234
    assert "Applied" in out.getvalue() and "9 not read" in out.getvalue()


def test_rows_of_units_at_levels_the_mapping_does_not_read_are_skipped_and_listed(world, catalogue):
    data = office_book(
        [["I", "Huyện Một", 30, 2, 300], [1, "Xã Một A", 10, 1, 100], [2, "Xã Một B", 20, 1, 200]]
    )
    grid = next(g for g in workbook_grids(io.BytesIO(data)) if g.name == "Báo cáo")
    communes_only = workbook_mapping_save(
        actor=world.district_clerk, unit=world.district_one, name="Các xã", sample=grid,
        header_row=4, first_data_row=6, unit_column="B", columns=COLUMNS,
        skip_labels=[], unit_levels=[3],
    )  # fmt: skip
    every_level = mapping_make(world, data)

    read = run(world.district_clerk, communes_only, data)
    refused = run(world.district_clerk, every_level, data)

    assert read.ok, read.rejections
    assert [(r.line, r.label) for r in read.skipped_rows] == [(6, "Huyện Một")]
    assert {f.unit for f in read.forms} == {"01101", "01102"}
    # Read as the district's own figures, the subtotal is refused (not in its form).
    assert {r.line for r in refused.rejections} == {6}


def test_a_sheet_with_one_column_per_organization_and_the_total_first(world, catalogue):
    from openpyxl.styles import Alignment

    book = Workbook()
    sheet = book.active
    sheet.title = "HV 2021"
    sheet["A1"] = "TỔNG HỢP SỐ HỘI VIÊN CÁC ĐOÀN THỂ NĂM 2021"
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["Đơn vị", "Hội Nông dân", "Hội LHPN\n(phụ nữ)", "Ghi chú"])
    sheet["C3"].alignment = Alignment(wrap_text=True)
    sheet.append(["TỔNG CỘNG:", "=B5+B6", "=C5+C6", None])
    sheet.append(["XÃ MỘT A", "1.200", 950.0, "đủ"])
    sheet.append(["x. một b\u00a0", 300, "-", None])
    sheet.append([None, None, None, None])
    sheet.append(["Người lập biểu", None, None, "Nguyễn Văn A"])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    grid = workbook_grids(io.BytesIO(data))[0]
    mapping = workbook_mapping_save(
        actor=world.district_clerk, unit=world.district_one, name="Hội viên", sample=grid,
        header_row=3, first_data_row=4, unit_column="A",
        columns=[ColumnChoice("B", "members", "hnd"), ColumnChoice("C", "members", "hlhpn")],
        skip_labels=["Tổng cộng"],
    )  # fmt: skip

    summary = run(world.district_clerk, mapping, data, dry_run=False)

    assert summary.applied, (summary.file_error, summary.rejections)
    stored = _stored()
    assert stored[("members", "hnd", "01101", "2021")] == 1200
    assert stored[("members", "hlhpn", "01101", "2021")] == 950
    assert stored[("members", "hnd", "01102", "2021")] == 300
    assert [(r.line, r.label) for r in summary.skipped_rows] == [
        (4, "TỔNG CỘNG:"),
        (7, ""),
        (8, "Người lập biểu"),
    ]
    assert mapping.columns[1]["header"] == "Hội LHPN\n(phụ nữ)"
    assert "D (Ghi chú)" in summary.described
