"""sitemap.xml: the public pages, every proposal, every project and every published review."""

from django.conf import settings
from django.contrib import sitemaps
from django.urls import reverse

from proposals.models import Project, Proposal
from reports.models import AnnualReview


class Sitemap(sitemaps.Sitemap):
    """Locations on SITE_URL (the public address), never on the request's Host header."""

    def get_protocol(self, protocol=None):
        if settings.SITE_URL:
            return settings.SITE_URL.split("://", 1)[0]
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.SITE_URL:
            return settings.SITE_URL.split("://", 1)[1]
        return super().get_domain(site)


class PageSitemap(Sitemap):
    def items(self):
        return [
            "public_site:home",
            "public_site:proposal-list",
            "public_site:project-list",
            "public_site:review-list",
            "public_site:opendata",
            "public_site:accessibility",
        ]

    def location(self, item):
        return reverse(item)


class ProposalSitemap(Sitemap):
    def items(self):
        return Proposal.objects.only("key").order_by("key")


class ProjectSitemap(Sitemap):
    def items(self):
        return Project.objects.only("slug").order_by("slug")


class ReviewSitemap(Sitemap):
    def items(self):
        return AnnualReview.objects.published().only("year")


SITEMAPS = {"pages": PageSitemap, "propositions": ProposalSitemap, "projets": ProjectSitemap, "bilans": ReviewSitemap}
