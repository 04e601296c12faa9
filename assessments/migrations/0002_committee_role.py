from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMITTEE = "Comité de suivi"
EDITORS = "Rédaction"
CLERKS = "Greffe"

ASSESSMENT_MODELS = ["committeereview", "assessment", "assessmentsource", "axisstatement"]

# PRODUCT.md, «Who may do what»: the committee writes, publishes and corrects its own
# assessments and changes nothing else (it sees the proposals and their statuses); editors and
# clerks see the assessments and cannot change them.
ROLES = {
    COMMITTEE: [
        *[(f"{action}_{model}", "assessments") for model in ASSESSMENT_MODELS for action in ("add", "change", "view")],
        ("delete_assessmentsource", "assessments"),
        ("publish_committeereview", "assessments"),
        ("view_committeeversion", "assessments"),
        ("view_proposal", "proposals"),
        ("view_yearlystatus", "proposals"),
        ("view_axis", "proposals"),
    ],
}
VIEWERS = [(f"view_{model}", "assessments") for model in [*ASSESSMENT_MODELS, "committeeversion"]]


def permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(codename=codename, content_type__app_label=app) for codename, app in codenames]


def create_roles(apps, schema_editor):
    # Permissions are normally created after `migrate` (post_migrate): make sure they exist now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(apps, codenames))
    for name in (EDITORS, CLERKS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions(apps, VIEWERS))


def delete_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES).delete()
    for group in Group.objects.filter(name__in=[EDITORS, CLERKS]):
        group.permissions.remove(*permissions(apps, VIEWERS))


class Migration(migrations.Migration):
    """The back-office role «Comité de suivi», and the others' view of its assessments."""

    dependencies = [
        ("assessments", "0001_initial"),
        ("proposals", "0005_roles_rights"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
