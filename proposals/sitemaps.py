"""sitemap.xml: the public pages, every proposal and every project."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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


SITEMAPS = {"pages": PageSitemap, "propositions": ProposalSitemap, "projets": ProjectSitemap}
