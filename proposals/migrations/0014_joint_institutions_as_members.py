from django.db import migrations
from django.utils import timezone

# Before institutions could be declared joint, a proposal carried jointly had an institution of
# its own whose code joins the others' codes with «_» (the former fixed list's `ville_metropole`).
# Such an institution is declared the joint of those institutions, and its proposals carry each of
# them instead; it stays (its code keeps answering the `porteur` filter, and projects keep it).


def _record(apps, instance, model_name: str, reason: str, relation: str, through_rows):
    """A history row for a change made here, as django-simple-history writes one: the
    instance's fields, and its many-to-many `relation` as it now stands (`through_rows`)."""
    Historical = apps.get_model("proposals", f"Historical{model_name}")
    names = {field.attname for field in Historical._meta.concrete_fields}
    fields = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.attname in names}
    row = Historical.objects.create(
        **fields, history_date=timezone.now(), history_type="~", history_change_reason=reason[:100]
    )
    HistoricalRelation = apps.get_model("proposals", f"Historical{model_name}_{relation}")
    columns = [f.attname for f in HistoricalRelation._meta.concrete_fields if f.attname not in ("m2m_history_id", "history_id")]
    HistoricalRelation.objects.bulk_create(
        HistoricalRelation(history=row, **{column: getattr(through, column) for column in columns})
        for through in through_rows
    )


def joints_by_code(Institution) -> dict:
    by_code = {institution.code: institution for institution in Institution.objects.all()}
    joints = {}
    for joint in by_code.values():
        parts = joint.code.split("_")
        if len(parts) > 1 and all(part in by_code and part != joint.code for part in parts):
            joints[joint] = [by_code[part] for part in parts]
    return joints


def split_joint_leads(apps, schema_editor):
    Institution = apps.get_model("proposals", "Institution")
    Proposal = apps.get_model("proposals", "Proposal")
    for joint, members in joints_by_code(Institution).items():
        joint.members.set(members)
        _record(
            apps,
            joint,
            "Institution",
            f"Porteur commun de {', '.join(m.name for m in members)}",
            "members",
            Institution.members.through.objects.filter(from_institution=joint),
        )
        for proposal in list(Proposal.objects.filter(leads=joint)):
            proposal.leads.remove(joint)
            proposal.leads.add(*members)
            proposal.version += 1
            proposal.save(update_fields=["version"])
            _record(
                apps,
                proposal,
                "Proposal",
                f"Porteurs : {joint.name} devient chacune de ses institutions",
                "leads",
                Proposal.leads.through.objects.filter(proposal=proposal),
            )


def join_leads(apps, schema_editor):
    Institution = apps.get_model("proposals", "Institution")
    Proposal = apps.get_model("proposals", "Proposal")
    for joint in Institution.objects.filter(members__isnull=False).distinct():
        members = list(joint.members.all())
        carried = Proposal.objects.all()
        for member in members:
            carried = carried.filter(leads=member)
        for proposal in carried:
            proposal.leads.remove(*members)
            proposal.leads.add(joint)
        joint.members.clear()


class Migration(migrations.Migration):
    dependencies = [("proposals", "0013_institution_members")]

    operations = [migrations.RunPython(split_joint_leads, join_leads)]
