from django.apps import AppConfig

from publishing.signals import published


class PublicSiteConfig(AppConfig):
    """The public read side: pages, table, feed, sitemap, open data, static archive. No models.

    Not named `public`: atpublic (which aiosmtpd imports) installs a top-level module of that
    name, and the project's package would hide it (or be hidden by it) in the same process."""

    name = "public_site"

    def ready(self):
        from core.cache import warm_published_pages

        # Publication day: the pages a published record changes are rendered before visitors ask.
        published.connect(warm_published_pages, dispatch_uid="public_site.warm_published_pages")
