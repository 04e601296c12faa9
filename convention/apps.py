from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionConfig(AppConfig):
    """The project itself: settings, root URLs, health and security.txt, log-in lockout, the
    data-generating commands. The site-wide machinery lives in `core`."""

    name = "convention"
    verbose_name = _("Site")
    # This module also holds django-axes' config: say which one `"convention"` means.
    default = True


class LoginLockoutConfig(AxesAppConfig):
    """django-axes under a French name of its own in the back office, so that its lock-out
    tables are not a section «Axes» beside the convention's axes."""

    verbose_name = _("Verrouillage des connexions")
