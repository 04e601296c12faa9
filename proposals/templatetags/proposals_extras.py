from django import template

from proposals.models import Status

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """«Mise en œuvre» for "implemented"; an unknown code reads «Non évaluée»."""
    try:
        return Status(code).label
    except ValueError:
        return Status.NOT_ASSESSED.label
