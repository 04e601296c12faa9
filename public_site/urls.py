"""The public site's addresses, all named `public_site:…` (the app that serves them): the
proposals' pages, the reviews' under /bilans/ (`public_site:review-…`), the feeds and cards of a
proposal or an axis, the feed and the sitemap. The root urls include them at the top."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter

from core.cache import cache_public_page
from reports.formats import FORMATS

from . import atom, cards, reviews, views
from .feeds import StatusFeed
from .sitemaps import SITEMAPS


class CanonicalNumber:
    """A year or a version number as the site writes it: no leading zero, no sign. `<int:…>`
    would also take `02025` or `v001`, each a new address for the same page or document, and a
    new entry in every cache."""

    regex = "[1-9][0-9]*"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(CanonicalNumber, "natural")

proposal_urls = [
    path("", views.home, name="home"),
    path("propositions/", views.proposal_list, name="proposal-list"),
    path("propositions.csv", views.proposals_csv, name="proposal-csv"),
    path("propositions.json", views.proposals_json, name="proposal-json"),
    path("propositions/<slug:key>/", views.proposal_detail, name="proposal-detail"),
    path("projets/", views.project_list, name="project-list"),
    path("projets/<slug:slug>/", views.project_detail, name="project-detail"),
    path("donnees/", views.opendata, name="opendata"),
    path("donnees/datapackage.json", views.datapackage, name="datapackage"),
    path("donnees/catalogue.jsonld", views.catalogue, name="catalogue"),
    path("accessibilite/", views.accessibility, name="accessibility"),
]

review_urls = [
    path("", reviews.review_list, name="review-list"),
    path("<natural:year>/", reviews.review_detail, name="review-detail"),
    # Every deliberation of a published review, those recorded after its publication included.
    *[
        path(
            f"<natural:year>/deliberations.{fmt}",
            reviews.review_deliberations,
            {"data_format": fmt},
            name=f"review-deliberations-{fmt}",
        )
        for fmt in ("json", "csv")
    ],
    # One document per format: `public_site:review-pdf`, `public_site:review-xlsx`, … `public_site:review-json`
    # (the latest published version), and each version's own: `public_site:review-version-pdf`…
    *[path(f"<natural:year>.{fmt}", reviews.review_document, {"fmt": fmt}, name=f"review-{fmt}") for fmt in FORMATS],
    *[
        path(
            f"<natural:year>/v<natural:number>.{fmt}",
            reviews.review_version_document,
            {"fmt": fmt},
            name=f"review-version-{fmt}",
        )
        for fmt in FORMATS
    ],
]

# The Atom feeds and the embeddable cards of a proposal and of an axis.
embed_urls = [
    path("propositions/<slug:key>/flux/", cache_public_page()(atom.ProposalFeed()), name="proposal-feed"),
    path("propositions/<slug:key>/carte/", cards.proposal_card, name="proposal-card"),
    path("axes/<slug:slug>/flux/", cache_public_page()(atom.AxisFeed()), name="axis-feed"),
    path("axes/<slug:slug>/carte/", cards.axis_card, name="axis-card"),
]

app_name = "public_site"

urlpatterns = [
    *proposal_urls,
    *embed_urls,
    path("bilans/", include(review_urls)),
    path("flux/", cache_public_page()(StatusFeed()), name="feed"),
    path("sitemap.xml", cache_public_page("p")(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]
