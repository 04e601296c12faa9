from django.db import migrations

EDITORS = "Rédaction"
CLERKS = "Greffe"

# PRODUCT.md: editors add and change content. Deleting a proposal, a yearly status or a
# project would silently rewrite published reviews, so it stays with superusers; a status's
# sources and a project's key figures remain removable, as part of changing them.
EDITORS_LOSE = [("delete_proposal", "proposals"), ("delete_yearlystatus", "proposals"), ("delete_project", "proposals")]
# Each December a clerk opens the year's review (a draft) before recording and publishing it.
CLERKS_GAIN = [("add_annualreview", "reports")]


def permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(codename=codename, content_type__app_label=app) for codename, app in codenames]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name=EDITORS).permissions.remove(*permissions(apps, EDITORS_LOSE))
    Group.objects.get(name=CLERKS).permissions.add(*permissions(apps, CLERKS_GAIN))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name=EDITORS).permissions.add(*permissions(apps, EDITORS_LOSE))
    Group.objects.get(name=CLERKS).permissions.remove(*permissions(apps, CLERKS_GAIN))


class Migration(migrations.Migration):
    dependencies = [("proposals", "0004_axis_history")]

    operations = [migrations.RunPython(forwards, backwards)]
