"""A published review is a record: nothing but a public rectificatif changes what it says."""

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from proposals.models import Axis, Project, Proposal, Status, YearlyStatus
from reports.models import AnnualReview, ReviewDocument, ReviewEntry
from reports.publication import PublicationError, review_open_correction, review_publish
from tests.backoffice.helpers import STATUS_HEADERS, spreadsheet, upload
from tests.factory import make_axis, make_project, make_proposal, make_review, run_queued_publications, set_status
from tests.reports.test_review_documents import cold_process
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

FORMATS = ["pdf", "xlsx", "ods", "csv", "json"]


def build_published():
    climate = make_axis(name="Climat", slug="climat")
    social = make_axis(name="Social", slug="social")
    proposals = {
        "trees": make_proposal(climate, key="arbres", title="Planter des arbres"),
        "bikes": make_proposal(climate, key="velos", title="Des pistes cyclables"),
        "canteen": make_proposal(social, key="cantine", title="Une cantine"),
        "housing": make_proposal(social, key="logement", title=""),
    }
    set_status(proposals["trees"], 2025, Status.IMPLEMENTED, explanation="Mille arbres.")
    set_status(proposals["bikes"], 2025, Status.UNDERWAY, explanation="Les travaux commencent.")
    set_status(proposals["canteen"], 2025, Status.IMPLEMENTED)
    set_status(proposals["housing"], 2025, Status.IMPLEMENTED)
    make_project([proposals["trees"]], slug="forets", title="Forêts urbaines")
    make_review(2025, documents=True)
    return proposals


@pytest.fixture
def published():
    """Two axes, four proposals with 2025 statuses, a project, the 2025 review published:
    «Climat» 1 sur 2 (50,0 %), «Social» 2 sur 2 (100,0 %), overall 3 sur 4 (75,0 %)."""
    return replayed(build_published)


def documents(client) -> dict[str, bytes]:
    return {fmt: client.get(f"/bilans/2025.{fmt}").content for fmt in FORMATS}


def public_figures(client) -> dict:
    """What the public reads of the 2025 review: the JSON, the page, the home page, the table."""
    return {
        "json": json.loads(client.get("/bilans/2025.json").content),
        "page": "3 sur 4" in client.get("/bilans/2025/").content.decode(),
        "home": "3 sur 4" in client.get("/").content.decode(),
        "table": client.get("/propositions/?annee=2025&statut=implemented").content.decode().count('class="badge'),
        "open data": json.loads(client.get("/propositions.json?annee=2025").content)["nombre"],
    }


def test_publication_stores_five_documents_with_their_fingerprints(citizen, published):
    stored = {document.fmt: document for document in ReviewDocument.objects.all()}

    assert sorted(stored) == sorted(FORMATS)
    for fmt, content in documents(citizen).items():
        assert content == bytes(stored[fmt].content)
        assert hashlib.sha256(content).hexdigest() == stored[fmt].sha256
    response = citizen.get("/bilans/2025.pdf")
    assert response["ETag"] == f'"{stored["pdf"].sha256}"'
    assert "public" in response["Cache-Control"]
    assert citizen.get("/bilans/2025.pdf", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    page = citizen.get("/bilans/2025/").content.decode()
    assert stored["xlsx"].sha256 in page


def test_nothing_but_a_rectificatif_moves_a_published_review(citizen, published, editor_client, clerk_client):
    before_documents = documents(citizen)
    before = public_figures(citizen)
    assert before["json"]["totals"] == {
        "proposals": 4,
        "implemented": 3,
        "rate": 75.0,
        "by_status": {"implemented": 3, "underway": 1, "not_implemented": 0, "out_of_scope": 0, "not_assessed": 0},
    }
    trees = published["trees"]

    # An editor edits a 2025 status in the admin: refused.
    yearly = YearlyStatus.objects.get(proposal=trees, year=2025)
    url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])
    editor_client.post(url, {"proposal": trees.pk, "year": 2025, "status": "not_implemented", "explanation": "x"})
    # ... imports a 2025 status: refused with the French reason.
    content = spreadsheet(STATUS_HEADERS, [["velos", 2025, "implemented", "", "Bilan", "", "B-1", "2025-12-01"]], "csv")
    preview = upload(editor_client, "yearlystatus", content, "csv")
    assert "Le bilan 2025 est publié" in preview.content.decode()
    # ... runs the bulk action: refused.
    editor_client.post(
        reverse("admin:proposals_proposal_changelist"),
        {
            "action": "set_status_for_year",
            "_selected_action": [trees.pk],
            "apply": "1",
            "year": 2025,
            "status": "not_implemented",
            "source_label": "Bilan",
            "source_reference": "B-2",
            "source_date": "2025-12-10",
        },
    )
    # ... saves a 2025 status in a script: refused by the model.
    newcomer = make_proposal(Axis.objects.get(slug="climat"), key="nouvelle")
    with pytest.raises(ValidationError, match="Le bilan 2025 est publié"):
        set_status(newcomer, 2025, Status.NOT_IMPLEMENTED, source=False)
    # A proposal added afterwards with a 2025 status written behind the model's back (SQL), an
    # axis renamed, a title filled in, a project deleted, rows changed behind the back office's back.
    YearlyStatus.objects.bulk_create([YearlyStatus(proposal=newcomer, year=2025, status=Status.NOT_IMPLEMENTED)])
    Axis.objects.filter(slug="climat").update(name="Climat et biodiversité")
    Proposal.objects.filter(key="logement").update(title="Des logements pour tous")
    Project.objects.all().delete()
    YearlyStatus.objects.filter(proposal__key="cantine").update(status=Status.NOT_IMPLEMENTED)
    # A clerk posts the review's change form with another year.
    review = AnnualReview.objects.get(year=2025)
    clerk_client.post(
        reverse("admin:reports_annualreview_change", args=[review.pk]),
        {"year": 2024, "situation_date": "2024-01-01", "introduction": "Réécrit", **EMPTY_DELIBERATIONS},
    )

    assert YearlyStatus.objects.get(proposal=trees, year=2025).status == Status.IMPLEMENTED
    assert AnnualReview.objects.get(pk=review.pk).year == 2025
    assert documents(citizen) == before_documents
    assert public_figures(citizen) == before
    # Descriptive texts stay live: the title filled in later shows beside the frozen status.
    assert "Des logements pour tous" in citizen.get("/propositions/?annee=2025").content.decode()
    assert "nouvelle" not in citizen.get("/propositions/?annee=2025").content.decode()


