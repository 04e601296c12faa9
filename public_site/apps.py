from django.apps import AppConfig

from publishing.signals import published


class PublicSiteConfig(AppConfig):
    """The public read side: pages, table, feed, sitemap, open data, static archive. No models.

    Not named `public`: atpublic (which aiosmtpd imports) installs a top-level module of that
    name, and the project's package would hide it (or be hidden by it) in the same process."""

    name = "public_site"

    def ready(self):
        from core.cache import warm_published_pages
        from reports.formats import render_documents_with
        from reports.models import AnnualReview

        from .exports import forget_published_documents, render_stored_document

        # A review's publication stores its five documents, rendered here (its own step each).
        render_documents_with(render_stored_document)
        # Publication day: the pages a published record changes are rendered before visitors ask.
        published.connect(warm_published_pages, dispatch_uid="public_site.warm_published_pages")
        # This process's copies of the earlier documents are forgotten.
        published.connect(forget_published_documents, sender=AnnualReview, dispatch_uid="public_site.forget_documents")
