"""Template tags for the back office (templates/admin/)."""

from django import template

from proposals.models import Proposal
from proposals.services import latest_review_year

register = template.Library()


@register.simple_tag
def to_check_count() -> int:
    """How many proposals are «À vérifier» (shown on the admin index)."""
    return Proposal.objects.to_check(latest_review_year()).count()
