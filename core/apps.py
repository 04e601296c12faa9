from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom of the house, below every app of the project and importing none: the page
    cache and its invalidation, the cache backends, the site-wide middleware, raw loads, text
    cleaning, the admin mixins, and the site's own rows (content generation, pending imports)."""

    name = "core"
    verbose_name = _("Site")

    def ready(self):
        from .cache import connect_invalidation
        from .history import connect_raw_loads

        connect_invalidation()
        connect_raw_loads()
