from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Accent-insensitive search on PostgreSQL (SQLite registers its own function).

    UnaccentExtension does nothing on other databases; `unaccent` is a trusted extension,
    so the database owner may create it without being a superuser."""

    dependencies = [("proposals", "0001_initial")]

    operations = [UnaccentExtension()]
