"""The Atom feeds and the embeddable cards of a proposal and of an axis."""

from django.urls import path
from django.views.decorators.http import require_safe

from convention.cache import cache_public_page

from . import atom, cards

app_name = "embeds"

urlpatterns = [
    path("propositions/<slug:key>/flux/", require_safe(cache_public_page()(atom.ProposalFeed())), name="proposal-feed"),
    path("propositions/<slug:key>/carte/", cards.proposal_card, name="proposal-card"),
    path("axes/<slug:slug>/flux/", require_safe(cache_public_page()(atom.AxisFeed())), name="axis-feed"),
    path("axes/<slug:slug>/carte/", cards.axis_card, name="axis-card"),
]
