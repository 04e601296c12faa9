"""ContentVersion and PendingImport are core's now (core's 0001): forgotten here, tables kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("convention", "0002_pending_import"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ContentVersion"),
                migrations.DeleteModel(name="PendingImport"),
            ],
        ),
    ]
