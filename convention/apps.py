from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionConfig(AppConfig):
    """Site-wide concerns: health, page cache and its invalidation, outage page, raw loads."""

    name = "convention"
    verbose_name = _("Site")

    def ready(self):
        from .cache import connect_invalidation
        from .history import connect_raw_loads

        connect_invalidation()
        connect_raw_loads()
