from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContentGeneration(models.Model):
    """A single row whose number goes up whenever anything the public sees changes.

    It keys the page cache (so every server and worker drops stale pages) and gives the
    pages their Last-Modified date. See core/cache.py. («Generation», not «version»: a version
    is what a published record has, `publishing`.)"""

    # The column, table and constraint keep their earlier names (core.0002): servers of the
    # previous release read them while an upgrade runs.
    generation = models.PositiveBigIntegerField(default=1, db_column="version")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "convention_contentversion"
        verbose_name = _("génération du contenu public")
        constraints = [
            # There is one row: pk 1.
            models.CheckConstraint(condition=models.Q(pk=1), name="convention_contentversion_single_row"),
        ]

    def __str__(self):
        return f"#{self.generation} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class PendingImport(models.Model):
    """A back-office import previewed and waiting for its confirmation (proposals/spreadsheets/imports.py):
    its rows as the preview read and checked them, pickled. In the database, so that whichever
    worker of whichever server gets the confirmation finds it (a per-process cache would not);
    taken once, and deleted after PENDING_IMPORT_SECONDS if never confirmed."""

    name = models.CharField(max_length=32, unique=True)
    dataset = models.BinaryField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "convention_pendingimport"  # its table from before the move to core
        verbose_name = _("import en attente de confirmation")

    def __str__(self):
        return self.name
