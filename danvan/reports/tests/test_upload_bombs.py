"""Zip-based uploads are bounded by what they inflate to, not only by their size on the wire."""

import io
import zipfile

import pytest
from django.urls import reverse

from danvan.lib.archives import ArchiveError, zip_check
from danvan.reports.checker.reading import MAX_INFLATED_BYTES, ReadError, read_bytes

MB = 1024 * 1024


def bomb(member: str, inflated: int) -> bytes:
    """A valid zip whose one member is `inflated` bytes of zeros, compressed to almost nothing."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as target,
    ):
        chunk = bytes(MB)
        for _ in range(inflated // MB):
            target.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb():
    return bomb("word/document.xml", MAX_INFLATED_BYTES + 8 * MB)


def test_an_archive_inflating_past_the_bound_is_refused(docx_bomb):
    assert len(docx_bomb) < MB

    with pytest.raises(ArchiveError) as error:
        zip_check(docx_bomb, max_uncompressed=MAX_INFLATED_BYTES)

    assert error.value.code == "too_large"


def test_a_member_at_an_absurd_ratio_is_refused_below_the_total_bound():
    data = bomb("xl/worksheets/sheet1.xml", 64 * MB)

    with pytest.raises(ArchiveError):
        zip_check(data, max_uncompressed=10_000 * MB)


def test_an_ordinary_document_passes_and_the_stream_is_left_at_its_start():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document>Báo cáo</w:document>" * 100)
    out.seek(0)

    assert zip_check(out, max_uncompressed=MB) > 0
    assert out.tell() == 0


def test_the_checker_refuses_a_docx_bomb_without_inflating_it(docx_bomb):
    with pytest.raises(ReadError) as error:
        read_bytes(docx_bomb, "bao-cao.docx")

    assert error.value.code == "too_large"
    assert "giải nén ra quá lớn" in error.value.message


def test_the_check_page_answers_a_docx_bomb_with_400_and_a_message(client, world, docx_bomb):
    client.force_login(world.commune_viewer)
    upload = io.BytesIO(docx_bomb)
    upload.name = "bao-cao.docx"

    response = client.post(reverse("reports:check"), {"file": upload})

    assert response.status_code == 400
    assert "giải nén ra quá lớn" in response.content.decode()
