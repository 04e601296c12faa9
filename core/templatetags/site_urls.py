"""`{% fixed_url "public_site:feed" %}`: the `{% url %}` of an address without arguments, reversed
once per process (core.site.fixed_url); for the links every page repeats."""

from django import template

from core import site

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return site.fixed_url(name)
