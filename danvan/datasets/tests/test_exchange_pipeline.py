"""The import pipeline: every rule of a typed cell, plus what only files can get wrong."""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile

import pytest

from danvan.datasets.exchange.text import (
    clean_text,
    looks_like_tcvn3,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
)
from danvan.datasets.tests.exchange_helpers import figures, import_bytes, snapshot

__all__ = ["figures"]

HEADER = "dataelement,period,orgunit,categoryoptioncombo,value,comment\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{r}\n" for r in rows)).encode()


def _reasons(summary):  # type: ignore[no-untyped-def]
    return [(r.line, r.code) for r in summary.rejections]


def test_one_bad_row_and_nothing_is_written(world, figures):
    before = snapshot()

    summary = import_bytes(
        world.district_clerk,
        _csv("members,2021,01101,hnd,200,", "members_new,2021,01101,hnd,abc,"),
    )

    assert _reasons(summary) == [(3, "invalid_value")]
    assert summary.changed == 1 and not summary.applied
    assert snapshot() == before


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ("nope,2021,01101,hnd,1,", "unknown_element"),
        ("members,2021X,01101,hnd,1,", "invalid_period"),
        ("members,2021Q1,01101,hnd,1,", "not_in_form"),
        ("members,2021,99999,hnd,1,", "unknown_unit"),
        ("members,2021,01201,hnd,1,", "out_of_scope"),
        ("members,2021,01101,xyz,1,", "unknown_option"),
        ("members,2021,01101,default,1,", "unknown_option"),
        ("members,2021,01101,mttq,1,", "option_not_allowed"),
        ("households,2021,01101,hnd,1,", "option_not_allowed"),
        ("members,2021,011,hnd,1,", "not_in_form"),
        ("members,2021,01101,hnd,-1,", "invalid_value"),
        ("members,2021,01101,hnd,1.5,", "invalid_value"),
        ("members,2099,01101,hnd,1,", "not_in_form"),
        ("members,2021,01101,hnd,1e5,", "invalid_value"),
    ],
)
def test_each_bad_row_is_rejected_with_its_reason(world, figures, row, code):
    before = snapshot()

    summary = import_bytes(world.district_clerk, _csv(row))

    assert _reasons(summary) == [(2, code)]
    assert summary.rejections[0].reason
    assert snapshot() == before


def test_duplicate_rows_with_different_values_are_rejected(world, figures):
    summary = import_bytes(
        world.district_clerk,
        _csv(
            "members_new,2021,01101,hnd,5,",
            "members_new,2021,01101,hnd,5,",
            "members_new,2021,01101,hnd,6,",
        ),
    )

    assert _reasons(summary) == [(4, "duplicate")]
    assert "2" in summary.rejections[0].reason


def test_duplicates_across_chunks_are_found(world, figures, monkeypatch):
    from danvan.datasets.exchange import pipeline

    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 2)
    rows = [
        "members_new,2021,01101,hnd,5,",
        "works,2021,01101,hnd,1,",
        "members,2021,01101,hnd,120,",
        "members,2021,01101,hnd,121,",
        "members_new,2021,01101,hnd,5,",
    ]

    summary = import_bytes(world.district_clerk, _csv(*rows))

    assert _reasons(summary) == [(5, "duplicate")]


def test_values_of_a_submitted_form_are_rejected(world, figures):
    from danvan.datasets.services import submission_submit

    submission_submit(actor=world.district_clerk, form=figures["unit_form"])
    before = snapshot()

    summary = import_bytes(world.district_clerk, _csv("dialogues,2021,01101,default,9,"))

    assert _reasons(summary) == [(2, "locked")]
    assert snapshot() == before


def test_a_viewer_cannot_import(world, figures):
    summary = import_bytes(world.commune_viewer, _csv("dialogues,2021,01101,default,9,"))

    assert _reasons(summary) == [(2, "out_of_scope")]


