"""«Publier» queues the publication for the worker and answers at once with its progress page:
its steps, a bar and what remains, in words, reloading itself without JavaScript. The record
becomes public only once everything is stored; a failure says why and can be started again;
two clicks make one publication; a publication whose worker died stops blocking."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import CommitteeReview
from publishing.models import Publication
from publishing.workflow import publication_request, publication_run
from reports import formats
from reports.models import AnnualReview, ReviewDocument, ReviewEntry, ReviewVersion
from tests.factory import (
    make_assessment,
    make_convention,
    make_proposal,
    make_review,
    run_queued_publications,
    set_status,
)

from ..conftest import logged_in

pytestmark = pytest.mark.django_db

REVIEW_STEPS = [
    "Figer le bilan : statuts, chiffres et textes",
    "Document XLSX",
    "Document ODS",
    "Document CSV",
    "Document JSON",
    "Document PDF",
    "Annonce aux abonnés",
    "Préparation des pages publiques",
]


@pytest.fixture
def draft():
    set_status(make_proposal(key="velo", title="Des pistes cyclables"), 2025, "implemented")
    return make_review(2025, published=False)


def url(name: str, record) -> str:
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_{name}", args=[record.pk])


def publish(client, record):
    return client.post(url("publish", record), {"confirm": "1"})


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_publier_answers_at_once_with_the_progress_page(clerk_client, citizen, draft):
    response = publish(clerk_client, draft)

    assert response.status_code == 302 and response["Location"] == url("publication", draft)
    page = text(clerk_client.get(response["Location"]))
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="publication-bar" max="8" value="0">' in page
    assert 'role="status" aria-live="polite"' in page
    assert "En attente : la publication commence dès que le traitement en arrière-plan la prend en charge" in page
    for step in REVIEW_STEPS:
        assert f"{step} — à venir" in page
    # Nothing is public until the worker has done it all.
    assert citizen.get("/bilans/2025/").status_code == 404
    assert not ReviewVersion.objects.exists()


def test_the_worker_publishes_and_the_page_says_it_is_done(clerk_client, citizen, draft):
    publish(clerk_client, draft)

    assert run_queued_publications() == 1

    draft.refresh_from_db()
    assert draft.is_published and citizen.get("/bilans/2025/").status_code == 200
    assert ReviewDocument.objects.filter(version__review=draft).count() == 5
    page = text(clerk_client.get(url("publication", draft)))
    assert "Le bilan 2025 est publié : l&#x27;année est désormais visible du public." in page
    assert 'http-equiv="refresh"' not in page
    assert '<progress id="publication-bar" max="8" value="8">' in page
    for step in REVIEW_STEPS:
        assert f"{step} — fait" in page
    publication = Publication.objects.get()
    assert (publication.state, publication.requested_by.username, publication.number) == ("done", "greffe", 1)


def test_the_page_says_the_step_under_way_and_what_remains(clerk_client, draft):
    """Mid-publication, as the worker's progress writes it (the test client reads no JavaScript)."""
    publication, _created = publication_request(draft)
    Publication.objects.filter(pk=publication.pk).update(state="running", done=2)

    page = text(clerk_client.get(url("publication", draft)))

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="publication-bar" max="8" value="2">' in page
    assert "Étape 3 sur 8 : Document ODS." in page
    assert "Reste à faire : Document CSV, Document JSON, Document PDF, Annonce aux abonnés, " in page
    assert "Document XLSX — fait" in page and "Document ODS — <strong>en cours</strong>" in page
    assert "Document CSV — à venir" in page


def test_the_steps_run_in_order_in_one_transaction(draft, django_capture_on_commit_callbacks):
    publication, _created = publication_request(draft, queue=False)
    told = []

    with django_capture_on_commit_callbacks(execute=True):  # the pages are warmed once committed
        publication = publication_run(
            publication.pk, echo=lambda index, total, label: told.append((index, total, label))
        )

    assert told == [(index, 8, label) for index, label in enumerate(REVIEW_STEPS)]
    assert publication.state == "done" and ReviewVersion.objects.filter(review=draft, number=1).exists()


