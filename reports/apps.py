from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def freeze_after_migrate(sender, using="default", **kwargs):
    """Freeze the reviews marked published that have no version yet, once: those of a database
    from before publication froze reviews (an upgrade), and those a fixture gives (`seed`
    runs `migrate` after loading). The one place where reviews from outside are frozen."""
    from .models import ReviewDocument
    from .publication import freeze_published_reviews

    if ReviewDocument._meta.db_table in connections[using].introspection.table_names():  # not when migrating back
        freeze_published_reviews()


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Bilans annuels")

    def ready(self):
        # Models and the modules that use them load once the app registry is ready.
        post_migrate.connect(freeze_after_migrate, sender=self)
        # A publication stopped by a full or read-only disk says so (and what to do), in the
        # back office's progress page as in `publish_review`.
        from core.disk import ADVICE, disk_message
        from publishing.workflow import failure_explainers

        failure_explainers.append(lambda error: disk_message(error) and f"{disk_message(error)} {ADVICE}")
