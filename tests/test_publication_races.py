"""Publication and edits serialise: a write that a publication races either lands before the
freeze, and the version holds it, or waits for the publication, then is refused with the
French «publié» message. Never a write the version misses in a year then locked, and never a
back-office save that undoes a publication.

Each test holds a publication open in one connection (its transaction not yet committed, as
while `publish_review` renders the documents), sends the back-office form from a second one, and
lets the publication commit once the form waits on the review's row lock. Row locks and two
connections need PostgreSQL: these tests run in the PostgreSQL pass (see tests/conftest.py)."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from assessments.models import Assessment, CommitteeReview, CommitteeVersion
from assessments.publication import committee_publish
from proposals.models import YearlyStatus
from reports.models import AnnualReview, Deliberation, ReviewEntry
from reports.publication import review_open_correction, review_publish
from tests.conftest import logged_in
from tests.factory import make_assembly, make_assessment, make_proposal, make_review, set_status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30


def _run(function, box: dict) -> None:
    try:
        box["result"] = function()
    except BaseException as error:  # noqa: BLE001 (handed to the test's thread, raised there)
        box["error"] = error
    finally:
        connections.close_all()


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def race(publish, write):
    """Run `publish` in a transaction kept open, then `write` in another connection; once the
    write waits on a lock (or has finished: the old, racy behaviour), commit the publication.
    Returns what `write` returned. (Either may be the publication: the first one holds.)"""
    published, release = threading.Event(), threading.Event()

    def publication():
        with transaction.atomic():
            publish()
            published.set()
            assert release.wait(TIMEOUT)

    publication_box, write_box = {}, {}
    publisher = threading.Thread(target=_run, args=(publication, publication_box))
    publisher.start()
    try:
        assert published.wait(TIMEOUT), publication_box
        writer = threading.Thread(target=_run, args=(write, write_box))
        writer.start()
        deadline = time.monotonic() + TIMEOUT
        while writer.is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        release.set()
        publisher.join(TIMEOUT)
    writer.join(TIMEOUT)
    for box in (publication_box, write_box):
        if "error" in box:
            raise box["error"]
    return write_box["result"]


@pytest.fixture
def year_2026(db):
    """A proposal «implemented» in 2026, its draft 2026 review with one deliberation."""
    proposal = make_proposal(key="velo")
    yearly = set_status(proposal, 2026, "implemented")
    review = make_review(2026, published=False, introduction="Le bilan 2026.")
    Deliberation.objects.create(
        review=review, body=make_assembly("ville"), date=datetime.date(2026, 12, 15), reference="DEL-1"
    )
    return {"proposal": proposal, "yearly": yearly, "review": review}


def publish_2026(review):
    return lambda: review_publish(AnnualReview.objects.get(pk=review.pk), with_documents=False)


def review_form(review, introduction: str) -> dict:
    deliberation = review.deliberations.get()
    return {
        "year": review.year,
        "situation_date": review.situation_date.isoformat(),
        "introduction": introduction,
        "deliberations-TOTAL_FORMS": 1,
        "deliberations-INITIAL_FORMS": 1,
        "deliberations-MIN_NUM_FORMS": 0,
        "deliberations-MAX_NUM_FORMS": 1000,
        "deliberations-0-id": deliberation.pk,
        "deliberations-0-review": review.pk,
        "deliberations-0-body": deliberation.body_id,
        "deliberations-0-date": deliberation.date.isoformat(),
        "deliberations-0-reference": deliberation.reference,
        "deliberations-0-url": "",
    }


def status_form(yearly, status: str, sources: list[dict] | None = None) -> dict:
    existing = list(yearly.sources.all())
    data = {
        "proposal": yearly.proposal_id,
        "year": yearly.year,
        "status": status,
        "explanation": "Abandonné.",
        "opened_revision": yearly.revision,
        "sources-TOTAL_FORMS": len(existing) + len(sources or []),
        "sources-INITIAL_FORMS": len(existing),
        "sources-MIN_NUM_FORMS": 0,
        "sources-MAX_NUM_FORMS": 1000,
    }
    for i, source in enumerate(existing):
        data |= {
            f"sources-{i}-id": source.pk,
            f"sources-{i}-yearly_status": yearly.pk,
            f"sources-{i}-label": source.label,
            f"sources-{i}-url": source.url,
            f"sources-{i}-date": source.date.isoformat(),
        }
    for i, source in enumerate(sources or [], start=len(existing)):
        data |= {f"sources-{i}-{name}": value for name, value in source.items()}
    return data


def refused(response) -> bool:
    return response.status_code == 200 and "est publié" in response.content.decode()


def test_a_status_saved_during_the_publication_waits_then_is_refused(editor, year_2026):
    yearly = year_2026["yearly"]
    url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])
    source = {"label": "Délibération", "reference": "DEL-2", "date": "2026-12-16"}
    client = logged_in(editor)

    response = race(
        publish_2026(year_2026["review"]),
        lambda: client.post(url, status_form(yearly, "not_implemented", [source])),
    )

    assert refused(response)
    yearly.refresh_from_db()
    assert yearly.status == "implemented" and yearly.sources.count() == 1
    assert ReviewEntry.objects.get(key="velo").status == "implemented"


def test_a_source_added_during_the_publication_waits_then_is_refused(editor, year_2026):
    yearly = year_2026["yearly"]
    url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])
    source = {"label": "Rapport", "reference": "R-1", "date": "2026-12-16"}
    client = logged_in(editor)

    response = race(
        publish_2026(year_2026["review"]), lambda: client.post(url, status_form(yearly, "implemented", [source]))
    )

    assert refused(response)
    assert list(yearly.sources.values_list("label", flat=True)) == ["Délibération du conseil municipal 2026"]
    assert [source["label"] for source in ReviewEntry.objects.get(key="velo").sources] == [
        "Délibération du conseil municipal 2026"
    ]


def test_the_reviews_form_saved_during_the_publication_waits_then_is_refused(superuser, year_2026):
    review = year_2026["review"]
    url = reverse("admin:reports_annualreview_change", args=[review.pk])
    client = logged_in(superuser)

    response = race(publish_2026(review), lambda: client.post(url, review_form(review, "Réécrit.")))

    assert refused(response)
    review.refresh_from_db()
    assert review.published_at is not None and review.introduction == "Le bilan 2026."
    assert review.versions.get().introduction == "Le bilan 2026."


def test_a_deliberation_added_during_the_publication_waits_then_is_refused(superuser, year_2026):
    review = year_2026["review"]
    url = reverse("admin:reports_deliberation_add")
    data = {"review": review.pk, "body": make_assembly("metropole").pk, "date": "2026-12-16", "reference": "DEL-M"}
    client = logged_in(superuser)

    response = race(publish_2026(review), lambda: client.post(url, data))

    assert refused(response)
    assert list(review.deliberations.values_list("reference", flat=True)) == ["DEL-1"]
    assert [item["reference"] for item in review.versions.get().deliberations] == ["DEL-1"]


def test_the_reviews_form_saved_during_a_rectificatif_keeps_it_closed(superuser, editor, year_2026):
    review = year_2026["review"]
    review.publish(with_documents=False)
    review_open_correction(review, reason="Une erreur.")
    url = reverse("admin:reports_annualreview_change", args=[review.pk])
    client = logged_in(superuser)

    response = race(publish_2026(review), lambda: client.post(url, review_form(review, "Réécrit.")))

    assert refused(response)
    review.refresh_from_db()
    assert review.versions.count() == 2
    assert not review.correction_is_open and review.correction_reason == ""
    # The year stays locked: an editor's status save is refused.
    yearly = YearlyStatus.objects.get(pk=year_2026["yearly"].pk)
    status_url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])
    assert logged_in(editor).post(status_url, status_form(yearly, "underway")).status_code == 403


def test_a_committee_assessment_saved_during_its_publication_waits_then_is_refused(committee, year_2026):
    assessment = make_assessment(year_2026["proposal"], 2026, 6, comment="Bien.")
    review = CommitteeReview.objects.create(year=2026)
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    data = {"proposal": assessment.proposal_id, "year": 2026, "grade": 1, "comment": "Mal.", "fidelity": ""}
    data |= {"sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}
    client = logged_in(committee)

    response = race(
        lambda: committee_publish(CommitteeReview.objects.get(pk=review.pk)), lambda: client.post(url, data)
    )

    assert refused(response)
    assert Assessment.objects.get(pk=assessment.pk).grade == 6
    assert CommitteeVersion.objects.get().entries.get().grade == 6


def test_the_committees_form_saved_during_its_publication_waits_then_is_refused(committee, year_2026):
    make_assessment(year_2026["proposal"], 2026, 6)
    review = CommitteeReview.objects.create(year=2026, statement="Une année.")
    url = reverse("admin:assessments_committeereview_change", args=[review.pk])
    client = logged_in(committee)

    response = race(
        lambda: committee_publish(CommitteeReview.objects.get(pk=review.pk)),
        lambda: client.post(url, {"year": 2026, "statement": "Réécrit."}),
    )

    assert refused(response)
    review.refresh_from_db()
    assert review.published_at is not None and review.statement == "Une année."


def test_a_status_saved_just_before_the_publication_is_in_the_version(year_2026):
    yearly = year_2026["yearly"]

    def save_a_status():
        yearly.status = "underway"
        yearly.full_clean()  # the year's check: takes the review's lock until this commits
        yearly.save()

    version = race(save_a_status, publish_2026(year_2026["review"]))

    assert version.entries.get(key="velo").status == "underway"
    assert YearlyStatus.objects.get(pk=yearly.pk).status == "underway"
