from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowConfig(AppConfig):
    """People who follow a proposal, an axis or every review by e-mail, without an account,
    and the messages the site sends them when something they follow is published."""

    name = "follow"
    verbose_name = _("Abonnements par courriel")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the receivers)
