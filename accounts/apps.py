from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff accounts: invitations, password reset, the second factor, sessions."""

    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from . import checks, middleware  # noqa: F401  the production check, the sign-in receiver
