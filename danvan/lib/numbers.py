"""Vietnamese number input and output: '1.234.567', '1.234,5', '99,17%'.

The dot groups thousands and the comma marks decimals. Input is forgiving about spaces
and about a plain '1234'; it refuses what could be read two ways ('12.5').
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^-?\d+(,\d+)?$")


class NumberFormatError(ValueError):
    pass


def parse_vn_number(text: str) -> Decimal:
    """'1.234' -> 1234, '1.234,5' -> 1234.5, '1234' -> 1234, '0,5' -> 0.5."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.isdigit() and cleaned.isascii():  # most figures: a plain whole number
        return Decimal(cleaned)
    if not cleaned:
        raise NumberFormatError("empty")
    if not (_GROUPED.match(cleaned) or _PLAIN.match(cleaned)):
        raise NumberFormatError(cleaned)
    try:
        return Decimal(cleaned.replace(".", "").replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the patterns exclude this
        raise NumberFormatError(cleaned) from error


def format_vn_number(value: Decimal | int | None, places: int | None = None) -> str:
    """1234567 -> '1.234.567'; Decimal('99.1666'), places=2 -> '99,17' (half up)."""
    if value is None:
        return ""
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    digits = f"{abs(number):f}"
    whole, _, fraction = digits.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
