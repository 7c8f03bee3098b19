"""`danvan check-report FILE [--format text|json]` without Django: the checker needs none.

The console command calls `main` directly, so a check does not pay for setting up every
Django app (the admin's autodiscovery alone imports the administrative-units data); the
`check_report` management command writes the same output through `write_report`.

Exit status: 0 no errors (warnings and notes allowed), 1 errors found, 2 file unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Protocol

from danvan.reports.checker import Finding, ReadError, Severity, check_document, read_file
from danvan.reports.checker.findings import SEVERITY_LABELS


class Writer(Protocol):
    """sys.stdout, or the management command's own output wrapper."""

    def write(self, text: str, /) -> object: ...


def write_report(path: str, output_format: str, out: Writer) -> int:
    """Check the file at `path`, write the findings to `out`; the exit status. Raises ReadError."""
    started = time.perf_counter()
    document = read_file(path)
    findings = check_document(document)
    elapsed = time.perf_counter() - started
    counts = {severity: 0 for severity in Severity}
    for item in findings:
        counts[item.severity] += 1
    if output_format == "json":
        payload = {
            "file": path,
            "seconds": round(elapsed, 3),
            "summary": {str(severity): count for severity, count in counts.items()},
            "findings": [item.as_dict() for item in findings],
        }
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        _write_text(path, findings, counts, elapsed, out)
    return 1 if counts[Severity.ERROR] else 0


def _write_text(
    path: str, findings: list[Finding], counts: dict[Severity, int], elapsed: float, out: Writer
) -> None:
    lines = [
        f"{path}: {counts[Severity.ERROR]} lỗi, {counts[Severity.WARNING]} cảnh báo, "
        f"{counts[Severity.NOTE]} lưu ý ({elapsed:.2f} giây)"
    ]
    for item in findings:
        label = SEVERITY_LABELS[item.severity].upper()
        lines.append("")
        lines.append(f"[{label}] {item.location.describe()} · {item.title}")
        lines.append(f"  Trích:      “{item.quote}”")
        lines.append(f"  Ghi:        {item.stated}")
        lines.append(f"  Tính được:  {item.computed}")
        if item.suggestion:
            lines.append(f"  Đề nghị:    {item.suggestion}")
        lines.append(f"  Giải thích: {item.explanation}")
    out.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="danvan check-report",
        description="Find arithmetic and consistency errors in a report (.docx, .txt, .md).",
    )
    parser.add_argument("file", help="the report: .docx, .txt or .md")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    try:
        return write_report(args.file, args.format, sys.stdout)
    except ReadError as error:
        sys.stderr.write(f"{error.message}\n")
        return 2
