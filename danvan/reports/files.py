"""One entry point for every format: DOCX, XLSX and PDF of a Report."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from danvan.reports.docx_writer import docx_render
from danvan.reports.exporter import Report
from danvan.reports.xlsx_writer import xlsx_render

FORMATS = ("docx", "xlsx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class PdfUnavailableError(RuntimeError):
    pass


@dataclass(frozen=True)
class RenderedFile:
    content: bytes
    filename: str
    content_type: str


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_convert(docx: bytes, timeout: int = 120) -> bytes:
    """The DOCX through LibreOffice headless (a private profile, so runs do not collide)."""
    program = soffice()
    if program is None:
        raise PdfUnavailableError(
            "Máy chủ chưa cài LibreOffice (soffice) nên chưa xuất được PDF: "
            "apt-get install libreoffice-writer-nogui."
        )
    with tempfile.TemporaryDirectory(prefix="danvan-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(docx)
        result = subprocess.run(
            [
                program,
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(source),
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        target = work / "report.pdf"
        if result.returncode != 0 or not target.exists():
            message = result.stderr.decode(errors="replace").strip()
            raise PdfUnavailableError(f"LibreOffice không chuyển được sang PDF: {message}")
        return target.read_bytes()


def report_render(report: Report, fmt: str, template: Path | None = None) -> RenderedFile:
    if fmt not in FORMATS:
        raise ValueError(f"Định dạng “{fmt}” không có; dùng một trong: {', '.join(FORMATS)}.")
    if fmt == "xlsx":
        content = xlsx_render(report)
    else:
        content = docx_render(report, template)
        if fmt == "pdf":
            content = pdf_convert(content)
    return RenderedFile(content, f"{report.filename_stem}.{fmt}", CONTENT_TYPES[fmt])
