"""The edit counter of what editors edit (optimistic locking) is named `revision`: «version»
means a published version of a review. A rename, history rows included: every value is kept."""

from django.db import migrations, models

MODELS = ["proposal", "project", "yearlystatus", "historicalproposal", "historicalproject", "historicalyearlystatus"]


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0019_convention_licence"),
    ]

    operations = [
        operation
        for model in MODELS
        for operation in (
            migrations.RenameField(model_name=model, old_name="version", new_name="revision"),
            migrations.AlterField(
                model_name=model,
                name="revision",
                field=models.PositiveIntegerField(default=0, editable=False, verbose_name="révision"),
            ),
        )
    ]
