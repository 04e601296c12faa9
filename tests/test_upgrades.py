"""Upgrades: a database of every release that ran in production, holding what a city has (axes,
proposals and their leads, yearly statuses with sources, history rows, a published review),
migrates to this release with `manage.py migrate` and keeps every row.

Each test migrates the test database back to the release's migrations (Django's executor), fills
it with that release's own models (the migration state, not today's classes), then runs
`migrate` as a city would. One test per release: migrations are slow. The first release's
database is built from nothing instead (its own migrations, on a database whose tables are all
dropped): migrating back to it would undo nearly every migration, at several times the cost."""

import datetime
import hashlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from assessments.models import CommitteeReview
from core.models import ContentGeneration, PendingImport
from proposals.models import Institution, Project, Proposal, Source, YearlyStatus
from reports.models import AnnualReview, Assembly, Deliberation, ReviewDocument, ReviewVersion
from tests.factory import run_queued_publications

# The last migration of each of our apps in each release that landed (None: the app did not exist).
RELEASES = {
    # Stop 7: the first public release.
    "35cbdf1": {
        "convention": "0001_initial",
        "proposals": "0006_convention",
        "reports": "0001_initial",
        "assessments": None,
        "core": None,
    },
    # Stop 14: frozen reviews, institutions as data, the follow-up committee.
    "586fad1": {
        "convention": "0001_initial",
        "proposals": "0012_proposal_long_and_short_titles",
        "reports": "0005_review_records",
        "assessments": "0002_committee_role",
        "core": None,
    },
    # Stop 29: before the stored search documents and the entries' axis rank.
    "aab5ee4": {
        "convention": "0003_models_move_to_core",
        "proposals": "0015_merge_wording_and_joint_institutions",
        "reports": "0007_review_on_the_publication_base",
        "assessments": "0003_committee_on_the_publication_base",
        "core": "0001_initial",
    },
}
# Just before the site's own rows moved from `convention` to `core` (same tables).
BEFORE_CORE = {"convention": "0002_pending_import", "core": None}

WHEN = timezone.make_aware(datetime.datetime(2025, 12, 16, 10, 0))
DOCUMENT = b"%PDF-1.7 the review as published\n"


@pytest.fixture
def release_database(transactional_db):
    """Migrate the test database back to a release's state; return that state's models. The
    database is emptied and migrated forward again afterwards, even when the upgrade failed."""

    def at(release: str | dict, *, from_nothing: bool = False):
        """`release`: a name of RELEASES, or its own {app: last migration}."""
        targets = list((RELEASES[release] if isinstance(release, str) else release).items())
        executor = MigrationExecutor(connection)
        if from_nothing:
            built_from_nothing(executor, targets)
        else:
            executor.migrate(targets)
        executor.loader.build_graph()
        return executor.loader.project_state([target for target in targets if target[1]]).apps

    yield at
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def built_from_nothing(executor: MigrationExecutor, targets: list) -> None:
    """The migrations that migrating back to `targets` would leave applied (our apps at the
    release, the others as they are), applied to an empty database: every table dropped first.
    Migrating back renders Django's migration state at each later migration (35cbdf1: 6.7 s of
    CPU); the release's own migrations from nothing cost a fraction of it (1.5 s)."""
    graph = executor.loader.graph
    undone = {(migration.app_label, migration.name) for migration, _backwards in executor.migration_plan(targets)}
    kept = set(executor.loader.applied_migrations) & set(graph.nodes) - undone  # a squashed app: its squash
    with connection.schema_editor() as editor:
        for table in connection.introspection.table_names():
            editor.execute(editor.sql_delete_table % {"table": editor.quote_name(table)})
    MigrationExecutor(connection).migrate(
        [key for key in kept if not any(child.key in kept for child in graph.node_map[key].children)]
    )


def history(apps, obj, history_type: str, **changes):
    """The django-simple-history row `obj` would have had after a save (`~`) or a creation (`+`)."""
    historical = apps.get_model(obj._meta.app_label, f"Historical{obj._meta.object_name}")
    values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
    return historical.objects.create(history_date=WHEN, history_type=history_type, **{**values, **changes})


def upgrade() -> None:
    call_command("migrate", verbosity=0)


