"""A form's state in words: {{ submission.status|form_state }} → "Đã duyệt", never "approved"."""

from django import template

from danvan.datasets.models import DataElement
from danvan.datasets.validation import REF, expression_label
from danvan.datasets.worklist import FormState

register = template.Library()


@register.filter
def form_state(code: str | None) -> str:
    return FormState.label(code or FormState.NOT_STARTED)


@register.filter
def expression_words(text: str | None) -> str:
    """An expression in element names: '#{members_studied} / #{members}' → 'Đoàn viên, hội
    viên tham gia học tập … ÷ Tổng số đoàn viên, hội viên cuối kỳ'."""
    if not text:
        return ""
    codes = {match.group(1) for match in REF.finditer(text)}
    names = dict(DataElement.objects.filter(code__in=codes).values_list("code", "name"))
    return expression_label(text, names)
