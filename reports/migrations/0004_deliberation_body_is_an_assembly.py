import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Assemblies become data (step 3 of 3): the codes go; a deliberation's `body` is the row."""

    dependencies = [
        ("reports", "0003_assembly_data"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="deliberation", name="reports_deliberation_unique_ref"),
        migrations.RemoveField(model_name="deliberation", name="body"),
        migrations.RemoveField(model_name="historicaldeliberation", name="body"),
        migrations.RenameField(model_name="deliberation", old_name="assembly", new_name="body"),
        migrations.RenameField(model_name="historicaldeliberation", old_name="assembly", new_name="body"),
        migrations.AlterField(
            model_name="deliberation",
            name="body",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deliberations",
                to="reports.assembly",
                verbose_name="assemblée",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeliberation",
            name="body",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="reports.assembly",
                verbose_name="assemblée",
            ),
        ),
        migrations.AddConstraint(
            model_name="deliberation",
            constraint=models.UniqueConstraint(
                fields=("review", "body", "reference"), name="reports_deliberation_unique_ref"
            ),
        ),
    ]
