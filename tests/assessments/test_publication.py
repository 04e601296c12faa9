"""The committee publishes its year itself; published, it is a record corrected in the open."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Assessment, CommitteeReview, CommitteeVersion
from assessments.publication import PublicationError, committee_open_correction, committee_publish
from reports.models import ReviewDocument
from reports.publication import review_open_correction, review_publish
from tests.assessments.conftest import build_two_voices
from tests.factory import make_assessment, make_proposal, run_queued_publications
from tests.pdf_checks import conformance_failures
from tests.reports.test_review_documents import pdf_text

pytestmark = pytest.mark.django_db


def test_nothing_shows_before_the_committee_publishes(citizen, db):
    build_two_voices(publish=False)

    assert "Selon le comité de suivi" not in citizen.get("/propositions/train/").content.decode()
    assert "Avis du comité" not in citizen.get("/propositions/").content.decode()
    assert "L&#x27;avis du comité de suivi" not in citizen.get("/bilans/2025/").content.decode()
    assert "Commentaire du comité" not in citizen.get("/propositions.csv").content.decode()


def test_the_committee_publishes_from_the_back_office(committee_client, db):
    build_two_voices(publish=False)
    review = CommitteeReview.objects.get(year=2025)
    url = reverse("admin:assessments_committeereview_publish", args=[review.pk])

    confirmation = committee_client.post(url)
    response = committee_client.post(url, {"confirm": "1"})

    assert "Oui, publier l'avis 2025" in confirmation.content.decode()
    assert response.status_code == 302
    assert run_queued_publications() == 1
    version = CommitteeVersion.objects.get()
    assert (version.number, version.published_by.username) == (1, "comite")
    assert version.entries.count() == 6
    assert version.axis_statements == [{"slug": "climat", "name": "Climat", "text": "Le climat avance trop lentement."}]


def test_a_year_without_assessments_cannot_be_published(db):
    review = CommitteeReview.objects.create(year=2025)

    with pytest.raises(PublicationError, match="Aucun avis n'est saisi pour 2025"):
        committee_publish(review)


def test_editing_after_publication_changes_nothing_public(citizen, two_voices):
    Assessment.objects.filter(proposal__key="train").update(grade=0, comment="Changé en douce.")

    page = citizen.get("/propositions/train/").content.decode()

    assert "6/10" in page and "Commentaire du comité sur train." in page
    assert "Changé en douce." not in page
    assert "Changé en douce." not in citizen.get("/propositions.csv").content.decode()


def test_a_published_year_is_locked_for_the_committee(committee_client, two_voices):
    assessment = Assessment.objects.get(proposal__key="train")
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    data = {"proposal": assessment.proposal_id, "year": 2025, "grade": 9, "comment": "", "fidelity": ""}
    data |= {"sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}

    page = committee_client.get(url)
    response = committee_client.post(url, data)

    assert "ne peut plus être modifié" in page.content.decode()
    assert response.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).grade == 6
    with pytest.raises(ValidationError, match="est publié"):
        assessment.full_clean()
    # A new assessment of a locked year is refused too.
    with pytest.raises(ValidationError, match="est publié"):
        Assessment(proposal=make_proposal(), year=2025, grade=5).full_clean()


def test_the_year_is_published_once(two_voices):
    with pytest.raises(PublicationError, match="déjà publié"):
        committee_publish(CommitteeReview.objects.get())


def test_a_rectificatif_corrects_in_the_open(committee_client, citizen, two_voices):
    review = CommitteeReview.objects.get()
    committee_client.post(
        reverse("admin:assessments_committeereview_correct", args=[review.pk]),
        {"reason": "Note du fret oubliée."},
    )
    assessment = Assessment.objects.get(proposal__key="fret")
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    data = {"proposal": assessment.proposal_id, "year": 2025, "grade": 1, "comment": "Rien n'a bougé.", "fidelity": ""}
    data |= {"sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}
    assert committee_client.post(url, data).status_code == 302
    # Until the rectificatif is published, the public still reads version 1.
    assert "Rien n&#x27;a bougé." not in citizen.get("/propositions/fret/").content.decode()

    committee_client.post(reverse("admin:assessments_committeereview_publish", args=[review.pk]), {"confirm": "1"})
    run_queued_publications()

    assert review.versions.count() == 2
    page = citizen.get("/propositions/fret/").content.decode()
    assert "1/10" in page and "Rien n&#x27;a bougé." in page
    assert "Rectifié le" in page and "Note du fret oubliée." in page
    review_page = citizen.get("/bilans/2025/").content.decode()
    assert "Note du fret oubliée." in review_page
    # Version 1 stays on record.
    assert review.versions.get(number=1).entries.get(key="fret").grade is None


def test_a_rectificatif_needs_a_reason(two_voices):
    with pytest.raises(PublicationError, match="motif"):
        committee_open_correction(CommitteeReview.objects.get(), reason="  ")


def test_the_reviews_stored_documents_do_not_change_when_the_committee_publishes(citizen, db):
    build_two_voices(publish=False, documents=True)
    before = dict(ReviewDocument.objects.values_list("fmt", "sha256"))

    make_assessment(make_proposal(), 2024, 5)
    from tests.factory import publish_committee

    publish_committee(2025)

    assert dict(ReviewDocument.objects.values_list("fmt", "sha256")) == before
    response = citizen.get("/bilans/2025.csv")
    assert b"avis_note" not in b"".join(response.streaming_content if response.streaming else [response.content])


def test_the_review_json_carries_the_committee_averages_it_had_when_published(citizen, db):
    from reports.models import AnnualReview

    build_two_voices(documents=True)  # the review was published before the committee: its JSON has none
    assert "committee" not in json.loads(citizen.get("/bilans/2025.json").content)
    review = AnnualReview.objects.get(year=2025)
    review_open_correction(review, reason="Ajouter l'avis du comité.")
    review_publish(review)

    committee = json.loads(citizen.get("/bilans/2025.json").content)["committee"]

    assert committee["totals"] == {"average": 4.6, "graded": 5, "ungraded": 1}  # (6+3+4+2+8)/5
    assert committee["axes"][0] == {"slug": "climat", "average": 4.3, "graded": 3, "ungraded": 1}
    rectificatif = citizen.get("/bilans/2025.pdf").content
    pdf = " ".join(pdf_text(rectificatif).split())
    assert "Note moyenne du comité" in pdf and "4,3 sur 10" in pdf
    assert conformance_failures(rectificatif) == []  # the committee's voice is tagged as the rest
    version_1 = " ".join(pdf_text(citizen.get("/bilans/2025/v1.pdf").content).split())
    assert "Note moyenne du comité" not in version_1
