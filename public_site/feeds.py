"""The RSS feed of published status changes, as the published reviews froze them: a proposal's
first published status and every later one that differs, and each rectificatif."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.text import printable
from proposals.models import Status
from reports.formatting import fr_date
from reports.models import ReviewEntry, ReviewVersion, mark_corrections
from reports.years import public_years

from .context_processors import current_convention

MAX_ITEMS = 200


@dataclass(frozen=True)
class FeedItem:
    title: str
    description: str
    link: str
    guid: str
    published_at: datetime
    position: int = 0  # the convention's order, among the items of one publication


def _short_title(entry) -> str:
    """The proposal's short title where it has one (titles are live), else its title."""
    return entry.proposal.short_display_title if entry.proposal is not None else entry.display_title


def _correction_note(entry) -> str:
    """«Statut rectifié le 20 janvier 2026 (version 2 du bilan) : <reason> (auparavant : En cours). »"""
    correction = entry.correction
    if correction is None:
        return ""
    return _("Statut rectifié le %(date)s (version %(number)s du bilan) : %(reason)s (auparavant : %(previous)s). ") % {
        "date": fr_date(correction.date),
        "number": correction.number,
        "reason": correction.reason,
        "previous": correction.previous_label,
    }


def status_changes(years, **only) -> list[FeedItem]:
    """Each status a published review counts that differs from what the previous published
    review said of the proposal (or its first one), under the year of its yearly status.
    `only`: filters of the entries, whole proposals at a time (`key=…`, `proposal__axis=…`)."""
    by_version = {year.version_id: year for year in years}
    entries = (
        ReviewEntry.objects.filter(version_id__in=by_version, **only)
        .exclude(status_year=None)
        .select_related("proposal", "version")
        .order_by("key", "version__review__year")
    )
    entries = list(entries)
    mark_corrections(entries)
    items = []
    previous: dict[str, str] = {}
    for entry in entries:
        changed = previous.get(entry.key) != entry.status
        previous[entry.key] = entry.status
        if not changed:
            continue
        year = entry.status_year
        status = Status.of(entry.status).label
        items.append(
            FeedItem(
                title=_("%(year)s · %(proposal)s : %(status)s")
                % {"year": year, "proposal": _short_title(entry), "status": status},
                description=_correction_note(entry) + (entry.explanation or str(status)),
                link=f"{entry.get_absolute_url()}#suivi-{year}",
                # A corrected status is a new item: a feed reader shows it again.
                guid=f"{entry.key}-{year}" + (f"-v{entry.correction.number}" if entry.correction else ""),
                published_at=entry.version.published_at,
                position=entry.position,
            )
        )
    return items


def corrections(years) -> list[FeedItem]:
    """Every rectificatif of a published review."""
    versions = ReviewVersion.objects.filter(review__year__in=[year.year for year in years], number__gt=1)
    return [
        FeedItem(
            title=_("Rectificatif du bilan %(year)s (version %(number)s)")
            % {"year": version.review.year, "number": version.number},
            description=version.reason,
            link=version.review.get_absolute_url(),
            guid=f"bilan-{version.review.year}-v{version.number}",
            published_at=version.published_at,
        )
        for version in versions.select_related("review")
    ]


class Printable:
    """A feed without the control characters XML 1.0 cannot carry (a title pasted from a word
    processor, already in the database), which would make the whole feed fail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(printable, args), **{name: printable(value) for name, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(printable, args), **{name: printable(value) for name, value in kwargs.items()})


class PrintableRssFeed(Printable, Rss201rev2Feed):
    pass


class StatusFeed(Feed):
    feed_type = PrintableRssFeed
    language = "fr"

    def description(self, obj):
        convention = getattr(obj, "convention", obj)  # a followed proposal or axis names its convention
        return _("Chaque changement de statut publié — %(name)s.") % {"name": convention.name}

    def get_object(self, request, *args, **kwargs):
        return current_convention(request)  # the feed's title and rights name the convention

    def title(self, convention):
        return _("%(name)s : les statuts publiés") % {"name": convention.title}

    # Absolute links from SITE_URL (the public address), never from the request's Host header,
    # which Django's Feed would use for relative ones.

    def link(self):
        return settings.SITE_URL + reverse("public_site:proposal-list")

    def feed_url(self):
        return settings.SITE_URL + reverse("public_site:feed")

    def items(self):
        years = public_years()
        items = status_changes(years) + corrections(years)
        items.sort(key=lambda item: item.position)
        return sorted(items, key=lambda item: item.published_at, reverse=True)[:MAX_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers take a description as HTML: an editor's text goes as plain text.
        return escape(item.description)

    def item_link(self, item):
        return settings.SITE_URL + item.link

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def feed_copyright(self, convention):
        return convention.name
