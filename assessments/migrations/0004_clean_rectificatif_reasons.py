import re

from django.db import migrations

# core.text as of this migration: the controls that break a line (Word's line break, a form
# feed, NEL) read as a line feed; the other controls (C0 but tab and line breaks, DEL, C1) dropped.
LINE_BREAK_CONTROLS = re.compile(r"[\x0b\x0c\x85]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def cleaned(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", LINE_BREAK_CONTROLS.sub("\n", text))


def clean_reasons(apps, schema_editor):
    """The reason of a rectificatif not yet published, stored with a control character before
    they were refused: cleaned, so that it can be published (a spreadsheet refused it). Published
    versions are records and stay byte for byte (their reason is read clean)."""
    CommitteeReview = apps.get_model("assessments", "CommitteeReview")
    for pk, reason in CommitteeReview.objects.exclude(correction_reason="").values_list("pk", "correction_reason"):
        if cleaned(reason) != reason:
            CommitteeReview.objects.filter(pk=pk).update(correction_reason=cleaned(reason).strip())


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_committee_on_the_publication_base")]

    operations = [migrations.RunPython(clean_reasons, migrations.RunPython.noop)]
