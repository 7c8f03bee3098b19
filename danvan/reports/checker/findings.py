"""What a check reports: where, what the text says, what the figures give, and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from danvan.reports.checker.document import Location


class Severity(StrEnum):
    # error: the figures contradict each other under the only reading the text allows.
    ERROR = "error"
    # warning: they contradict each other under the likely reading; a person should look.
    WARNING = "warning"
    # note: not wrong, but worth knowing (an average of rates, a rate rounded down).
    NOTE = "note"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}
SEVERITY_LABELS = {Severity.ERROR: "Lỗi", Severity.WARNING: "Cảnh báo", Severity.NOTE: "Lưu ý"}

# What each kind of check is called where people read the findings; the rule id stays an
# internal key (JSON `rule`, tests) and is never shown in a page or the command's text output.
RULE_TITLES = {
    "fraction-rate": "Tỷ lệ và phân số",
    "stated-base-rate": "Tỷ lệ trên tổng số",
    "achievement": "Mức đạt chỉ tiêu",
    "total-parts": "Tổng và các phần",
    "footnote-breakdown": "Số liệu và chú thích",
    "change": "Mức tăng, giảm",
    "same-quantity": "Một số liệu ghi hai cách",
    "indicator-reference": "Đối chiếu với phụ lục",
    "stock-flow": "Đầu kỳ, tăng, giảm, cuối kỳ",
    "target-differs": "Chỉ tiêu ghi khác nhau",
    "average-of-rates": "Trung bình cộng các tỷ lệ",
    "table-rate": "Tỷ lệ trong bảng",
    "fractional-count": "Số đếm có phần lẻ",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    location: Location
    quote: str
    stated: str
    computed: str
    explanation: str
    suggestion: str = ""
    # Where `quote` sits in its block's text, for highlighting.
    start: int = 0
    end: int = 0
    related: tuple[Location, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        """The kind of check in Vietnamese, for people; `rule` is the machine key."""
        return RULE_TITLES.get(self.rule, "Kiểm tra số liệu")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["title"] = self.title
        data["severity"] = str(self.severity)
        data["location"] = {**asdict(self.location), "key": self.location.key}
        data["location_text"] = self.location.describe()
        data["related"] = [location.describe() for location in self.related]
        return data


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda finding: (SEVERITY_ORDER[finding.severity], finding.start))
