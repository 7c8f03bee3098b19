"""The report checker: finds arithmetic and consistency errors in a hand-written report.

Framework-free (no Django), so it can run from the command line, the web page, the API and
the tests alike:

    document = read_file("bao-cao.docx")
    findings = check_document(document)
"""

from __future__ import annotations

from danvan.reports.checker.context import CheckContext
from danvan.reports.checker.document import Block, Document, Location
from danvan.reports.checker.findings import Finding, Severity
from danvan.reports.checker.reading import MAX_BYTES, ReadError, read_bytes, read_file, read_text

__all__ = [
    "MAX_BYTES",
    "Block",
    "Document",
    "Finding",
    "Location",
    "ReadError",
    "Severity",
    "check_document",
    "read_bytes",
    "read_file",
    "read_text",
]


def check_document(document: Document) -> list[Finding]:
    """Every finding of every rule, in reading order."""
    from danvan.reports.checker.rules import ALL_RULES

    context = CheckContext(document)
    findings: list[Finding] = []
    for rule in ALL_RULES:
        findings.extend(rule.check(context))
    order = {block.location.key: index for index, block in enumerate(document.all_blocks())}
    unique = {(f.rule, f.location.key, f.start, f.end): f for f in findings}
    return sorted(unique.values(), key=lambda f: (order.get(f.location.key, 0), f.start))
