"""A report written for the tests in another layout (Markdown, pipe table), not the seed's."""

import pytest

from danvan.reports.checker import Severity, check_document, read_file
from danvan.reports.checker.reading import read_text
from danvan.reports.tests.factories import SEED

REPORT = SEED.parent / "bao-cao-mttq-2023-tu-viet.md"

PLANTED = [
    ("cấp xã 1.000 cuộc", "cấp xã 1.100 cuộc", "total-parts"),
    ("Đạt 102,56% chỉ tiêu", "Đạt 102,65% chỉ tiêu", "achievement"),
    ("giảm 1.800 hộ", "giảm 1.700 hộ", "change"),
    ("đạt 106,67% kế hoạch", "đạt 107,67% kế hoạch", "achievement"),
    ("đạt tỷ lệ 80%", "đạt tỷ lệ 85%", "fraction-rate"),
    ("giảm 1,1%", "giảm 1,3%", "change"),
]


def test_correct_report_has_no_findings():
    assert check_document(read_file(REPORT)) == []


@pytest.mark.parametrize(("correct", "wrong", "rule"), PLANTED)
def test_each_planted_error_is_found_and_nothing_else(correct, wrong, rule):
    text = REPORT.read_text(encoding="utf-8")
    assert correct in text

    findings = check_document(read_text(text.replace(correct, wrong)))

    assert [(f.rule, f.severity) for f in findings] == [(rule, Severity.ERROR)]
