"""The change since the previous year is frozen with each published version (`figures["previous"]`):
filled for the versions published before, from what the previous year had published by then
(its latest version published before this one), never from the live rows."""

from django.db import migrations


def freeze_changes(apps, schema_editor):
    ReviewVersion = apps.get_model("reports", "ReviewVersion")
    versions = list(ReviewVersion.objects.select_related("review").order_by("published_at", "pk"))
    for version in versions:
        if "previous" in version.figures:
            continue
        earlier = [
            other
            for other in versions
            if other.review.year < version.review.year and other.published_at < version.published_at
        ]
        base = max(earlier, key=lambda other: (other.review.year, other.number), default=None)
        version.figures["previous"] = (
            None
            if base is None
            else {"year": base.review.year, "axes": base.figures["axes"], "totals": base.figures["totals"]}
        )
        version.save(update_fields=["figures"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_clean_rectificatif_reasons"),
    ]

    operations = [
        migrations.RunPython(freeze_changes, migrations.RunPython.noop, elidable=False),
    ]
