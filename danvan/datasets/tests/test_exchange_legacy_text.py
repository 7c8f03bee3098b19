"""Legacy Vietnamese encodings, from real byte strings: TCVN3, VNI and VIQR converted on
the evidence in the text, anything else left alone or refused, never guessed."""

from __future__ import annotations

import pytest

from danvan.datasets.exchange.text import LegacyTextError, clean_text, legacy_encoding_detect
from danvan.datasets.tests.exchange_helpers import figures, import_bytes

__all__ = ["figures"]

# Bytes as the old fonts stored them; a Latin-1 reader (Excel, a CSV) shows look-alikes.
LEGACY = [
    # TCVN3 (.VnTime): one byte per toned letter.
    (b"H\xe9i N\xabng d\xa9n", "Hội Nông dân"),
    (b"M\xc6t tr\xcbn T\xe6 qu\xe8c Vi\xd6t Nam", "Mặt trận Tổ quốc Việt Nam"),
    # VNI-Windows: base letter, then a mark byte; \xf1 is đ, \xf6 ư, \xf4 ơ.
    (b"Ho\xe4i No\xe2ng da\xe2n \xf1a\xf5 kie\xe5m tra", "Hội Nông dân đã kiểm tra"),
    (b"Th\xf6\xf4\xf8ng tr\xf6\xefc Ngh\xf2 quye\xe1t", "Thường trực Nghị quyết"),
    (b"HO\xc4I LIE\xc2N HIE\xc4P PHU\xcf N\xd6\xd5", "HỘI LIÊN HIỆP PHỤ NỮ"),
    # VIQR (RFC 1456): ASCII marks after the vowel.
    (b"Ho^.i No^ng da^n dda~ kie^?m tra", "Hội Nông dân đã kiểm tra"),
    (b"Thu+o+`ng tru+.c Ma(.t tra^.n", "Thường trực Mặt trận"),
    (b"Ha` No^.i.", "Hà Nội."),  # the last '.' follows the word's tone: punctuation
    (b"Co' pha?i ho^.i vie^n kho^ng?", "Có phải hội viên không?"),
]


@pytest.mark.parametrize(("raw", "unicode"), LEGACY)
def test_legacy_text_is_converted_on_its_evidence(raw, unicode):
    assert clean_text(raw.decode("latin-1")) == (unicode, True)


@pytest.mark.parametrize(
    "text",
    [
        "hoàn toàn",  # Unicode with only Latin-1 letters: vowel pairs VNI would also write
        "quá khó",
        "Nông dân",
        "Hội Nông dân",
        "café crème",
        "Is it ok? Yes.",
        "Ha No^i.",  # one VIQR-like mark is not evidence enough
        "a^b^c, x~y, e.g. 2^10",
    ],
)
def test_text_without_evidence_is_left_alone(text):
    assert clean_text(text) == (text, False)


def test_vni_marks_that_do_not_fit_their_letters_are_refused():
    with pytest.raises(LegacyTextError):
        clean_text("Hoäi Noâng daân: cân")


def test_a_vni_file_is_read_on_its_evidence_and_a_plain_latin1_file_is_not_guessed():
    header = b"dataelement,period,orgunit,value,comment\n"
    vni = header + b"dialogues,2021,01101,5,Ho\xe4i No\xe2ng da\xe2n\n"
    plain = header + b"dialogues,2021,01101,5,caf\xe9\n"

    assert legacy_encoding_detect(vni) == "latin-1"
    assert legacy_encoding_detect(plain) is None


@pytest.mark.parametrize(("raw", "unicode"), LEGACY)
def test_a_csv_comment_in_a_legacy_encoding_is_stored_in_unicode(world, figures, raw, unicode):
    from danvan.datasets.models import DataValue

    data = b"dataelement,period,orgunit,value,comment\ndialogues,2021,01101,7," + raw + b"\n"

    summary = import_bytes(world.district_clerk, data, name="cu.csv")

    assert summary.applied, (summary.file_error, summary.rejections)
    assert summary.converted == 1
    assert DataValue.objects.get(element__code="dialogues", unit__code="01101").comment == unicode
