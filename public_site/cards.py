"""Embeddable cards: a proposal's current status or an axis' rate, in a small page of its own
that other sites may frame (only these routes: every other page refuses to be framed); and what
a page shows to embed one (the `<iframe>` to copy) and to follow it (its Atom feed)."""

from dataclasses import dataclass

from csp.decorators import csp_replace
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from core.cache import cache_public_page
from core.site import base_url
from proposals.models import Axis, Proposal
from reports.summary import year_summary
from reports.years import latest_public_year

from .context_processors import current_convention

# The size the snippet gives the frame: a card reads at 300 px wide.
CARD_WIDTH = 320
CARD_HEIGHT = 280


def framable(view):
    """Any site may frame these responses (no X-Frame-Options, CSP `frame-ancestors *`)."""
    return xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(view))


@dataclass(frozen=True)
class Embed:
    """A card and a feed to offer on a page: the card's address, the HTML to copy, the feed's."""

    title: str
    card_path: str
    feed_title: str
    feed_path: str
    snippet: str


def _embed(request, title: str, card_path: str, feed_title: str, feed_path: str) -> Embed:
    src = base_url(request) + card_path
    snippet = (
        f'<iframe src="{escape(src)}" title="{escape(title)}" '
        f'width="{CARD_WIDTH}" height="{CARD_HEIGHT}" loading="lazy"></iframe>'
    )
    return Embed(title=title, card_path=card_path, feed_title=feed_title, feed_path=feed_path, snippet=snippet)


def proposal_embed(request, proposal: Proposal) -> Embed:
    names = {"proposal": proposal.short_display_title}
    return _embed(
        request,
        _("Suivi de la proposition « %(proposal)s »") % names,
        reverse("public_site:proposal-card", args=[proposal.key]),
        _("Les statuts publiés de la proposition « %(proposal)s »") % names,
        reverse("public_site:proposal-feed", args=[proposal.key]),
    )


def axis_embed(request, axis: dict | None) -> Embed | None:
    """The card and feed of `axis` ({"slug", "name"}: the table filter's `chosen_axis`), if any."""
    if axis is None:
        return None
    names = {"axis_name": current_convention(request).axis_name, "axis": axis["name"]}
    return _embed(
        request,
        _("Suivi des propositions, %(axis_name)s « %(axis)s »") % names,
        reverse("public_site:axis-card", args=[axis["slug"]]),
        _("Les statuts publiés des propositions, %(axis_name)s « %(axis)s »") % names,
        reverse("public_site:axis-feed", args=[axis["slug"]]),
    )


@cache_public_page()
@framable
def proposal_card(request, key: str):
    year = latest_public_year()
    # Its status in the latest published review; «Non évaluée» when that review does not count it.
    if year:
        proposals = Proposal.objects.with_frozen_status(year.version_id, counted_only=False)
    else:
        proposals = Proposal.objects.not_assessed()
    proposal = get_object_or_404(proposals, key=key)
    context = {"proposal": proposal, "year": year.year if year else None}
    return render(request, "public_site/embeds/proposal_card.html", context)


@cache_public_page()
@framable
def axis_card(request, slug: str):
    axis = get_object_or_404(Axis, slug=slug)
    year = latest_public_year()
    # Its rate as the latest published review froze it (none when that review has no such axis).
    tallies = year_summary(year).axes if year else []
    tally = next((tally for tally in tallies if tally.axis.slug == axis.slug), None)
    context = {"axis": axis, "year": year.year if year else None, "tally": tally}
    return render(request, "public_site/embeds/axis_card.html", context)