def test_a_document_that_fails_publishes_nothing_says_why_and_can_be_started_again(
    clerk_client, citizen, draft, monkeypatch
):
    render = formats._renderer

    def fail_on_pdf(review, fmt):
        if fmt == "pdf":
            raise ValueError("la police du PDF manque")
        return render(review, fmt)

    monkeypatch.setattr(formats, "_renderer", fail_on_pdf)
    publish(clerk_client, draft)
    run_queued_publications()

    # Nothing public, nothing half-stored.
    draft.refresh_from_db()
    assert not draft.is_published and draft.published_at is None
    assert not ReviewVersion.objects.exists() and not ReviewEntry.objects.exists()
    assert not ReviewDocument.objects.exists()
    assert citizen.get("/bilans/2025/").status_code == 404
    # The reason, in French, on the progress page and on the record's page.
    page = text(clerk_client.get(url("publication", draft)))
    assert "La publication a échoué." in page
    assert "L&#x27;étape « Document PDF » a échoué : la police du PDF manque. Rien n&#x27;a été publié" in page
    assert "Document JSON — fait" in page and "Document PDF — <strong>échec</strong>" in page
    assert 'http-equiv="refresh"' not in page
    assert 'value="Relancer la publication"' in page
    assert "La dernière publication a échoué" in text(clerk_client.get(url("change", draft)))

    monkeypatch.setattr(formats, "_renderer", render)
    response = publish(clerk_client, draft)  # «Relancer la publication»
    assert response["Location"] == url("publication", draft)
    assert run_queued_publications() == 1

    draft.refresh_from_db()
    assert draft.is_published and ReviewDocument.objects.count() == 5
    assert list(Publication.objects.order_by("pk").values_list("state", flat=True)) == ["failed", "done"]


def test_two_clicks_make_one_publication(clerk_client, superuser_client, draft):
    publish(clerk_client, draft)
    second = publish(superuser_client, draft)

    assert second["Location"] == url("publication", draft)
    assert Publication.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    run_queued_publications()
    assert ReviewVersion.objects.filter(review=draft).count() == 1


def test_the_one_under_way_is_a_database_constraint(draft):
    publication_request(draft)

    with pytest.raises(Exception, match="publishing_publication_one_under_way|UNIQUE"):
        Publication.objects.create(
            record_type="reports.annualreview", record_id=draft.pk, year=2025, number=1, steps=["x"]
        )


def test_other_clerks_see_the_publication_under_way(clerk_client, superuser_client, draft):
    publish(clerk_client, draft)

    page = text(superuser_client.get(url("change", draft)))

    assert "Publication en cours" in page and "version 1, 0 étape(s) faite(s) sur 8." in page
    assert url("publication", draft) in page
    assert "Publier ce bilan…" not in page
    # Their «Publier» shows the one under way rather than a confirmation.
    assert superuser_client.post(url("publish", draft))["Location"] == url("publication", draft)


def test_a_publication_whose_worker_died_does_not_block(clerk_client, draft):
    """The worker was killed mid-publication: its transaction rolled back (nothing published),
    its task and its publication left «running». After PUBLICATION_STALE_AFTER without news,
    «Publier» starts a new one."""
    publish(clerk_client, draft)
    Publication.objects.update(state="running", done=1, heartbeat_at=timezone.now() - datetime.timedelta(minutes=11))
    DBTaskResult.objects.update(status="RUNNING")

    page = text(clerk_client.get(url("publication", draft)))
    assert "La publication a été interrompue" in page and 'value="Relancer la publication"' in page

    publish(clerk_client, draft)
    assert run_queued_publications() == 1

    draft.refresh_from_db()
    assert draft.is_published
    assert list(Publication.objects.order_by("pk").values_list("state", flat=True)) == ["failed", "done"]


def test_a_running_publication_with_news_still_blocks(clerk_client, draft):
    publish(clerk_client, draft)
    Publication.objects.update(state="running", heartbeat_at=timezone.now() - datetime.timedelta(seconds=5))

    publish(clerk_client, draft)

    assert Publication.objects.count() == 1 and Publication.objects.get().state == "running"


@pytest.mark.postgres
def test_on_postgresql_a_dead_workers_publication_is_seen_without_waiting(clerk_client, draft):
    """Its row lock on the record went with its connection: a minute without news is enough."""
    publish(clerk_client, draft)
    Publication.objects.update(state="running", heartbeat_at=timezone.now() - datetime.timedelta(minutes=1))

    publish(clerk_client, draft)

    assert list(Publication.objects.order_by("pk").values_list("state", flat=True)) == ["failed", "queued"]


