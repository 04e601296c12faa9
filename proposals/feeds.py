"""The RSS feed of published status changes: a proposal's first status and every later one
that differs from the year before, up to the latest published review."""

import bisect

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import AnnualReview

from .models import YearlyStatus

MAX_ITEMS = 200


class StatusFeed(Feed):
    title = gettext_lazy("Suivi des propositions : les statuts publiés")
    description = gettext_lazy("Chaque changement de statut publié d'une proposition de la Convention citoyenne.")
    language = "fr"

    def link(self):
        return reverse("proposals:proposal-list")

    def items(self):
        # Statuses of a draft year stay private: nothing after the latest published review.
        reviews = dict(AnnualReview.objects.published().values_list("year", "published_at"))
        if not reviews:
            return []
        previous = YearlyStatus.objects.filter(proposal=OuterRef("proposal"), year__lt=OuterRef("year")).order_by(
            "-year"
        )
        items = list(
            YearlyStatus.objects.filter(year__lte=max(reviews))
            .annotate(previous_status=Subquery(previous.values("status")[:1]))
            .filter(Q(previous_status__isnull=True) | ~Q(status=F("previous_status")))
            .select_related("proposal")
            .only("year", "status", "explanation", "proposal__key", "proposal__title", "proposal__short_title")
            .order_by("-year", "proposal__axis__order", "proposal__order", "proposal__key")[:MAX_ITEMS]
        )
        # A change is published with the first published review of its year or after.
        years = sorted(reviews)
        for item in items:
            item.published_at = reviews[years[bisect.bisect_left(years, item.year)]]
        return items

    def item_title(self, item):
        return _("%(year)s · %(proposal)s : %(status)s") % {
            "year": item.year,
            "proposal": item.proposal.short_display_title,
            "status": item.get_status_display(),
        }

    def item_description(self, item):
        return item.explanation or item.get_status_display()

    def item_link(self, item):
        return f"{item.proposal.get_absolute_url()}#suivi-{item.year}"

    def item_guid(self, item):
        return f"{item.proposal.key}-{item.year}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def feed_copyright(self):
        return settings.SITE_NAME
