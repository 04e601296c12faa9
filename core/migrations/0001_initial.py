"""ContentVersion and PendingImport move from `convention` to `core`, rows and tables kept.

Their tables stay where they are (`db_table`): this migration only tells Django the models are
core's now (convention's 0003 forgets them), and relabels their content types, so that the
permissions given on them stay given."""

import django.utils.timezone
from django.db import migrations, models

MODELS = ["contentversion", "pendingimport"]


def relabel(apps, from_label, to_label):
    """Move the models' content types from one app to the other, unless the other already has
    its own (a database migrated forward then back): that one is kept, the old one left."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=to_label, model=model).exists():
            ContentType.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def to_core(apps, schema_editor):
    relabel(apps, "convention", "core")


def to_convention(apps, schema_editor):
    relabel(apps, "core", "convention")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("convention", "0002_pending_import"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("version", models.PositiveBigIntegerField(default=1)),
                        ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "verbose_name": "version du contenu public",
                        "db_table": "convention_contentversion",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("pk", 1)), name="convention_contentversion_single_row"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PendingImport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=32, unique=True)),
                        ("dataset", models.BinaryField()),
                        ("expires_at", models.DateTimeField(db_index=True)),
                    ],
                    options={
                        "verbose_name": "import en attente de confirmation",
                        "db_table": "convention_pendingimport",
                    },
                ),
            ],
        ),
        migrations.RunPython(to_core, to_convention),
    ]
