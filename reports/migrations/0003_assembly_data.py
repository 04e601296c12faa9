from django.db import migrations

# The assemblies' codes while they were a fixed list. Each code in use becomes a row with the
# same code; an empty database (a new convention) gets none: its assemblies are its own data.
FORMER_CODES = {"ville": "Conseil municipal", "metropole": "Conseil métropolitain"}

CLERKS = "Greffe"


def codes_to_rows(apps, schema_editor):
    Assembly = apps.get_model("reports", "Assembly")
    Deliberation = apps.get_model("reports", "Deliberation")
    HistoricalDeliberation = apps.get_model("reports", "HistoricalDeliberation")
    used = set(Deliberation.objects.values_list("body", flat=True))
    used |= set(HistoricalDeliberation.objects.values_list("body", flat=True))
    used.discard("")
    names = dict(FORMER_CODES)
    for code in sorted(used - set(names)):  # a code outside the list (never expected): keep it too
        names[code] = code
    for order, (code, name) in enumerate(names.items(), start=1):
        if code in used:
            assembly = Assembly.objects.create(code=code, name=name, order=order)
            Deliberation.objects.filter(body=code).update(assembly=assembly)
            HistoricalDeliberation.objects.filter(body=code).update(assembly=assembly)


def rows_to_codes(apps, schema_editor):
    Deliberation = apps.get_model("reports", "Deliberation")
    for deliberation in Deliberation.objects.select_related("assembly"):
        Deliberation.objects.filter(pk=deliberation.pk).update(body=deliberation.assembly.code[:20])


def grant(apps, schema_editor):
    """Clerks record the deliberations: they may add an assembly too."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name=CLERKS).first()
    if group:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="reports", codename__in=["view_assembly", "add_assembly", "change_assembly"]
            )
        )


class Migration(migrations.Migration):
    """Assemblies become data (step 2 of 3): each code in use becomes a row."""

    dependencies = [
        ("reports", "0002_assembly"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(codes_to_rows, rows_to_codes),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
