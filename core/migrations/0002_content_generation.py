"""The page cache's counter is named `ContentGeneration.generation` (it was `ContentVersion.version`):
«version» means a published version of a record. A rename in the code only: its table, column
and constraint keep their names in the database (a server of the previous release still
running during the upgrade reads the same row), its number is kept (pages cached under it stay
valid), and its content type and permissions take the new name (given permissions stay given)."""

from django.db import migrations, models

ACTIONS = ["add", "change", "delete", "view"]


def rename(apps, old_model, new_model, verbose_name):
    """Rename the model's content type and permissions, unless the new ones already exist (a
    database migrated forward then back): those are kept, the old ones left. `migrate` renames
    the content type itself first (Django's RenameContentType); a plain executor does not."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    if not ContentType.objects.filter(app_label="core", model=new_model).exists():
        ContentType.objects.filter(app_label="core", model=old_model).update(model=new_model)
        ContentType.objects.clear_cache()
    for action in ACTIONS:
        permissions = Permission.objects.filter(content_type__app_label="core", content_type__model=new_model)
        if not permissions.filter(codename=f"{action}_{new_model}").exists():
            permissions.filter(codename=f"{action}_{old_model}").update(
                codename=f"{action}_{new_model}", name=f"Can {action} {verbose_name}"
            )


def to_generation(apps, schema_editor):
    rename(apps, "contentversion", "contentgeneration", "génération du contenu public")


def to_version(apps, schema_editor):
    rename(apps, "contentgeneration", "contentversion", "version du contenu public")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
    ]

    operations = [
        # The column keeps its name, and the table too (options): no database change, so the
        # servers of the previous release, still answering while this one migrates, keep
        # reading and bumping the same row.
        migrations.AlterField(
            model_name="contentversion",
            name="version",
            field=models.PositiveBigIntegerField(default=1, db_column="version"),
        ),
        migrations.RenameModel(old_name="ContentVersion", new_name="ContentGeneration"),
        migrations.RenameField(model_name="contentgeneration", old_name="version", new_name="generation"),
        migrations.AlterModelOptions(name="contentgeneration", options={"verbose_name": "génération du contenu public"}),
        migrations.RunPython(to_generation, to_version),
    ]
