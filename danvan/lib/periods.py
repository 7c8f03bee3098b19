"""Reporting periods with DHIS2-style identifiers: 2021, 2021S1, 2021Q3, 202107.

Data closing windows follow Decree 09/2019/NĐ-CP (Art. 12): a period's figures are those
from the 15th of the month before the period starts to the 14th of its last month, e.g.
year 2021 = 15/12/2020 – 14/12/2021.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from enum import StrEnum


class PeriodType(StrEnum):
    YEARLY = "yearly"
    SIX_MONTHLY = "six_monthly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


_PATTERNS = [
    (re.compile(r"^(\d{4})$"), PeriodType.YEARLY),
    (re.compile(r"^(\d{4})S([12])$"), PeriodType.SIX_MONTHLY),
    (re.compile(r"^(\d{4})Q([1-4])$"), PeriodType.QUARTERLY),
    (re.compile(r"^(\d{4})(0[1-9]|1[0-2])$"), PeriodType.MONTHLY),
]
_MONTHS = {
    PeriodType.YEARLY: 12,
    PeriodType.SIX_MONTHLY: 6,
    PeriodType.QUARTERLY: 3,
    PeriodType.MONTHLY: 1,
}


class InvalidPeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class PeriodSpec:
    start: datetime.date
    end: datetime.date
    type: PeriodType
    id: str

    @property
    def year(self) -> int:
        return self.start.year

    def closing_window(self, closing_day: int = 15) -> tuple[datetime.date, datetime.date]:
        """(first, last) day whose events count for this period (Decree 09/2019)."""
        before = self.start - datetime.timedelta(days=1)
        first = before.replace(
            day=min(closing_day, calendar.monthrange(before.year, before.month)[1])
        )
        last = self.end.replace(day=closing_day - 1)
        return first, last

    def previous(self) -> PeriodSpec:
        return period_containing(self.type, self.start - datetime.timedelta(days=1))

    def label_vi(self) -> str:
        if self.type == PeriodType.YEARLY:
            return f"Năm {self.year}"
        if self.type == PeriodType.SIX_MONTHLY:
            half = "6 tháng đầu năm" if self.start.month == 1 else "6 tháng cuối năm"
            return f"{half} {self.year}"
        if self.type == PeriodType.QUARTERLY:
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.year}"
        return f"Tháng {self.start.month:02d}/{self.year}"


def _build(period_type: PeriodType, year: int, first_month: int) -> PeriodSpec:
    months = _MONTHS[period_type]
    start = datetime.date(year, first_month, 1)
    last_month = first_month + months - 1
    end = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
    if period_type == PeriodType.YEARLY:
        ident = f"{year}"
    elif period_type == PeriodType.SIX_MONTHLY:
        ident = f"{year}S{1 if first_month == 1 else 2}"
    elif period_type == PeriodType.QUARTERLY:
        ident = f"{year}Q{(first_month - 1) // 3 + 1}"
    else:
        ident = f"{year}{first_month:02d}"
    return PeriodSpec(start, end, period_type, ident)


def period_parse(ident: str) -> PeriodSpec:
    text = ident.strip()
    for pattern, period_type in _PATTERNS:
        match = pattern.match(text)
        if match:
            year = int(match.group(1))
            if not 1900 <= year <= 2200:
                break
            if period_type == PeriodType.YEARLY:
                return _build(period_type, year, 1)
            part = int(match.group(2))
            first_month = (
                (part - 1) * _MONTHS[period_type] + 1 if period_type != PeriodType.MONTHLY else part
            )
            return _build(period_type, year, first_month)
    raise InvalidPeriodError(f"'{ident}' is not a period: use 2021, 2021S1, 2021Q3 or 202107.")


def period_containing(period_type: PeriodType, day: datetime.date) -> PeriodSpec:
    months = _MONTHS[period_type]
    first_month = ((day.month - 1) // months) * months + 1
    return _build(period_type, day.year, first_month)
