"""Every DHIS2 period type, by its identifier (`2021W5`, `2021AprilS1`, `2021July`…) and
as ADX writes it (`2021-01-01/P1M`).

danvan's forms are yearly, six-monthly, quarterly or monthly, with DHIS2's identifiers
(see `periods`); a file may still name any DHIS2 period, and the import must say which
type it is before refusing it, rather than calling it "not a period".
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from danvan.lib.periods import PeriodType

_WEEKDAYS = {"": 0, "Wed": 2, "Thu": 3, "Sat": 5, "Sun": 6}
_WEEKLY_NAMES = {
    "": "Weekly",
    "Wed": "WeeklyWednesday",
    "Thu": "WeeklyThursday",
    "Sat": "WeeklySaturday",
    "Sun": "WeeklySunday",
}
# Financial years, by DHIS2's suffix: name and first month.
_FINANCIAL = {
    "Feb": ("FinancialFeb", 2),
    "April": ("FinancialApril", 4),
    "July": ("FinancialJuly", 7),
    "Aug": ("FinancialAug", 8),
    "Sep": ("FinancialSep", 9),
    "Oct": ("FinancialOct", 10),
    "Nov": ("FinancialNov", 11),
}
_SIX_MONTHLY = {
    "": ("SixMonthly", 1),
    "April": ("SixMonthlyApril", 4),
    "Nov": ("SixMonthlyNov", 11),
}
_DANVAN = {
    "Yearly": PeriodType.YEARLY,
    "SixMonthly": PeriodType.SIX_MONTHLY,
    "Quarterly": PeriodType.QUARTERLY,
    "Monthly": PeriodType.MONTHLY,
}


class Dhis2PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Dhis2Period:
    type: str  # DHIS2's name of the period type, e.g. "WeeklyWednesday"
    id: str  # DHIS2's identifier, e.g. "2021WedW5"
    start: datetime.date
    end: datetime.date

    @property
    def danvan_type(self) -> PeriodType | None:
        """The danvan period type with the same identifiers, if there is one."""
        return _DANVAN.get(self.type)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _months(kind: str, ident: str, year: int, first_month: int, count: int) -> Dhis2Period:
    start = datetime.date(year, 1, 1)
    start = _add_months(start, first_month - 1)
    end = _add_months(start, count) - datetime.timedelta(days=1)
    return Dhis2Period(kind, ident, start, end)


def _week_one(year: int, weekday: int) -> datetime.date:
    """The first day of week 1: the week (starting on `weekday`) that holds 4 January,
    ISO 8601's rule carried over to weeks starting on another day."""
    january_4 = datetime.date(year, 1, 4)
    return january_4 - datetime.timedelta(days=(january_4.weekday() - weekday) % 7)


def _weeks_in(year: int, weekday: int) -> int:
    return (_week_one(year + 1, weekday) - _week_one(year, weekday)).days // 7


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})$"), "yearly"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "daily"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "daily"),
    (re.compile(r"^(\d{4})(0[1-9]|1[0-2])$"), "monthly"),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "monthly"),
    (re.compile(r"^(\d{4})(0[1-6])B$"), "bimonthly"),
    (re.compile(r"^(\d{4})(|Nov)Q([1-4])$"), "quarterly"),
    (re.compile(r"^(\d{4})(|April|Nov)S([12])$"), "six_monthly"),
    (re.compile(r"^(\d{4})(|Wed|Thu|Sat|Sun)W(\d{1,2})$"), "weekly"),
    (re.compile(r"^(\d{4})BiW(\d{1,2})$"), "biweekly"),
    (re.compile(r"^(\d{4})(Feb|April|July|Aug|Sep|Oct|Nov)$"), "financial"),
]


def dhis2_period_parse(ident: str) -> Dhis2Period:
    """The DHIS2 period named `ident`; raises Dhis2PeriodError if it names none."""
    text = ident.strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        year = int(match.group(1))
        if not 1900 <= year <= 2200:
            break
        try:
            return _build(kind, text, year, match.groups()[1:])
        except ValueError:
            break
    raise Dhis2PeriodError(f"{ident[:20]!r} is not a DHIS2 period.")


