from django.db import migrations

# The codes the institutions had while they were a fixed list, in that list's order. Each code
# in use becomes an institution row with the same code, so every existing link
# (`?porteur=ville_metropole`…) keeps answering the same rows: a proposal carried by both
# keeps its own institution «ville_metropole» rather than two. An empty database (a new
# convention) gets no row: its institutions are its own data.
FORMER_CODES = {
    "ville": "Ville",
    "metropole": "Métropole",
    "ville_metropole": "Ville et Métropole",
    "aucun": "Aucune (hors compétences)",
}

EDITORS = "Rédaction"
CLERKS = "Greffe"


def codes_to_rows(apps, schema_editor):
    Institution = apps.get_model("proposals", "Institution")
    Proposal = apps.get_model("proposals", "Proposal")
    Project = apps.get_model("proposals", "Project")
    HistoricalProposal = apps.get_model("proposals", "HistoricalProposal")
    HistoricalProject = apps.get_model("proposals", "HistoricalProject")
    HistoricalLeads = apps.get_model("proposals", "HistoricalProposal_leads")

    used = set()
    for model in (Proposal, Project, HistoricalProposal, HistoricalProject):
        used |= set(model.objects.exclude(lead="").values_list("lead", flat=True))
    rows = {}
    for order, (code, name) in enumerate(FORMER_CODES.items(), start=1):
        if code in used:
            rows[code] = Institution.objects.create(code=code, name=name, order=order)
    for code in sorted(used - set(rows)):  # a code outside the list (never expected): keep it too
        rows[code] = Institution.objects.create(code=code, name=code, order=len(FORMER_CODES) + 1)

    Leads = Proposal.leads.through
    Leads.objects.bulk_create(
        Leads(proposal_id=proposal_id, institution_id=rows[code].pk)
        for proposal_id, code in Proposal.objects.exclude(lead="").values_list("pk", "lead")
    )
    for code, institution in rows.items():
        Project.objects.filter(lead=code).update(institution=institution)
        HistoricalProject.objects.filter(lead=code).update(institution=institution)
    # The history keeps who carried each proposal at each change. Each historical link carries
    # the id of the link it records (a required column), as django-simple-history writes it:
    # the live link's, or 0 for a proposal deleted since (it has no link any more).
    links = dict(Leads.objects.values_list("proposal_id", "pk"))
    HistoricalLeads.objects.bulk_create(
        HistoricalLeads(
            id=links.get(proposal_id, 0), history_id=history_id, proposal_id=proposal_id, institution_id=rows[code].pk
        )
        for history_id, proposal_id, code in HistoricalProposal.objects.exclude(lead="").values_list(
            "history_id", "id", "lead"
        )
    )


def rows_to_codes(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    Project = apps.get_model("proposals", "Project")
    for proposal in Proposal.objects.prefetch_related("leads"):
        leads = list(proposal.leads.all())
        if leads:
            Proposal.objects.filter(pk=proposal.pk).update(lead=leads[0].code[:20])
    for project in Project.objects.exclude(institution=None).select_related("institution"):
        Project.objects.filter(pk=project.pk).update(lead=project.institution.code[:20])


def grant(apps, schema_editor):
    """Editors keep the institutions up to date (and import them); clerks see them."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    codenames = {
        EDITORS: ["view_institution", "add_institution", "change_institution"],
        CLERKS: ["view_institution"],
    }
    for group_name, names in codenames.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="proposals", codename__in=names))


class Migration(migrations.Migration):
    """Institutions become data (step 2 of 3): each code in use becomes a row."""

    dependencies = [
        ("proposals", "0008_institution"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(codes_to_rows, rows_to_codes),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
