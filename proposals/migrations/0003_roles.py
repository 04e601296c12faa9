from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Rédaction"
CLERKS = "Greffe"

# The rights of each role, as PRODUCT.md states them ("Who may do what").
# Editors edit the content; clerks view everything, preview, record deliberations and publish.
CONTENT_MODELS = ["proposal", "yearlystatus", "source", "project", "keyfigure"]
ROLES = {
    EDITORS: [
        *[(f"{action}_{model}", "proposals") for model in CONTENT_MODELS for action in ("add", "change", "delete", "view")],
        ("view_axis", "proposals"),
        ("view_annualreview", "reports"),
    ],
    CLERKS: [
        *[(f"view_{model}", "proposals") for model in [*CONTENT_MODELS, "axis"]],
        ("view_annualreview", "reports"),
        ("change_annualreview", "reports"),
        ("preview_annualreview", "reports"),
        ("publish_annualreview", "reports"),
        ("view_deliberation", "reports"),
        ("add_deliberation", "reports"),
        ("change_deliberation", "reports"),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after `migrate` (post_migrate): make sure they exist now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for codename, app_label in codenames:
            permissions.append(Permission.objects.get(codename=codename, content_type__app_label=app_label))
        group.permissions.set(permissions)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    """The back-office roles «Rédaction» and «Greffe» with their permissions."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("proposals", "0002_unaccent"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
