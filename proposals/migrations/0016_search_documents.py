import django.db.models.deletion
from django.db import migrations, models

import proposals.search

# French with `unaccent` before the stemmer: an immutable configuration (unlike the expression
# `to_tsvector('french', unaccent(…))`), so the stored vectors and the searches agree.
CREATE_CONFIGURATION = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{proposals.search.SEARCH_CONFIG}') THEN
    CREATE TEXT SEARCH CONFIGURATION {proposals.search.SEARCH_CONFIG} (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION {proposals.search.SEARCH_CONFIG}
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    ALTER TEXT SEARCH CONFIGURATION {proposals.search.SEARCH_CONFIG}
      ALTER MAPPING FOR numhword, hword_numpart, numword WITH unaccent, simple;
  END IF;
END $$;
"""


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_CONFIGURATION)


def build_documents(apps, schema_editor):
    """The documents of the proposals already there."""
    proposals.search.build_search_documents(
        apps.get_model("proposals", "SearchDocument"),
        apps.get_model("proposals", "Proposal"),
        apps.get_model("proposals", "Project"),
    )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX proposals_search_document_gin ON proposals_searchdocument USING gin (document)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS proposals_search_document_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0015_merge_wording_and_joint_institutions"),
    ]

    operations = [
        migrations.RunPython(create_configuration, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "proposal",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="proposals.proposal",
                    ),
                ),
                ("document", proposals.search.SearchDocumentField(default="")),
            ],
            options={
                "verbose_name": "document de recherche",
                "verbose_name_plural": "documents de recherche",
            },
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(build_documents, migrations.RunPython.noop),
    ]
