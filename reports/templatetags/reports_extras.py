"""Template filters for the review: French numbers, never computed in the template."""

from django import template

from reports import formatting

register = template.Library()


@register.filter
def fr_integer(value) -> str:
    return formatting.fr_integer(value)


@register.filter
def fr_percent(value) -> str:
    """87.5 -> « 87,5 % »."""
    return formatting.fr_percent(value)


@register.filter
def fr_fraction(tally) -> str:
    """A tally (an axis or all proposals) -> « 14 sur 16 · 87,5 % »."""
    return formatting.fr_fraction(tally.implemented, tally.proposals, tally.rate)


@register.filter
def fr_points(value) -> str:
    """A change of rate -> « +6,2 points »."""
    return formatting.fr_points(value)


@register.filter
def fr_date(value) -> str:
    """« 29 août 2025 », « 1er décembre 2024 »."""
    return formatting.fr_date(value)