EMPTY_DELIBERATIONS = {
    "deliberations-TOTAL_FORMS": 0,
    "deliberations-INITIAL_FORMS": 0,
    "deliberations-MIN_NUM_FORMS": 0,
    "deliberations-MAX_NUM_FORMS": 1000,
}


def test_a_published_year_is_locked_for_every_role(published, superuser_client):
    yearly = YearlyStatus.objects.get(proposal=published["trees"], year=2025)

    url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])
    response = superuser_client.post(url, {"proposal": yearly.proposal_id, "year": 2025, "status": "underway"})
    assert response.status_code == 403
    delete = reverse("admin:proposals_yearlystatus_delete", args=[yearly.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:proposals_yearlystatus_add")
    response = superuser_client.post(add, {"proposal": published["bikes"].pk, "year": 2025, "status": "underway"})
    assert response.status_code == 200  # the form again, with the reason
    assert "Le bilan 2025 est publié" in response.content.decode()
    assert YearlyStatus.objects.get(proposal=published["trees"], year=2025).status == Status.IMPLEMENTED


def test_a_rectificatif_publishes_version_2_and_keeps_version_1(citizen, published, clerk, editor_client):
    version_1 = documents(citizen)
    review = AnnualReview.objects.get(year=2025)

    with pytest.raises(PublicationError):
        review_publish(review)  # already published, no correction open
    review_open_correction(review, reason="Le statut des pistes cyclables était erroné.", user=clerk)
    yearly = YearlyStatus.objects.get(proposal=published["bikes"], year=2025)
    url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])
    response = editor_client.post(
        url,
        {
            "proposal": yearly.proposal_id,
            "year": 2025,
            "status": "implemented",
            "explanation": "Les pistes sont ouvertes.",
            "opened_revision": yearly.revision,
            "sources-TOTAL_FORMS": 1,
            "sources-INITIAL_FORMS": 0,
            "sources-MIN_NUM_FORMS": 0,
            "sources-MAX_NUM_FORMS": 1000,
            "sources-0-label": "Rectificatif",
            "sources-0-reference": "R-1",
            "sources-0-date": "2026-01-15",
        },
    )
    assert response.status_code == 302
    assert json.loads(citizen.get("/bilans/2025.json").content)["totals"]["implemented"] == 3  # not yet public

    version = review_publish(review, user=clerk)

    assert version.number == 2
    assert json.loads(citizen.get("/bilans/2025.json").content)["totals"]["implemented"] == 4
    page = citizen.get("/bilans/2025/").content.decode()
    assert "Rectifié le" in page and "Le statut des pistes cyclables était erroné." in page
    for fmt, content in version_1.items():
        assert citizen.get(f"/bilans/2025/v1.{fmt}").content == content
        assert f'href="/bilans/2025/v1.{fmt}"' in page
        assert citizen.get(f"/bilans/2025/v1.{fmt}")["Cache-Control"] == "public, max-age=31536000, immutable"
    assert citizen.get("/bilans/2025.pdf").content != version_1["pdf"]
    feed = citizen.get("/flux/").content.decode()
    assert "Rectificatif du bilan 2025 (version 2)" in feed
    review.refresh_from_db()
    assert review.history.filter(correction_reason__startswith="Le statut").first().history_user == clerk
    assert not review.correction_is_open


def test_the_frozen_figures_are_those_of_the_frozen_entries(published):
    version = AnnualReview.objects.get(year=2025).latest_version()

    counted = {}
    for entry in ReviewEntry.objects.filter(version=version):
        counted[entry.status] = counted.get(entry.status, 0) + 1
    assert {code: n for code, n in version.figures["totals"]["by_status"].items() if n} == counted


