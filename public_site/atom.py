"""Atom feeds of one proposal's and one axis' published status changes, beside the RSS feed of
the whole site (`/flux/`): the same items (`status_changes`), the same absolute links from
SITE_URL, in Atom."""

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from proposals.models import Axis, Convention, Proposal
from reports.years import public_years

from .context_processors import current_convention
from .feeds import Printable, StatusFeed, status_changes


class PrintableAtomFeed(Printable, Atom1Feed):
    pass


@dataclass(frozen=True)
class Followed:
    """What a feed follows: the feed's title, the page and its own address (paths), and which
    published entries are its items (filters of whole proposals)."""

    convention: Convention
    title: str
    path: str
    feed_path: str
    only: dict


class FollowedFeed(StatusFeed):
    feed_type = PrintableAtomFeed

    def title(self, followed):
        return followed.title

    def subtitle(self, followed):
        return self.description(followed)

    def link(self, followed):
        return settings.SITE_URL + followed.path

    def feed_url(self, followed):
        return settings.SITE_URL + followed.feed_path

    def feed_guid(self, followed):
        return settings.SITE_URL + followed.feed_path

    def author_name(self, followed):
        return followed.convention.name  # Atom wants an author: the convention publishes

    def feed_copyright(self, followed):
        return followed.convention.name

    def items(self, followed):
        items = status_changes(public_years(), **followed.only)
        items.sort(key=lambda item: item.position)
        return sorted(items, key=lambda item: item.published_at, reverse=True)

    def item_updateddate(self, item):
        return item.published_at  # Atom requires it: a published status never changes after

    def item_guid(self, item):
        # An Atom id is an IRI: the item's own absolute link (a proposal and a year).
        return self.item_link(item)


class ProposalFeed(FollowedFeed):
    def get_object(self, request, key):
        proposal = get_object_or_404(Proposal.objects.only("key", "title", "short_title"), key=key)
        convention = current_convention(request)
        return Followed(
            convention=convention,
            title=_("%(name)s : « %(proposal)s », les statuts publiés")
            % {"name": convention.title, "proposal": proposal.short_display_title},
            path=proposal.get_absolute_url(),
            feed_path=reverse("public_site:proposal-feed", args=[proposal.key]),
            only={"key": proposal.key},
        )


class AxisFeed(FollowedFeed):
    def get_object(self, request, slug):
        axis = get_object_or_404(Axis, slug=slug)
        convention = current_convention(request)
        return Followed(
            convention=convention,
            title=_("%(name)s : %(axis_name)s « %(axis)s », les statuts publiés")
            % {"name": convention.title, "axis_name": convention.axis_name, "axis": axis.name},
            path=reverse("public_site:proposal-list") + "?" + urlencode({"axe": axis.slug}),
            feed_path=reverse("public_site:axis-feed", args=[axis.slug]),
            only={"proposal__axis": axis},
        )
