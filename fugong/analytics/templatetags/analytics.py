"""Formatting of figures on pages: a value by its unit, a change with its sign. No arithmetic here."""

from decimal import Decimal

from django import template
from django.utils.html import conditional_escape, json_script
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def figure(value, unit: str = "count") -> str:
    if value is None:
        return "—"
    # Digits grouped by three with commas, as both languages' formats do (config/formats), without
    # intcomma's per-call locale lookups: a dashboard formats about a thousand numbers.
    if unit == "pct":
        return f"{Decimal(value):.1f}%"
    if unit == "money":
        return f"{Decimal(value):,.2f}"
    return f"{int(value):,}"


@register.filter
def signed(value, unit: str = "count") -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    shown = figure(abs(value), unit)
    return f"{sign}{shown[:-1]}" if unit == "pct" else f"{sign}{shown}"


@register.filter
def get(mapping, key):
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def json_data(context, value, element_id: str):
    """`value|json_script:element_id`, with the page's CSP nonce like every other script element."""
    html = json_script(value, element_id)
    nonce = conditional_escape(context.get("csp_nonce", ""))
    return mark_safe(html.replace("<script ", f'<script nonce="{nonce}" ', 1))  # noqa: S308 (escaped above)
