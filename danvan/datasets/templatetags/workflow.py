"""A form's state in words: {{ submission.status|form_state }} → "Đã duyệt", never "approved"."""

from django import template

from danvan.datasets.worklist import FormState

register = template.Library()


@register.filter
def form_state(code: str | None) -> str:
    return FormState.label(code or FormState.NOT_STARTED)
