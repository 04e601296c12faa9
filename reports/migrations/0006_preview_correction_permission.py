from django.contrib.auth.management import create_permissions
from django.db import migrations

# Editors correct the year's statuses under a rectificatif, clerks publish it: both preview it.
ROLES = ["Rédaction", "Greffe"]
CODENAME = "preview_correction"


def grant(apps, schema_editor):
    # Permissions are normally created after `migrate` (post_migrate): make sure it exists now.
    app_config = apps.get_app_config("reports")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(codename=CODENAME, content_type__app_label="reports")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(codename=CODENAME, content_type__app_label="reports").delete()


class Migration(migrations.Migration):
    """Editors and clerks preview a rectificatif in preparation (`?apercu=rectificatif`)."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("proposals", "0005_roles_rights"),
        ("reports", "0005_review_records"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="annualreview",
            options={
                "ordering": ["-year"],
                "permissions": [
                    ("preview_annualreview", "Peut prévisualiser un bilan non publié"),
                    ("publish_annualreview", "Peut publier un bilan"),
                    ("preview_correction", "Peut prévisualiser un rectificatif en préparation"),
                ],
                "verbose_name": "bilan annuel",
                "verbose_name_plural": "bilans annuels",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