def test_an_upgrade_from_35cbdf1_keeps_everything(release_database):
    apps = release_database("35cbdf1", from_nothing=True)
    get = apps.get_model
    get("proposals", "Convention").objects.create(pk=1, name="Convention citoyenne", introduction="Bienvenue.")
    axis = get("proposals", "Axis").objects.create(name="Mobilités", slug="mobilites", order=1)
    history(apps, axis, "+")
    Proposal_ = get("proposals", "Proposal")
    carried = Proposal_.objects.create(key="velo", axis=axis, title="Plus de vélos", lead="ville", order=1)
    history(apps, carried, "+", title="Vélos")
    history(apps, carried, "~")  # edited once
    shared = Proposal_.objects.create(key="bus", axis=axis, title="Des bus", lead="ville_metropole", order=2)
    history(apps, shared, "+")
    orphan = Proposal_.objects.create(key="jardin", axis=axis, title="", order=3)
    history(apps, orphan, "+")
    outside = Proposal_.objects.create(key="hors", axis=axis, title="Hors compétences", lead="aucun", order=4)
    history(apps, outside, "+")
    status = get("proposals", "YearlyStatus").objects.create(
        proposal=carried, year=2025, status="implemented", explanation="Fait."
    )
    history(apps, status, "+")
    source = get("proposals", "Source").objects.create(
        yearly_status=status, label="Délibération", reference="DEL-2025-1", date=datetime.date(2025, 12, 15)
    )
    history(apps, source, "+")
    project = get("proposals", "Project").objects.create(slug="pistes", title="Pistes cyclables", lead="metropole")
    project.proposals.add(carried)
    project_history = history(apps, project, "+")
    get("proposals", "HistoricalProject_proposals").objects.create(
        history=project_history, project_id=project.pk, proposal_id=carried.pk, id=1
    )
    review = get("reports", "AnnualReview").objects.create(
        year=2025, situation_date=datetime.date(2025, 12, 1), introduction="Le bilan.", published_at=WHEN
    )
    history(apps, review, "+")
    deliberation = get("reports", "Deliberation").objects.create(
        review=review, body="ville", date=datetime.date(2025, 12, 15), reference="DEL-2025-1"
    )
    history(apps, deliberation, "+")
    get("reports", "Deliberation").objects.create(
        review=review, body="metropole", date=datetime.date(2025, 12, 18), reference="DEL-2025-M1"
    )

    upgrade()

    # Each former code in use became a row with the same code, named and ordered as the fixed
    # list was (0009), and so did each assembly's (reports 0003).
    assert list(Institution.objects.order_by("order").values_list("code", "name", "order")) == [
        ("ville", "Ville", 1),
        ("metropole", "Métropole", 2),
        ("ville_metropole", "Ville et Métropole", 3),
        ("aucun", "Aucune (hors compétences)", 4),
    ]
    assert list(Assembly.objects.order_by("code").values_list("code", "name")) == [
        ("metropole", "Conseil métropolitain"),
        ("ville", "Conseil municipal"),
    ]
    assert [i.code for i in Proposal.objects.get(key="hors").leads.all()] == ["aucun"]
    carried = Proposal.objects.get(key="velo")
    assert [i.code for i in carried.leads.all()] == ["ville"]
    assert [i.code for i in Proposal.objects.get(key="bus").leads.all()] == [
        "ville",
        "metropole",
    ]  # a joint institution's proposals carry its members (0014)
    assert not Proposal.objects.get(key="jardin").leads.exists()
    # The history keeps who carried the proposal at each change.
    assert [list(row.leads.values_list("institution__code", flat=True)) for row in carried.history.all()] == [
        ["ville"],
        ["ville"],
    ]
    assert carried.history.count() == 2
    status = YearlyStatus.objects.get(proposal=carried, year=2025)
    assert status.status == "implemented" and status.history.count() == 1
    assert Source.objects.get(yearly_status=status).reference == "DEL-2025-1"
    project = Project.objects.get(slug="pistes")
    assert project.lead.code == "metropole" and list(project.proposals.all()) == [carried]
    project_history = project.history.get()
    assert project_history.lead_id == project.lead_id
    assert list(project_history.proposals.values_list("proposal_id", flat=True)) == [carried.pk]
    review = AnnualReview.objects.get(year=2025)
    assert review.published_at == WHEN
    assert review.history.filter(history_type="+", introduction="Le bilan.").exists()
    assert sorted(Deliberation.objects.filter(review=review).values_list("reference", "body__code")) == [
        ("DEL-2025-1", "ville"),
        ("DEL-2025-M1", "metropole"),
    ]
    # The review published before reviews were frozen is frozen by the upgrade, as published.
    version = ReviewVersion.objects.get(review=review)
    assert version.number == 1 and version.published_at == WHEN
    assert {entry.key: entry.status for entry in version.entries.all()} == {
        "velo": "implemented",
        "bus": "not_assessed",
        "jardin": "not_assessed",
        "hors": "not_assessed",
    }
    assert set(ReviewDocument.objects.filter(version=version).values_list("fmt", flat=True)) == {
        "pdf",
        "xlsx",
        "ods",
        "csv",
        "json",
    }


