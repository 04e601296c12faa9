from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public read side: pages, table, feed, sitemap, open data, static archive. No models."""

    name = "public"