def test_documents_links_come_from_site_url_not_the_host(citizen, settings, db):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    set_status(make_proposal(axis=make_axis(), key="arbres"), 2025, Status.IMPLEMENTED)
    citizen.get("/", HTTP_HOST="127.0.0.1:6666")
    make_review(2025, documents=True)

    csv = citizen.get("/bilans/2025.csv", HTTP_HOST="127.0.0.1:6666").content.decode()

    assert "http://testserver/propositions/arbres/" in csv
    assert "6666" not in csv


def test_a_document_with_a_random_query_string_is_the_stored_one(citizen, published, django_assert_max_num_queries):
    stored = ReviewDocument.objects.get(fmt="pdf")
    cold_process()

    with django_assert_max_num_queries(2):
        response = citizen.get("/bilans/2025.pdf?q=4f1c9e")

    assert response.content == bytes(stored.content)


def test_export_report_writes_the_stored_bytes(published, tmp_path):
    output = tmp_path / "bilan.pdf"

    call_command("export_report", "2025", "--format", "pdf", "--output", str(output), stdout=open("/dev/null", "w"))

    assert output.read_bytes() == bytes(ReviewDocument.objects.get(fmt="pdf").content)


def test_publish_review_command_shows_its_progress(db, capsys, django_capture_on_commit_callbacks):
    set_status(make_proposal(axis=make_axis()), 2025, Status.IMPLEMENTED)
    make_review(2025, published=False)

    with django_capture_on_commit_callbacks(execute=True):  # committed: the pages are warmed
        call_command("publish_review", "2025")

    out = capsys.readouterr().out
    assert "1/8 Figer le bilan" in out
    assert "[" + "#" * 18 + "." * 12 + "] 6/8 Document PDF" in out
    assert "8/8 Préparation des pages publiques" in out
    assert "Bilan 2025 publié (version 1)" in out
    assert ReviewDocument.objects.count() == 5


def test_the_admin_publishes_any_size_in_the_background(clerk_client, db):
    """No size limit: «Publier» queues the publication for the worker, whatever the size."""
    set_status(make_proposal(axis=make_axis()), 2025, Status.IMPLEMENTED)  # a year with its statuses
    make_proposal(axis=make_axis())
    review = make_review(2025, published=False)

    url = reverse("admin:reports_annualreview_publish", args=[review.pk])
    # The year has no status of its own: the clerk acknowledges it on the confirmation.
    response = clerk_client.post(url, {"confirm": "1", "no_status_acknowledged": "on"}, follow=True)

    assert "publish_review" not in response.content.decode()
    assert "En attente" in response.content.decode()
    assert run_queued_publications() == 1
    assert ReviewDocument.objects.count() == 5


def test_an_existing_database_gets_its_published_reviews_frozen_when_it_migrates(citizen, db):
    call_command("loaddata", "clermont", verbosity=0)  # a review marked published, without its record
    assert citizen.get("/bilans/2025/").status_code == 404

    call_command("migrate", verbosity=0)

    assert ReviewDocument.objects.filter(version__review__year=2025).count() == 5
    totals = json.loads(citizen.get("/bilans/2025.json").content)["totals"]
    assert (totals["implemented"], totals["proposals"], totals["rate"]) == (34, 40, 85.0)


@pytest.mark.parametrize("url", ["/bilans/99999999999.pdf", "/bilans/2025/v99999999999.pdf", "/bilans/2025/v0.csv"])
def test_an_impossible_year_or_version_is_a_french_404(citizen, published, url):
    response = citizen.get(url)

    assert response.status_code == 404
    assert "bilan" in response.content.decode().lower()


def test_staff_preview_a_rectificatif_before_it_is_published(citizen, published, clerk, previewer_client):
    review = AnnualReview.objects.get(year=2025)
    review_open_correction(review, reason="Les pistes cyclables sont ouvertes.", user=clerk)
    YearlyStatus.objects.filter(proposal=published["bikes"], year=2025).update(status=Status.IMPLEMENTED)

    preview = previewer_client.get("/bilans/2025/?apercu=rectificatif")
    public = citizen.get("/bilans/2025/?apercu=rectificatif")

    assert (
        "4 sur 4" in preview.content.decode()
        and "Rectificatif en préparation : la version 1 reste publiée" in preview.content.decode()
    )
    assert "no-store" in preview["Cache-Control"]
    assert "3 sur 4" in public.content.decode() and "Aperçu" not in public.content.decode()
    assert "3 sur 4" in previewer_client.get("/bilans/2025/").content.decode()  # by default, the record


def test_the_back_office_links_every_document_the_site_serves(clerk_client):
    review = make_review(2025)

    page = clerk_client.get(reverse("admin:reports_annualreview_change", args=[review.pk])).content.decode()

    assert [label for label, _url in review.document_links()] == [fmt.upper() for fmt in FORMATS]
    for fmt in FORMATS:
        assert f'href="/bilans/2025.{fmt}"' in page