def test_an_upgrade_from_586fad1_keeps_everything(release_database):
    apps = release_database("586fad1")
    get = apps.get_model
    get("proposals", "Convention").objects.create(pk=1, name="Convention citoyenne", introduction="Bienvenue.")
    axis = get("proposals", "Axis").objects.create(name="Mobilités", slug="mobilites", order=1)
    ville = get("proposals", "Institution").objects.create(code="ville", name="Ville", order=1)
    carried = get("proposals", "Proposal").objects.create(key="velo", axis=axis, title="Plus de vélos", order=1)
    carried.leads.add(ville)
    link = get("proposals", "Proposal_leads").objects.get()
    for history_type in "+~":
        row = history(apps, carried, history_type)
        get("proposals", "HistoricalProposal_leads").objects.create(
            history=row, id=link.pk, proposal_id=carried.pk, institution_id=ville.pk
        )
    # A proposal carried jointly had an institution of its own whose code joins the others'.
    Institution_ = get("proposals", "Institution")
    Institution_.objects.create(code="metropole", name="Métropole", order=2)
    joint = Institution_.objects.create(code="ville_metropole", name="Ville et Métropole", order=3)
    outside = Institution_.objects.create(code="aucun", name="Aucun", order=4)
    for key, lead in [("bus", joint), ("hors", outside), ("jardin", None)]:
        proposal = get("proposals", "Proposal").objects.create(key=key, axis=axis, title=f"Titre {key}")
        if lead:
            proposal.leads.add(lead)
    get("proposals", "Project").objects.create(slug="parc", title="Parc", lead=joint)
    status = get("proposals", "YearlyStatus").objects.create(proposal=carried, year=2025, status="implemented")
    history(apps, status, "+")
    source = get("proposals", "Source").objects.create(
        yearly_status=status, label="Délibération", reference="DEL-2025-1", date=datetime.date(2025, 12, 15)
    )
    history(apps, source, "+")
    assembly = get("reports", "Assembly").objects.create(code="ville", name="Conseil municipal", order=1)
    review = get("reports", "AnnualReview").objects.create(
        year=2025, situation_date=datetime.date(2025, 12, 1), published_at=WHEN
    )
    history(apps, review, "+")
    get("reports", "Deliberation").objects.create(
        review=review, body=assembly, date=datetime.date(2025, 12, 15), reference="DEL-2025-1"
    )
    version = get("reports", "ReviewVersion").objects.create(
        review=review, number=1, published_at=WHEN, situation_date=review.situation_date, figures={"axes": []}
    )
    get("reports", "ReviewEntry").objects.create(
        version=version,
        proposal=carried,
        position=1,
        key="velo",
        axis_slug="mobilites",
        axis_name="Mobilités",
        status="implemented",
        status_year=2025,
    )
    for fmt in ("pdf", "xlsx", "ods", "csv", "json"):
        get("reports", "ReviewDocument").objects.create(
            version=version, fmt=fmt, content=DOCUMENT, size=len(DOCUMENT), sha256=hashlib.sha256(DOCUMENT).hexdigest()
        )

    upgrade()

    carried = Proposal.objects.get(key="velo")
    assert list(carried.leads.values_list("code", flat=True)) == ["ville"]
    assert [list(row.leads.values_list("institution__code", flat=True)) for row in carried.history.all()] == [
        ["ville"],
        ["ville"],
    ]
    status = YearlyStatus.objects.get(proposal=carried, year=2025)
    assert status.sources.get().reference == "DEL-2025-1" and status.history.count() == 1
    version = ReviewVersion.objects.get(review__year=2025)
    assert version.number == 1 and version.published_at == WHEN
    assert list(version.entries.values_list("key", "status")) == [("velo", "implemented")]
    assert {bytes(d.content) for d in version.documents.all()} == {DOCUMENT}
    assert version.documents.count() == 5
    # The joint institution is declared the joint of the Ville and the Métropole (0014): its
    # proposals carry each of them, with a history row saying why; its project keeps it.
    leads = {p.key: [i.code for i in p.leads.all()] for p in Proposal.objects.exclude(key="velo")}
    assert leads == {"bus": ["ville", "metropole"], "hors": ["aucun"], "jardin": []}
    assert list(Institution.objects.get(code="ville_metropole").members.values_list("code", flat=True)) == [
        "ville",
        "metropole",
    ]
    assert Project.objects.get(slug="parc").lead.code == "ville_metropole"
    change = Proposal.objects.get(key="bus").history.latest()
    assert change.title == "Titre bus"
    assert sorted(lead.institution.code for lead in change.leads.all()) == ["metropole", "ville"]
    assert "Ville et Métropole" in change.history_change_reason


