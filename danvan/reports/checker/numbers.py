"""Numbers as Vietnamese reports write them, and the rounding rule every check shares.

`29.576` is twenty-nine thousand (dot groups thousands), `99,17%` a rate (comma is the decimal
mark), `418/450` a fraction. Dates (`21/7/2016`), document symbols (`06-NQ/TU`,
`10/2017/NQ-HĐND`), years, identifiers (`chỉ tiêu số 3`) and ranges (`2016 - 2020`) are
recognised so that no rule mistakes them for figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum


class Kind(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    FRACTION = "fraction"
    # Not figures, kept so that rules can tell "nothing here" from "something else here".
    YEAR = "year"
    DATE = "date"
    IDENTIFIER = "identifier"
    LIST = "list"
    OTHER = "other"


MEASURES = frozenset({Kind.COUNT, Kind.PERCENT, Kind.FRACTION})

HUNDRED = Decimal(100)

_RUN = r"\d[\d.,]*\d|\d"
_RUN_RE = re.compile(_RUN)
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_PLAIN_RE = re.compile(r"\d+(?:,\d+)?")
_LIST_RE = re.compile(r"\d+(?:,\d+){2,}")
_FRACTION_TAIL_RE = re.compile(rf"\s?/\s?({_RUN})")
_CHAIN_TAIL_RE = re.compile(r"\s?/\s?[\dA-ZĐ]")
_SYMBOL_TAIL_RE = re.compile(r"-[A-ZĐ]")
_PERCENT_TAIL_RE = re.compile(r"\s?%|\s+phần trăm")
_RANGE_TAIL_RE = re.compile(r"\s*(?:đ|đồng|%)?\s*[-–—]\s*\d")
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# Words after which a number names something (a document, an indicator, a ward) instead of
# counting it: "Nghị quyết số 06", "chỉ tiêu số 3", "lần thứ XI", "phường 5".
_IDENTIFIER_BEFORE = re.compile(
    # "dân tộc thiểu số 3.120" counts; "số 3" names.
    r"(?:(?<!tổng )(?<!với )(?<!thiểu )(?<!đa )\bsố|\bthứ|\bkhóa|\bkhoá|\bđiều|\bkhoản"
    r"|\bđiểm|\bmục|\bchương"
    r"|\bphụ lục|\bstt|\bphường|\bquận|\bấp|\bkhu vực|\bkhóm|\btổ|\bluật|\bnghị định"
    r"|\bthông tư|\bquyết định|\bchỉ thị|\bkết luận|\bthông báo|\bquy định|\bcông văn"
    r"|\btrang|\bbảng|\bbiểu|\bphần)\s*$",
    re.IGNORECASE,
)
_DATE_BEFORE = re.compile(r"\b(?:ngày|tháng|hôm|đêm|sáng|chiều|tối)\s*$", re.IGNORECASE)
_QUALIFIERS = (
    "ít nhất",
    "tối thiểu",
    "tối đa",
    "xấp xỉ",
    "khoảng",
    "chưa đến",
    "ước đạt",
    "gần",
    "hơn",
    "trên",
    "dưới",
    "ước",
    "từ",
)
_QUALIFIER_BEFORE = re.compile(
    r"\b(" + "|".join(_QUALIFIERS) + r")\s*$",
    re.IGNORECASE,
)
_AT_LEAST_AFTER = re.compile(r"\s*(?:trở lên|trở xuống)", re.IGNORECASE)

NUMBER_WORDS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
# A number word counts something only before a counting noun; "một số" ("some"), "năm 2020"
# ("the year") and "ba bên" are left alone because their next word is not on this list.
COUNT_NOUNS = (
    "đồng chí",
    "cán bộ",
    "người",
    "cuộc",
    "chỉ tiêu",
    "đơn vị",
    "đoàn",
    "lần",
    "hội nghị",
    "lớp",
    "tổ chức",
    "huyện",
    "xã",
    "tỉnh",
    "đợt",
    "vụ",
    "mô hình",
    "công trình",
    "căn",
    "hộ",
)
_NUMBER_WORD_RE = re.compile(
    r"(?<!\w)(" + "|".join(NUMBER_WORDS) + r")\s+(?=(?:" + "|".join(COUNT_NOUNS) + r")(?!\w))",
    re.IGNORECASE,
)

# Two-word units: "đồng chí" counts people, "đồng" alone is money.
COMPOUND_UNITS = frozenset(
    {
        "đồng chí",
        "cán bộ",
        "vụ việc",
        "ý kiến",
        "góp ý",
        "đoàn viên",
        "hội viên",
        "đảng viên",
        "lượt người",
        "tỷ đồng",
        "triệu đồng",
        "nghìn đồng",
        "ngàn đồng",
        "đơn vị",
        "tổ chức",
        "công trình",
        "phần việc",
        "học bổng",
        "chỉ tiêu",
        "hội nghị",
        "mô hình",
        "câu lạc",
        "hộ gia",
        "chi hội",
        "tổ hội",
        "chi đoàn",
    }
)
# Units that count the same thing, so that "97 cán bộ" can be compared with "12 đồng chí".
_UNIT_CLASSES = {
    "đồng chí": "người",
    "cán bộ": "người",
    "người": "người",
    "vụ việc": "vụ",
    "vụ": "vụ",
    "cái": "cái",
    "chiếc": "cái",
}


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    start: int
    end: int
    text: str
    kind: Kind
    decimals: int = 0
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    numerator_decimals: int = 0
    unit: str = ""
    unit_phrase: str = ""
    qualifier: str = ""
    in_range: bool = False
    word: bool = False

    @property
    def is_measure(self) -> bool:
        return self.kind in MEASURES

    @property
    def unit_class(self) -> str:
        return _UNIT_CLASSES.get(self.unit, self.unit)

    @property
    def approximate(self) -> bool:
        return bool(self.qualifier) or self.in_range

    def rate(self) -> Decimal | None:
        """The percentage the figure stands for: the rate itself, or a fraction as a rate."""
        if self.kind is Kind.PERCENT:
            return self.value
        if self.kind is Kind.FRACTION and self.numerator is not None and self.denominator:
            return self.numerator / self.denominator * HUNDRED
        return None


def parse_number(raw: str) -> tuple[Decimal, int] | None:
    """`29.576` → 29576, `99,17` → 99.17 (2 decimals), `02` → 2; anything else → None."""
    if _LIST_RE.fullmatch(raw):
        return None
    if _THOUSANDS_RE.fullmatch(raw) or _PLAIN_RE.fullmatch(raw):
        integer, _, fraction = raw.partition(",")
        try:
            value = Decimal(integer.replace(".", "") + ("." + fraction if fraction else ""))
        except InvalidOperation:
            return None
        return value, len(fraction)
    return None


def _words_after(text: str, pos: int, limit: int) -> list[str]:
    words: list[str] = []
    for match in _WORD_RE.finditer(text, pos):
        gap = text[pos : match.start()]
        # Stop at the end of the phrase, but let "đoàn viên, hội viên" through.
        if any(mark in gap for mark in ".;:()[]\n/") or re.search(r"\d", gap):
            break
        if "," in gap and not (words and words[-1] == "viên"):
            break
        words.append(match.group().lower())
        pos = match.end()
        if len(words) >= limit:
            break
    return words


# Three-word units, people named by their role: "8.760 hòa giải viên".
THREE_WORD_UNITS = frozenset(
    {"hòa giải viên", "hoà giải viên", "tuyên truyền viên", "cộng tác viên", "báo cáo viên"}
)


def _unit(words: list[str]) -> str:
    if len(words) >= 3 and " ".join(words[:3]) in THREE_WORD_UNITS:
        return " ".join(words[:3])
    if len(words) >= 2 and f"{words[0]} {words[1]}" in COMPOUND_UNITS:
        return f"{words[0]} {words[1]}"
    return words[0] if words else ""


def _qualifier(text: str, start: int, end: int) -> str:
    match = _QUALIFIER_BEFORE.search(text, max(0, start - 12), start)
    if match:
        return match.group(1).lower()
    if _AT_LEAST_AFTER.match(text, end):
        return "trở lên"
    return ""


def _is_enumeration(text: str, start: int, end: int) -> bool:
    # "2.1. Kết quả…" or "3) …" at the start of a block numbers the block, it counts nothing.
    return not text[:start].strip(" \t-–•*#") and text[end : end + 1] in {".", ")"}


def _kind_before(text: str, start: int) -> Kind | None:
    before = text[max(0, start - 20) : start]
    if _IDENTIFIER_BEFORE.search(before):
        return Kind.IDENTIFIER
    return None


def extract(text: str) -> list[Quantity]:
    """Every number in the text, classified; figures have a kind in MEASURES."""
    found: list[Quantity] = []
    skip_until = -1
    range_next = False
    for match in _RUN_RE.finditer(text):
        start, end = match.span()
        raw = match.group()
        if start < skip_until:
            continue
        in_range = range_next
        range_next = False
        parsed = parse_number(raw)
        if parsed is None:
            kind = Kind.LIST if _LIST_RE.fullmatch(raw) else Kind.OTHER
            found.append(Quantity(Decimal(0), start, end, raw, kind))
            continue
        value, decimals = parsed
        before = text[max(0, start - 1) : start]
        if before in {"/", "-"} and re.search(r"[\w/]", text[max(0, start - 2) : start - 1]):
            # The tail of a date or symbol whose head was already classified.
            found.append(Quantity(value, start, end, raw, Kind.OTHER))
            continue
        if _SYMBOL_TAIL_RE.match(text, end):
            found.append(Quantity(value, start, end, raw, Kind.IDENTIFIER))
            continue
        fraction = _FRACTION_TAIL_RE.match(text, end)
        if fraction:
            tail_end = fraction.end()
            second = parse_number(fraction.group(1))
            chained = _CHAIN_TAIL_RE.match(text, tail_end) or _SYMBOL_TAIL_RE.match(text, tail_end)
            looks_like_date = _DATE_BEFORE.search(text[max(0, start - 10) : start]) or (
                second is not None
                and second[1] == 0
                and 1900 <= second[0] <= 2100
                and "." not in fraction.group(1)
                and value <= 12
            )
            if chained or looks_like_date or second is None:
                skip_until = tail_end
                found.append(Quantity(value, start, tail_end, text[start:tail_end], Kind.DATE))
                continue
            denominator = second[0]
            words = _words_after(text, tail_end, 4)
            found.append(
                Quantity(
                    value=(value / denominator * HUNDRED) if denominator else Decimal(0),
                    start=start,
                    end=tail_end,
                    text=text[start:tail_end],
                    kind=Kind.FRACTION,
                    decimals=2,
                    numerator=value,
                    denominator=denominator,
                    numerator_decimals=decimals,
                    unit=_unit(words),
                    unit_phrase=" ".join(words[:4]),
                    qualifier=_qualifier(text, start, tail_end),
                )
            )
            skip_until = tail_end
            continue
        if _is_enumeration(text, start, end):
            found.append(Quantity(value, start, end, raw, Kind.IDENTIFIER))
            continue
        if decimals == 0 and "." not in raw and len(raw) == 4 and 1900 <= value <= 2100:
            found.append(Quantity(value, start, end, raw, Kind.YEAR))
            continue
        marked = _kind_before(text, start)
        if marked is not None:
            found.append(Quantity(value, start, end, raw, marked))
            continue
        percent = _PERCENT_TAIL_RE.match(text, end)
        if _DATE_BEFORE.search(text[max(0, start - 10) : start]) and not percent:
            found.append(Quantity(value, start, end, raw, Kind.DATE))
            continue
        stop = percent.end() if percent else end
        if _RANGE_TAIL_RE.match(text, stop):
            in_range = True
            range_next = True
        words = _words_after(text, stop, 4)
        found.append(
            Quantity(
                value=value,
                start=start,
                end=stop,
                text=text[start:stop],
                kind=Kind.PERCENT if percent else Kind.COUNT,
                decimals=decimals,
                unit="%" if percent else _unit(words),
                unit_phrase=" ".join(words[:4]),
                qualifier=_qualifier(text, start, stop),
                in_range=in_range,
            )
        )
    found.extend(_number_words(text))
    found.sort(key=lambda quantity: quantity.start)
    return found


def _number_words(text: str) -> list[Quantity]:
    quantities = []
    for match in _NUMBER_WORD_RE.finditer(text):
        words = _words_after(text, match.end(), 4)
        quantities.append(
            Quantity(
                value=Decimal(NUMBER_WORDS[match.group(1).lower()]),
                start=match.start(1),
                end=match.end(1),
                text=match.group(1),
                kind=Kind.COUNT,
                unit=_unit(words),
                unit_phrase=" ".join(words[:4]),
                word=True,
            )
        )
    return quantities


def measures(text: str) -> list[Quantity]:
    return [quantity for quantity in extract(text) if quantity.is_measure]


# Rounding --------------------------------------------------------------------------------


def quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(quantum(decimals), rounding=ROUND_HALF_UP)


def within_rounding(stated: Decimal, decimals: int, exact: Decimal) -> bool:
    """True when `stated`, written with `decimals` places, is `exact` rounded half-up."""
    return round_half_up(exact, decimals) == round_half_up(stated, decimals)


def within_one_unit(stated: Decimal, decimals: int, exact: Decimal) -> bool:
    """Off by at most one unit in the last written place: rounded down instead of half-up."""
    return abs(exact - stated) <= quantum(decimals)


def format_number(value: Decimal, decimals: int = 0) -> str:
    """Vietnamese style: 1.547 and 89,58."""
    rounded = round_half_up(value, decimals)
    sign = "-" if rounded < 0 else ""
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + ".".join(groups)
    return f"{text},{fraction}" if fraction else text


def format_percent(value: Decimal, decimals: int = 2) -> str:
    return format_number(value, decimals) + "%"
