"""The real report the checker was built against (bao-cao-so-ket-06-NQ-TU-hau-giang)."""

from danvan.reports.checker import Severity, check_document, read_file
from danvan.reports.tests.factories import SEED


def seed_findings():
    return check_document(read_file(SEED))


def test_seed_errors_are_exactly_the_known_arithmetic_errors():
    found = {(f.rule, f.stated) for f in seed_findings() if f.severity is Severity.ERROR}

    assert found == {
        ("fraction-rate", "93,1%"),  # 418/450 = 92,89%
        ("fraction-rate", "98,88%"),  # 426/449 = 94,88%
        ("total-parts", "1.435 cuộc"),  # 94 + 580 + 873 = 1.547
        ("footnote-breakdown", "97 cán bộ"),  # footnote 8: 12 + 82 = 94
    }


def test_seed_inconsistencies_are_warnings():
    found = {(f.rule, f.stated) for f in seed_findings() if f.severity is Severity.WARNING}

    assert ("fraction-rate", "99,74%") in found  # next to 373/375 = 99,47%
    assert ("achievement", "101,94 %") in found  # 83,59 / 82 (section IV), not / 80
    assert ("target-differs", "80%") in found
    assert ("same-quantity", "322.915 đoàn viên hội viên") in found  # 322.951 in the text
    assert ("indicator-reference", "chỉ tiêu số 3: trên 93,54%") in found
    assert ("stock-flow", "322.951 đoàn viên") in found


def test_seed_average_of_organization_rates_is_a_note():
    notes = [f for f in seed_findings() if f.severity is Severity.NOTE]

    assert [(f.rule, f.stated) for f in notes] == [("average-of-rates", "98,55%")]


def test_seed_correct_figures_are_not_flagged():
    quoted = " | ".join(f.quote for f in seed_findings())

    for correct in (
        "82,7%",  # 110/133
        "131,03%",  # 78,62 / 60
        "117,34%",  # 99,74 / 85
        "97,4%",  # 95,45 / 98
        "tăng 292",  # 140 → 432
        "tăng 25",  # 27 → 52
        "11,28%",  # 100 − 88,72 points
        "99,30%",  # 14.144 / 14.243
        "91,15%",  # 12.983 / 14.243: the base is not written, so not an error
        "200%",
        "205%",
    ):
        assert correct not in quoted, correct
