"""The change since the previous year is frozen with each published version (`figures["previous"]`),
and so is the licence of its documents (`figures["licence"]`, from the former settings).
The change is filled for the versions published before, from what the previous year had published by then
(its latest version published before this one), never from the live rows."""

from django.conf import settings
from django.db import migrations

# The licence the site declared until the convention held it (the settings, else their default).
DEFAULT_LICENCE = {
    "title": "Licence Ouverte / Open Licence version 2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def freeze_changes(apps, schema_editor):
    ReviewVersion = apps.get_model("reports", "ReviewVersion")
    versions = list(ReviewVersion.objects.select_related("review").order_by("published_at", "pk"))
    licence = {
        "title": getattr(settings, "OPEN_DATA_LICENSE_TITLE", "") or DEFAULT_LICENCE["title"],
        "url": getattr(settings, "OPEN_DATA_LICENSE_URL", "") or DEFAULT_LICENCE["url"],
    }
    for version in versions:
        # The licence its documents were published under: the one the site declared then.
        version.figures.setdefault("licence", licence)
        if "previous" in version.figures:
            version.save(update_fields=["figures"])
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
        ("reports", "0010_deliberation_added_after_publication"),
    ]

    operations = [
        migrations.RunPython(freeze_changes, migrations.RunPython.noop, elidable=False),
    ]
