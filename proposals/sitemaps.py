"""sitemap.xml: the public pages, every proposal, every project and every published review."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reports.models import AnnualReview

from .models import Project, Proposal


class PageSitemap(Sitemap):
    def items(self):
        return [
            "proposals:home",
            "proposals:proposal-list",
            "proposals:project-list",
            "reports:review-list",
            "proposals:opendata",
            "proposals:accessibility",
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