def test_validation_rules_are_reported_for_the_forms_touched(world, figures):
    summary = import_bytes(
        world.district_clerk, _csv("members_studied,2021,01101,hnd,500,"), dry_run=True
    )

    assert summary.ok
    assert [(f.rule, f.severity, f.unit, f.option) for f in summary.findings] == [
        ("studied_le_members", "error", "01101", "hnd")
    ]
    assert summary.rule_errors == 1


def test_blank_values_are_skipped(world, figures):
    summary = import_bytes(world.district_clerk, _csv("works,2021,01101,hnd,,", ",,,,,"))

    assert (summary.skipped, summary.rejected, summary.new) == (1, 0, 0)


def test_a_comment_in_tcvn3_is_converted(world, figures):
    legacy = unicode_to_tcvn3("Hội Nông dân đã họp").encode("cp1252")
    data = HEADER.encode() + b"works,2021,01101,hnd,4," + legacy + b"\n"

    summary = import_bytes(world.district_clerk, data.decode("cp1252").encode("utf-8"))

    from danvan.datasets.models import DataValue

    assert summary.converted == 1
    assert DataValue.objects.get(element__code="works").comment == "Hội Nông dân đã họp"


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Hµ Néi", "Hà Nội"),
        ("MÆt trËn Tæ quèc ViÖt Nam", "Mặt trận Tổ quốc Việt Nam"),
        ("§oµn Thanh niªn", "Đoàn Thanh niên"),
        ("HËu Giang", "Hậu Giang"),
        ("Héi Cùu chiÕn binh", "Hội Cựu chiến binh"),
        ("b¸o c¸o s¬ kÕt NghÞ quyÕt", "báo cáo sơ kết Nghị quyết"),
        ("Th\u00adêng trùc", "Thường trực"),
    ],
)
def test_tcvn3_words_round_trip(legacy, unicode):
    assert looks_like_tcvn3(legacy)
    assert tcvn3_to_unicode(legacy) == unicode
    assert unicode_to_tcvn3(unicode) == legacy
    assert not looks_like_tcvn3(unicode)
    assert clean_text(unicode) == (unicode, False)


def test_text_is_normalised_to_nfc():
    decomposed = "Vie\u0323\u0302t"

    assert clean_text(decomposed) == ("Việt", False)


# --- bad files -------------------------------------------------------------------------------


def _file_error(world, data: bytes, name: str = "") -> str:  # type: ignore[no-untyped-def]
    summary = import_bytes(world.district_clerk, data, name=name)
    assert summary.file_error, "expected the whole file to be refused"
    assert not summary.applied
    return summary.file_error_code


