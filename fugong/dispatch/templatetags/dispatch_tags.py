from django import template

from fugong.dispatch.validation import warning_text

register = template.Library()


@register.filter(name="warning_text")
def warning_text_filter(warning: dict) -> str:
    return warning_text(warning)
