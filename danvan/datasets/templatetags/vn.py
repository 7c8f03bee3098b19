"""Vietnamese number formatting in templates: {{ value|vn }}, {{ rate|vn:2 }}."""

from decimal import Decimal
from typing import Any

from django import template

from danvan.lib.numbers import format_vn_number

register = template.Library()


@register.filter
def vn(value: Any, places: int | None = None) -> str:
    if value is None or value == "":
        return ""
    try:
        return format_vn_number(Decimal(value), places)
    except (ArithmeticError, ValueError, TypeError):
        return str(value)


@register.filter
def coverage_text(coverage: Any, basis: str) -> str:
    """ "số liệu của 72/75 đơn vị cấp xã đã duyệt" for a result's coverage."""
    return str(coverage.text(basis)) if coverage is not None else ""


@register.filter
def is_complete(coverage: Any, basis: str) -> bool:
    return bool(coverage is not None and coverage.is_complete(basis))