def test_bad_files_are_refused_whole(world, figures):
    before = snapshot()
    broken_zip = io.BytesIO()
    with zipfile.ZipFile(broken_zip, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    plain = io.BytesIO()
    from openpyxl import Workbook

    Workbook().save(plain)

    codes = [
        _file_error(world, b"", "x.csv"),
        _file_error(world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.xlsx"),
        _file_error(world, b"PK\x03\x04garbage" * 10, "x.xlsx"),
        _file_error(world, broken_zip.getvalue(), "x.xlsx"),
        _file_error(world, plain.getvalue(), "x.xlsx"),
        _file_error(world, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "x.csv"),
        _file_error(world, "Mã,Kỳ,Đơn vị,Giá trị\nmembers,2021,01101,1\n".encode(), "x.csv"),
        _file_error(world, b"[1, 2, 3]", "x.json"),
        _file_error(world, b'{"dataSet": "nq06-org"}', "x.json"),
        _file_error(world, b'{"dataValues": [{"dataElement": "members",', "x.json"),
        _file_error(world, json.dumps({"dataValues": []}).encode() + b" trailing", "x.json"),
    ]

    assert codes == [
        "empty",
        "encrypted_or_xls",
        "corrupt_xlsx",
        "corrupt_xlsx",
        "not_template",
        "binary",
        "csv_header",
        "not_data_value_set",
        "not_data_value_set",
        "not_data_value_set",
        "not_data_value_set",
    ]
    assert snapshot() == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_csv_in_other_encodings_is_read(world, figures, encoding):
    text = HEADER + "works,2021,01101,hnd,4,Đã họp\n"
    if encoding == "cp1258":  # tones as combining marks, as Windows-1258 writes them
        text = unicodedata.normalize("NFD", text)

    summary = import_bytes(world.district_clerk, text.encode(encoding))

    from danvan.datasets.models import DataValue

    assert summary.applied, (summary.file_error, summary.rejections)
    assert DataValue.objects.get(element__code="works").comment == "Đã họp"


def test_wrong_column_count_is_a_row_error(world, figures):
    summary = import_bytes(world.district_clerk, _csv("works,2021,01101,hnd,4", "works,2021"))

    assert _reasons(summary) == [(2, "malformed"), (3, "malformed")]


def test_json_values_may_be_numbers_and_use_the_document_defaults(world, figures):
    document = {
        "dataSet": "nq06-org",
        "period": "2021",
        "orgUnit": "01101",
        "dataValues": [
            {"dataElement": "works", "categoryOptionCombo": "hnd", "value": 4},
            {"dataElement": "welfare_houses_value", "categoryOptionCombo": "hnd", "value": 1.5e6},
            {"dataElement": "members", "categoryOptionCombo": "hnd", "value": True},
            "not an object",
        ],
    }

    summary = import_bytes(world.district_clerk, json.dumps(document).encode(), dry_run=True)

    assert (summary.new, summary.changed, summary.rejected) == (1, 1, 2)
    assert _reasons(summary) == [(3, "malformed"), (4, "malformed")]


def test_json_is_read_in_pieces(world, figures, monkeypatch):
    from danvan.datasets.exchange import parsers

    monkeypatch.setattr(parsers, "_CHUNK", 7)
    document = {
        "period": "2021",
        "orgUnit": "01101",
        "dataValues": [
            {"dataElement": "works", "categoryOptionCombo": "hnd", "value": "12345"},
            {
                "dataElement": "scholarships",
                "categoryOptionCombo": "hnd",
                "value": 678,
                "comment": "Ấp",
            },
        ],
    }

    summary = import_bytes(world.district_clerk, json.dumps(document, ensure_ascii=False).encode())

    from danvan.datasets.models import DataValue

    assert summary.applied
    assert DataValue.objects.get(element__code="works").value == 12345
    assert DataValue.objects.get(element__code="scholarships").comment == "Ấp"


def test_a_data_set_given_restricts_the_figures(world, figures):
    summary = import_bytes(
        world.district_clerk, _csv("households,2021,01101,default,1,"), data_set_code="nq06-org"
    )

    assert _reasons(summary) == [(2, "not_in_form")]


def test_confirming_a_stale_preview_writes_nothing(world, figures):
    data = _csv("works,2021,01101,hnd,9,")
    preview = import_bytes(world.district_clerk, data, dry_run=True)
    import_bytes(world.district_clerk, _csv("works,2021,01101,hnd,8,"))
    before = snapshot()

    summary = import_bytes(world.district_clerk, data, expect=preview.digest)

    assert summary.stale and not summary.applied
    assert snapshot() == before


def test_a_row_with_a_nul_character_is_rejected_with_its_reason(world, catalogue):
    from danvan.datasets.exchange.parsers import RawRow
    from danvan.datasets.exchange.pipeline import values_import

    rows = [RawRow(1, "members", "2021", "01101\x00", "hnd", "10")]

    summary = values_import(actor=world.district_clerk, rows=rows, dry_run=False)

    assert not summary.applied
    assert summary.rejected == 1
    assert "NUL" in summary.rejections[0].reason


def test_an_xlsx_that_inflates_past_the_bound_is_refused_before_it_is_read(
    world, catalogue, settings
):
    from danvan.reports.tests.test_upload_bombs import bomb

    settings.DANVAN_IMPORT_MAX_INFLATED_BYTES = 16 * 1024 * 1024
    data = bomb("xl/worksheets/sheet1.xml", 24 * 1024 * 1024)

    summary = import_bytes(world.district_clerk, data, name="bom.xlsx", dry_run=True)

    assert summary.file_error_code == "too_large"
    assert "16 MB" in summary.file_error
