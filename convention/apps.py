from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionConfig(AppConfig):
    """Site-wide concerns: health, page cache and its invalidation, outage page, raw loads."""

    name = "convention"
    verbose_name = _("Site")
    # This module also holds django-axes' config: say which one `"convention"` means.
    default = True

    def ready(self):
        from publishing.signals import published

        from .cache import connect_invalidation, warm_published_pages
        from .history import connect_raw_loads

        connect_invalidation()
        connect_raw_loads()
        published.connect(warm_published_pages, dispatch_uid="convention.warm_published_pages")


class LoginLockoutConfig(AxesAppConfig):
    """django-axes under a French name of its own in the back office, so that its lock-out
    tables are not a section «Axes» beside the convention's axes."""

    verbose_name = _("Verrouillage des connexions")
