from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    """What every published record shares (the institutions' review, the committee's year):
    it imports nothing of the project, the records build on it."""

    name = "publishing"
    verbose_name = _("Publication")
