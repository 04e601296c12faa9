"""The page cache's counter is named `ContentGeneration.generation` (it was `ContentVersion.version`):
«version» means a published version of a record. A rename, its number kept, so pages cached
under it stay valid; its table and its one-row constraint take the new name too, and so do
its content type and permissions (given permissions stay given), and on PostgreSQL the names
it gave the table's primary key, the column's check and the id's sequence."""

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


# PostgreSQL keeps these names across a table or column rename (SQLite names none of them).
POSTGRESQL_NAMES = [
    ("CONSTRAINT", "convention_contentversion_pkey", "core_contentgeneration_pkey"),
    ("CONSTRAINT", "convention_contentversion_version_check", "core_contentgeneration_generation_check"),
    ("SEQUENCE", "convention_contentversion_id_seq", "core_contentgeneration_id_seq"),
]


def rename_postgresql_names(schema_editor, forwards: bool):
    """Each name that is there (a database made by another Django may lack one) and whose new
    name is free."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote, table = schema_editor.quote_name, "core_contentgeneration"
    with connection.cursor() as cursor:
        own = set(connection.introspection.get_constraints(cursor, table))
        own |= {sequence["name"] for sequence in connection.introspection.get_sequences(cursor, table)}
        cursor.execute("SELECT relname FROM pg_class WHERE pg_table_is_visible(oid)")
        taken = own | {name for (name,) in cursor.fetchall()}
    for kind, before, after in POSTGRESQL_NAMES:
        old, new = (before, after) if forwards else (after, before)
        if old not in own or new in taken:
            continue
        if kind == "CONSTRAINT":
            schema_editor.execute(f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(old)} TO {quote(new)}")
        else:
            schema_editor.execute(f"ALTER SEQUENCE {quote(old)} RENAME TO {quote(new)}")


def to_generation(apps, schema_editor):
    rename(apps, "contentversion", "contentgeneration", "génération du contenu public")
    rename_postgresql_names(schema_editor, forwards=True)


def to_version(apps, schema_editor):
    rename(apps, "contentgeneration", "contentversion", "version du contenu public")
    rename_postgresql_names(schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="contentversion", name="convention_contentversion_single_row"),
        migrations.RenameModel(old_name="ContentVersion", new_name="ContentGeneration"),
        # Its table from before the move to core (`convention_contentversion`) takes the default name.
        migrations.AlterModelTable(name="contentgeneration", table=None),
        migrations.RenameField(model_name="contentgeneration", old_name="version", new_name="generation"),
        migrations.AlterModelOptions(name="contentgeneration", options={"verbose_name": "génération du contenu public"}),
        migrations.AddConstraint(
            model_name="contentgeneration",
            constraint=models.CheckConstraint(condition=models.Q(("pk", 1)), name="core_contentgeneration_single_row"),
        ),
        migrations.RunPython(to_generation, to_version),
    ]
