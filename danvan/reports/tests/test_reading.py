# ruff: noqa: E501 — the fixture reports keep one paragraph per line, as real reports do
import codecs
import io
import zipfile

import pytest

from danvan.reports.checker import MAX_BYTES, ReadError, read_bytes, read_file, read_text
from danvan.reports.checker.document import BlockKind
from danvan.reports.tests.factories import SEED, docx_report, to_cp1258

REPORT = """BÁO CÁO

I. ĐẶC ĐIỂM, TÌNH HÌNH

Đã tổ chức được 278 cuộc triển khai, đạt tỷ lệ 98,55%^[1].

^[1] Trong đó, Công đoàn đạt tỷ lệ 99,76%, Hội Nông dân đạt tỷ lệ 98%.

STT\tTên chỉ tiêu\tKết quả thực hiện
1\t<p>- Về chính trị.</p> <p>- Về chuyên môn.</p>\t<p>52/52 đồng chí</p>
"""


def test_inline_footnote_reference_is_removed_and_remembered():
    document = read_text(REPORT)

    paragraph = next(b for b in document.blocks if "278 cuộc" in b.text)
    assert "^[" not in paragraph.text
    assert paragraph.text.endswith("98,55%.")
    [ref] = paragraph.refs
    assert ref.number == 1
    assert paragraph.text[: ref.offset].endswith("98,55%")


def test_footnote_body_is_read_as_footnote():
    document = read_text(REPORT)

    assert document.footnotes[1].text.startswith("Trong đó, Công đoàn")
    assert document.footnotes[1].location.footnote == 1


def test_tab_separated_rows_become_a_table_and_p_tags_become_lines():
    document = read_text(REPORT)

    [table] = document.tables
    assert table.rows[0][1].text == "Tên chỉ tiêu"
    assert table.rows[1][1].text == "- Về chính trị.\n- Về chuyên môn."
    assert table.rows[1][2].location.key == "t0-r1-c2"


def test_headings_give_each_block_its_section():
    document = read_text(REPORT)

    paragraph = next(b for b in document.blocks if "278 cuộc" in b.text)
    assert paragraph.location.section.endswith("I. ĐẶC ĐIỂM, TÌNH HÌNH")
    assert document.blocks[0].kind is BlockKind.HEADING


def test_markdown_pipe_table_and_footnotes_are_read():
    text = "# Báo cáo\n\nCó 12 cuộc[^2].\n\n[^2]: Cấp tỉnh 5 cuộc.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"

    document = read_text(text)

    assert document.footnotes[2].text == "Cấp tỉnh 5 cuộc."
    assert document.tables[0].rows[1][1].text == "2"
    assert document.blocks[0].kind is BlockKind.HEADING


def test_text_is_normalised_to_nfc():
    decomposed = "Ho\u0302\u0323i Nông dân"

    document = read_text(decomposed)

    assert document.blocks[0].text == "Hội Nông dân"


def test_utf16_and_windows_1258_files_are_decoded():
    text = "Có 418/450 đồng chí, chiếm tỷ lệ 93,1%."

    for data in (text.encode("utf-16"), to_cp1258(text), codecs.BOM_UTF8 + text.encode()):
        assert read_bytes(data, "bao-cao.txt").blocks[0].text == text


def test_binary_file_named_txt_is_refused():
    with pytest.raises(ReadError) as raised:
        read_bytes(bytes(range(256)) * 4, "bao-cao.txt")

    assert raised.value.code == "undecodable"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "a.txt", "empty"),
        (b"   \n", "a.md", "empty"),
        (b"%PDF-1.4", "a.pdf", "unsupported"),
        (b"\xd0\xcf\x11\xe0", "a.doc", "unsupported"),
        (b"not a zip at all", "a.docx", "corrupt"),
        (b"x" * (MAX_BYTES + 1), "a.txt", "too_large"),
    ],
)
def test_unreadable_input_raises_a_read_error_with_a_code(data, name, code):
    with pytest.raises(ReadError) as raised:
        read_bytes(data, name)

    assert raised.value.code == code
    assert raised.value.message


def test_zip_that_is_not_a_word_document_is_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")

    with pytest.raises(ReadError) as raised:
        read_bytes(buffer.getvalue(), "bao-cao.docx")

    assert raised.value.code == "corrupt"


def test_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError):
        read_file(tmp_path / "khong-co.txt")


def test_docx_paragraphs_tables_and_footnotes_are_read():
    data = docx_report(
        ["Điều động 97 cán bộ sang công tác[^1] trong năm."],
        table=[["STT", "Kết quả thực hiện"], ["1", "Có 418/450 đồng chí\nchiếm tỷ lệ 93,1%"]],
        footnotes={1: "Cấp tỉnh: Điều động 12 đồng chí; Cấp huyện: Điều động 82 đồng chí."},
    )

    document = read_bytes(data, "bao-cao.docx")

    paragraph = next(b for b in document.blocks if "97 cán bộ" in b.text)
    assert paragraph.text == "Điều động 97 cán bộ sang công tác trong năm."
    assert [(r.number, paragraph.text[: r.offset][-8:]) for r in paragraph.refs] == [
        (1, "công tác")
    ]
    assert document.footnotes[1].text.startswith("Cấp tỉnh: Điều động 12")
    assert document.tables[0].rows[1][1].text == "Có 418/450 đồng chí\nchiếm tỷ lệ 93,1%"
    assert document.blocks[0].kind is BlockKind.HEADING


def test_docx_footnotes_are_numbered_in_reference_order():
    data = docx_report(
        ["Đoạn một[^5].", "Đoạn hai[^3]."],
        footnotes={3: "Chú thích thứ hai.", 5: "Chú thích thứ nhất."},
    )

    document = read_bytes(data, "bao-cao.docx")

    assert document.footnotes[1].text == "Chú thích thứ nhất."
    assert document.footnotes[2].text == "Chú thích thứ hai."


def test_seed_is_read_with_its_annex_and_fourteen_footnotes():
    document = read_file(SEED)

    assert sorted(document.footnotes) == list(range(1, 15))
    assert len(document.tables) == 1
    assert document.tables[0].rows[0][4].text == "So sánh nghị quyết (%)"


def test_two_markdown_tables_separated_by_a_blank_line_are_two_tables():
    from danvan.reports.checker import read_text

    text = (
        "| Huyện | Số tổ |\n|---|---|\n| A | 3 |\n\n| Năm | 2022 | 2023 |\n|---|---|---|\n"
        "| Số hộ | 10 | 12 |\n\n| B | 4 |\n"
    )

    document = read_text(text)

    assert [len(table.rows) for table in document.tables] == [2, 3]
    assert document.tables[1].rows[0][1].text == "2022"