def test_a_second_run_of_the_task_publishes_nothing_twice(draft):
    publication, _created = publication_request(draft, queue=False)
    publication_run(publication.pk)

    again = publication_run(publication.pk)

    assert again.state == "done" and ReviewVersion.objects.count() == 1


@pytest.mark.parametrize("actor", ["editor_client", "committee_client"])
def test_only_clerks_and_superusers_publish_or_see_the_progress(request, actor, draft):
    client = request.getfixturevalue(actor)

    assert client.post(url("publish", draft), {"confirm": "1"}).status_code == 403
    assert client.get(url("publication", draft)).status_code == 403
    assert not Publication.objects.exists()


def test_anonymous_is_sent_to_the_login_page(citizen, draft):
    response = citizen.get(url("publication", draft))

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_progress_page_without_publication_goes_back_to_the_record(clerk_client, draft):
    assert clerk_client.get(url("publication", draft))["Location"] == url("change", draft)


def test_the_progress_page_costs_a_bounded_number_of_queries(clerk_client, draft, django_assert_max_num_queries):
    publish(clerk_client, draft)
    clerk_client.get(url("publication", draft))

    with django_assert_max_num_queries(8):
        assert clerk_client.get(url("publication", draft)).status_code == 200
    run_queued_publications()
    with django_assert_max_num_queries(8):
        assert clerk_client.get(url("publication", draft)).status_code == 200


def test_a_rectificatif_is_published_in_the_background(clerk_client, citizen, draft):
    draft.publish(with_documents=False)
    clerk_client.post(url("correct", draft), {"reason": "Une erreur de saisie"})

    publish(clerk_client, draft)
    run_queued_publications()

    page = text(clerk_client.get(url("publication", draft)))
    assert "Le rectificatif du bilan 2025 est publié (version 2)." in page
    assert citizen.get("/bilans/2025/v2.pdf").status_code == 200


def test_the_committee_publishes_in_the_background(committee_client, db):
    make_assessment(make_proposal(key="train"), 2025, 6)
    review = CommitteeReview.objects.create(year=2025)

    publish(committee_client, review)
    page = text(committee_client.get(url("publication", review)))
    assert "Figer la version publiée — à venir" in page and "Document" not in page
    run_queued_publications()

    assert review.versions.count() == 1
    assert "L&#x27;avis du comité pour 2025 est publié (version 1)." in text(
        committee_client.get(url("publication", review))
    )


def test_publish_review_refuses_while_the_back_office_publishes(draft):
    publication_request(draft)

    with pytest.raises(Exception, match="déjà en cours"):
        call_command("publish_review", "2025", verbosity=0)
    assert not AnnualReview.objects.get(pk=draft.pk).is_published


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_runs_the_publication(clerk):
    """`manage.py db_worker`, as production runs it (here in batch mode: it stops when idle)."""
    set_status(make_proposal(key="velo"), 2025, "implemented")
    review = make_review(2025, published=False)
    client = logged_in(clerk)  # past the second factor staff must have
    assert publish(client, review)["Location"] == url("publication", review)

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", verbosity=0)

    assert AnnualReview.objects.get(pk=review.pk).is_published
    assert Publication.objects.get().state == "done"
    assert DBTaskResult.objects.get(task_path="publishing.workflow.run_publication").status == "SUCCESSFUL"


# Freezing, the five documents (their proposal rows above all) and the announcement read and
# write in bulk: the same queries whatever the convention's size (PostgreSQL writes the progress
# from a connection of its own, not counted here). Three more than the background publication
# alone (81 and 74) since the council's documents, one each whatever the size: freezing reads
# the previous year's published version (the change frozen with the version) and the convention
# (the licence frozen with it), and the PDF reads who carries each proposal («Portée par»). The
# XLSX and the ODS of one publication share their sheets (the ODS reads its rows no more).
PUBLICATION_QUERIES = {"sqlite": 80, "postgresql": 73}


@pytest.mark.parametrize("size", [10, 40])
def test_a_publication_takes_as_many_queries_at_any_size(db, size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_convention(size)
    review = make_review(2025, published=False)
    publication, _created = publication_request(review, queue=False)

    with CaptureQueriesContext(connection) as queries:
        assert publication_run(publication.pk).state == "done"

    assert len(queries) == PUBLICATION_QUERIES[connection.vendor], "\n".join(query["sql"][:150] for query in queries)