def _build(kind: str, text: str, year: int, parts: tuple[str, ...]) -> Dhis2Period:
    if kind == "yearly":
        return _months("Yearly", text, year, 1, 12)
    if kind == "daily":
        day = datetime.date(year, int(parts[0]), int(parts[1]))
        return Dhis2Period("Daily", day.strftime("%Y%m%d"), day, day)
    if kind == "monthly":
        return _months("Monthly", f"{year}{parts[0]}", year, int(parts[0]), 1)
    if kind == "bimonthly":
        return _months("BiMonthly", text, year, (int(parts[0]) - 1) * 2 + 1, 2)
    if kind == "quarterly":
        if parts[0] == "Nov":
            # Quarter 1 of 2021 starts in November 2020.
            return _months("QuarterlyNov", text, year - 1, 11 + (int(parts[1]) - 1) * 3, 3)
        return _months("Quarterly", text, year, (int(parts[1]) - 1) * 3 + 1, 3)
    if kind == "six_monthly":
        name, first = _SIX_MONTHLY[parts[0]]
        if parts[0] == "Nov":
            return _months(name, text, year - 1, first + (int(parts[1]) - 1) * 6, 6)
        return _months(name, text, year, first + (int(parts[1]) - 1) * 6, 6)
    if kind == "weekly":
        weekday = _WEEKDAYS[parts[0]]
        week = int(parts[1])
        if not 1 <= week <= _weeks_in(year, weekday):
            raise ValueError(text)
        start = _week_one(year, weekday) + datetime.timedelta(weeks=week - 1)
        return Dhis2Period(_WEEKLY_NAMES[parts[0]], text, start, start + datetime.timedelta(days=6))
    if kind == "biweekly":
        week = int(parts[0])
        if not 1 <= week <= (_weeks_in(year, 0) + 1) // 2:
            raise ValueError(text)
        start = _week_one(year, 0) + datetime.timedelta(weeks=2 * (week - 1))
        return Dhis2Period("BiWeekly", text, start, start + datetime.timedelta(days=13))
    name, first = _FINANCIAL[parts[0]]
    return _months(name, text, year, first, 12)


_ADX = re.compile(r"^(\d{4}-\d{2}-\d{2})/P(\d+)([DWMY])$")


def adx_period_parse(text: str) -> Dhis2Period:
    """ADX's `start/duration` (`2021-01-01/P1Y`, `2021-04-01/P3M`) as the DHIS2 period it
    names; raises Dhis2PeriodError if it names none."""
    match = _ADX.match(text.strip())
    if match is None:
        raise Dhis2PeriodError(f"{text[:30]!r} is not an ADX period (start/duration).")
    try:
        start = datetime.date.fromisoformat(match.group(1))
    except ValueError as error:
        raise Dhis2PeriodError(f"{text[:30]!r}: no such date.") from error
    count, unit = int(match.group(2)), match.group(3)
    days = {"D": count, "W": 7 * count}.get(unit)
    months = {"M": count, "Y": 12 * count}.get(unit)
    candidates: list[str] = []
    if days == 1:
        candidates = [start.strftime("%Y%m%d")]
    elif days == 7:
        suffix = {v: k for k, v in _WEEKDAYS.items()}.get(start.weekday())
        if suffix is not None:
            iso_year = start.year + (
                1 if start >= _week_one(start.year + 1, _WEEKDAYS[suffix]) else 0
            )
            if start < _week_one(start.year, _WEEKDAYS[suffix]):
                iso_year = start.year - 1
            week = (start - _week_one(iso_year, _WEEKDAYS[suffix])).days // 7 + 1
            candidates = [f"{iso_year}{suffix}W{week}"]
    elif days == 14:
        week = (start - _week_one(start.year, 0)).days // 14 + 1
        candidates = [f"{start.year}BiW{week}"]
    elif months is not None and start.day == 1:
        m, y = start.month, start.year
        if months == 1:
            candidates = [f"{y}{m:02d}"]
        elif months == 2 and m % 2 == 1:
            candidates = [f"{y}{(m + 1) // 2:02d}B"]
        elif months == 3:
            candidates = [f"{y}Q{(m - 1) // 3 + 1}"] if m in (1, 4, 7, 10) else []
            if m in (11, 2, 5, 8):
                candidates = [f"{y + 1 if m == 11 else y}NovQ{((m - 11) % 12) // 3 + 1}"]
        elif months == 6:
            if m in (1, 7):
                candidates = [f"{y}S{1 if m == 1 else 2}"]
            elif m in (4, 10):
                candidates = [f"{y}AprilS{1 if m == 4 else 2}"]
            elif m in (11, 5):
                candidates = [f"{y + 1 if m == 11 else y}NovS{1 if m == 11 else 2}"]
        elif months == 12:
            suffix = next((k for k, (_n, first) in _FINANCIAL.items() if first == m), None)
            candidates = [f"{y}"] if m == 1 else ([f"{y}{suffix}"] if suffix else [])
    for ident in candidates:
        found = dhis2_period_parse(ident)
        if found.start == start:
            return found
    raise Dhis2PeriodError(f"{text[:30]!r} names no DHIS2 period.")
