from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Propositions et projets")

    def ready(self):
        from . import receivers, search  # noqa: F401  (search documents rebuilt; SQLite's functions)
