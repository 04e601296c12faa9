from django.apps import AppConfig


class PublicSiteConfig(AppConfig):
    """The public read side: pages, table, feed, sitemap, open data, static archive. No models.

    Not named `public`: atpublic (which aiosmtpd imports) installs a top-level module of that
    name, and the project's package would hide it (or be hidden by it) in the same process."""

    name = "public_site"
