import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Institutions become data (step 3 of 3): the codes go; a project's `lead` is the row."""

    dependencies = [
        ("proposals", "0009_institution_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="historicalproposal", name="lead"),
        migrations.RemoveField(model_name="proposal", name="lead"),
        migrations.RemoveField(model_name="historicalproject", name="lead"),
        migrations.RemoveField(model_name="project", name="lead"),
        migrations.RenameField(model_name="historicalproject", old_name="institution", new_name="lead"),
        migrations.RenameField(model_name="project", old_name="institution", new_name="lead"),
        migrations.AlterField(
            model_name="historicalproject",
            name="lead",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="proposals.institution",
                verbose_name="porteur",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="lead",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="proposals.institution",
                verbose_name="porteur",
            ),
        ),
    ]
