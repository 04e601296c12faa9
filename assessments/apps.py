from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The follow-up committee's own voice: its grades, comments and statements, which it
    publishes and corrects itself, beside (never merged with) the institutions' statuses."""

    name = "assessments"
    verbose_name = _("Avis du comité de suivi")