def test_an_upgrade_from_aab5ee4_keeps_everything(release_database, client, clerk_client):
    """Four changes since that release, checked on one database of it (migrating back to it is
    most of the cost: once, not once per change):
    - the stored search documents are built and the entries' axes ranked;
    - a rectificatif opened with Word's line break could not be published (the XLSX refused it)
      nor changed: the upgrade cleans the reasons not yet published, and leaves every published
      version and stored document byte for byte;
    - `version`, the edit counter of proposals, projects and statuses, became `revision`
      («version» is a review's published version): a form opened before the upgrade is still
      refused after it if the record changed meanwhile, so every value is kept;
    - the cache's counter, `ContentVersion.version`, became `ContentGeneration.generation`, in the
      code only: its number is kept (pages cached under it stay valid), so are permissions given
      on it, and the table keeps its name and column for the previous release's servers still
      running while it migrates."""
    apps = release_database("aab5ee4")
    get = apps.get_model
    get("proposals", "Convention").objects.create(pk=1, name="Convention citoyenne", introduction="Bienvenue.")
    mobility = get("proposals", "Axis").objects.create(name="Mobilités", slug="mobilites", order=1)
    nature = get("proposals", "Axis").objects.create(name="Nature", slug="nature", order=2)
    bikes = get("proposals", "Proposal").objects.create(
        key="velo", axis=mobility, title="Plus de vélos", order=1, version=7
    )
    history(apps, bikes, "~")
    buses = get("proposals", "Proposal").objects.create(key="bus", axis=mobility, title="Des bus", order=2)
    trees = get("proposals", "Proposal").objects.create(key="arbres", axis=nature, title="Des arbres", order=1)
    project = get("proposals", "Project").objects.create(slug="permis", title="Permis de végétaliser", version=2)
    project.proposals.add(trees)
    history(apps, project, "~")
    status = get("proposals", "YearlyStatus").objects.create(proposal=bikes, year=2025, status="underway", version=3)
    history(apps, status, "~")
    review = get("reports", "AnnualReview").objects.create(
        year=2025, situation_date=datetime.date(2025, 12, 1), published_at=WHEN
    )
    version = get("reports", "ReviewVersion").objects.create(
        review=review, number=1, published_at=WHEN, situation_date=review.situation_date, figures={"axes": []}
    )
    for position, proposal in enumerate([bikes, buses, trees]):
        get("reports", "ReviewEntry").objects.create(
            version=version,
            proposal=proposal,
            position=position,
            key=proposal.key,
            axis_slug=proposal.axis.slug,
            axis_name=proposal.axis.name,
            status="implemented",
            status_year=2025,
        )
    # A rectificatif waiting, its reason with Word's line break, on the previous year's review.
    stuck = get("reports", "AnnualReview").objects.create(
        year=2024,
        situation_date=datetime.date(2024, 12, 1),
        published_at=WHEN,
        correction_reason="Ligne une\x0bligne deux\x07",
        correction_opened_at=WHEN,
    )
    first = get("reports", "ReviewVersion").objects.create(
        review=stuck, number=1, published_at=WHEN, situation_date=datetime.date(2024, 12, 1), figures={}
    )
    get("reports", "ReviewVersion").objects.create(
        review=stuck, number=2, published_at=WHEN, situation_date=stuck.situation_date, figures={}, reason="Un\x0bdeux"
    )
    document = get("reports", "ReviewDocument").objects.create(
        version=first, fmt="pdf", content=b"%PDF-1.7 as published\x0b", size=23, sha256="a" * 64
    )
    get("assessments", "CommitteeReview").objects.create(
        year=2024, published_at=WHEN, correction_reason="Oubli\x1b\x85suite", correction_opened_at=WHEN
    )
    get("core", "ContentVersion").objects.create(pk=1, version=41, changed_at=WHEN)
    content_versions = ContentType.objects.get(app_label="core", model="contentversion")
    permission = Permission.objects.get(content_type=content_versions, codename="view_contentversion")
    Group.objects.create(name="Lecteurs").permissions.add(permission)

    upgrade()

    # The search documents and the axes' ranks.
    version = ReviewVersion.objects.get(review__year=2025)
    assert list(version.entries.values_list("key", "axis_rank")) == [("velo", 0), ("bus", 0), ("arbres", 2)]
    found = client.get("/propositions/", {"q": "vegetalisation"}, headers={"x-forwarded-proto": "https"})
    assert [row["url"] for row in found.context["rows"]] == ["/propositions/arbres/"]
    by_axis = client.get("/propositions/", {"tri": "-axe"}, headers={"x-forwarded-proto": "https"})
    assert [row["url"] for row in by_axis.context["rows"]] == [
        "/propositions/arbres/",
        "/propositions/velo/",
        "/propositions/bus/",
    ]
    # The edit counter, under its new name.
    assert Proposal.objects.get(key="velo").revision == 7
    assert Proposal.history.get().revision == 7
    assert YearlyStatus.objects.get().revision == 3 and YearlyStatus.history.get().revision == 3
    assert Project.objects.get(slug="permis").revision == 2 and Project.history.get().revision == 2
    # The content generation, under its new name.
    generation = ContentGeneration.objects.get()
    assert (generation.pk, generation.generation, generation.changed_at) == (1, 41, WHEN)
    assert list(Group.objects.get(name="Lecteurs").permissions.values_list("content_type__model", "codename")) == [
        ("contentgeneration", "view_contentgeneration")
    ]
    assert not ContentType.objects.filter(model="contentversion").exists()
    assert not Permission.objects.filter(codename__endswith="_contentversion").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContentGeneration.objects.create(pk=2)  # still one row
    # What the previous release's servers, still answering during the upgrade, read and bump.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE convention_contentversion SET version = version + 1 WHERE id = 1")
        cursor.execute("SELECT version FROM convention_contentversion")
        assert cursor.fetchall() == [(42,)]
    # The reasons waiting are cleaned; what was published is left as it was.
    assert AnnualReview.objects.get(year=2024).correction_reason == "Ligne une\nligne deux"
    assert CommitteeReview.objects.get().correction_reason == "Oubli\nsuite"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM reports_reviewversion WHERE review_id = %s ORDER BY number", [stuck.pk])
        assert cursor.fetchall() == [("",), ("Un\x0bdeux",)]
    assert bytes(ReviewDocument.objects.get(pk=document.pk).content) == b"%PDF-1.7 as published\x0b"
    # The rectificatif that was stuck is published, its documents with it (the year has no
    # status of its own: the clerk acknowledges it; the worker runs the publication).
    response = clerk_client.post(
        reverse("admin:reports_annualreview_publish", args=[stuck.pk]),
        {"confirm": "1", "no_status_acknowledged": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert run_queued_publications() == 1
    assert ReviewVersion.objects.get(number=3).reason == "Ligne une\nligne deux"
    assert ReviewDocument.objects.filter(version__number=3).count() == 5


def test_the_move_to_core_keeps_the_content_generation_the_pending_imports_and_their_permissions(release_database):
    apps = release_database(BEFORE_CORE)
    apps.get_model("convention", "ContentVersion").objects.create(pk=1, version=41, changed_at=WHEN)
    apps.get_model("convention", "PendingImport").objects.create(name="apercu", dataset=b"rows", expires_at=WHEN)
    pending_imports, _ = ContentType.objects.get_or_create(app_label="convention", model="pendingimport")
    permission, _ = Permission.objects.get_or_create(
        content_type=pending_imports, codename="view_pendingimport", defaults={"name": "Can view"}
    )
    Group.objects.create(name="Lecteurs").permissions.add(permission)

    upgrade()

    generation = ContentGeneration.objects.get()  # ContentVersion then, `version` its number
    assert (generation.pk, generation.generation, generation.changed_at) == (1, 41, WHEN)
    pending = PendingImport.objects.get()
    assert (pending.name, bytes(pending.dataset), pending.expires_at) == ("apercu", b"rows", WHEN)
    # The permission given on the model before the move is still given, on core's model.
    assert list(Group.objects.get(name="Lecteurs").permissions.values_list("content_type__app_label", "codename")) == [
        ("core", "view_pendingimport")
    ]
    assert not ContentType.objects.filter(app_label="convention").exists()
