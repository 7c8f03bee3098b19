"""Bounds on zip-based uploads (.docx, .xlsx) before any reader inflates them.

A small file can declare members that inflate to gigabytes (a "zip bomb"); the size cap on
the upload alone does not stop it. The central directory states every member's size, and
Python's zipfile never yields more than the stated size, so checking the stated sizes
bounds what python-docx and openpyxl read. The ratio check also catches a member whose
stated size is honest but absurd for a document.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO

# A document's XML compresses 5–20×; a thousandfold member is a bomb, not a report.
MAX_RATIO = 250
RATIO_APPLIES_ABOVE = 1024 * 1024
MAX_MEMBERS = 10_000


class ArchiveError(ValueError):
    """The archive is damaged (`code` "corrupt") or would inflate past a bound ("too_large")."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def zip_check(source: bytes | IO[bytes], *, max_uncompressed: int) -> int:
    """Raise `ArchiveError` unless the archive inflates to at most `max_uncompressed` bytes
    in at most MAX_MEMBERS members, none at an absurd ratio. Returns the inflated size.

    A stream is left at its start.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    start = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise ArchiveError("corrupt", str(error)) from error
    finally:
        stream.seek(start)
    if len(members) > MAX_MEMBERS:
        raise ArchiveError("too_large", f"{len(members)} members (at most {MAX_MEMBERS})")
    total = 0
    for member in members:
        total += member.file_size
        if total > max_uncompressed:
            raise ArchiveError("too_large", f"inflates past {max_uncompressed // (1024 * 1024)} MB")
        if member.file_size > RATIO_APPLIES_ABOVE and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ArchiveError(
                "too_large",
                f"{member.filename} inflates {member.file_size // max(member.compress_size, 1)}×",
            )
    return total
