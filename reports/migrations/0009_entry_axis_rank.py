from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def rank_existing_entries(apps, schema_editor):
    """Each entry's axis rank: the position of its axis's first proposal in its version."""
    ReviewEntry = apps.get_model("reports", "ReviewEntry")
    first = (
        ReviewEntry.objects.filter(version_id=OuterRef("version_id"), axis_slug=OuterRef("axis_slug"))
        .order_by("position")
        .values("position")[:1]
    )
    ReviewEntry.objects.update(axis_rank=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_clean_rectificatif_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewentry",
            name="axis_rank",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(rank_existing_entries, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="reviewentry",
            index=models.Index(fields=["version", "axis_rank", "position"], name="reports_entry_order_idx"),
        ),
    ]
