"""A rectificatif in preparation: editors and clerks preview it; its confirmation says what it does."""

import pytest
from django.urls import reverse

from proposals.models import Status, YearlyStatus
from reports.models import AnnualReview
from reports.publication import review_open_correction
from tests.factory import make_axis, make_proposal, make_review, set_status

from ..conftest import logged_in

pytestmark = pytest.mark.django_db

REASON = "Les pistes cyclables sont ouvertes."


@pytest.fixture
def correction(clerk):
    """The 2025 review published (1 sur 2), then a rectificatif opened and a status corrected (2 sur 2)."""
    axis = make_axis(name="Climat", slug="climat")
    trees = make_proposal(axis, key="arbres", title="Planter des arbres")
    bikes = make_proposal(axis, key="velos", title="Des pistes cyclables")
    set_status(trees, 2025, Status.IMPLEMENTED)
    set_status(bikes, 2025, Status.UNDERWAY)
    review = make_review(2025)
    review_open_correction(review, reason=REASON, user=clerk)
    YearlyStatus.objects.filter(proposal=bikes, year=2025).update(status=Status.IMPLEMENTED)
    return AnnualReview.objects.get(year=2025)


@pytest.mark.parametrize("actor", ["editor", "clerk"])
def test_editors_and_clerks_see_the_rectificatif_in_preparation(request, correction, actor):
    page = logged_in(request.getfixturevalue(actor)).get("/bilans/2025/?apercu=rectificatif").content.decode()

    assert "Rectificatif en préparation : la version 1 reste publiée" in page
    assert "2 sur 2" in page


def test_the_public_keeps_reading_the_published_record(citizen, correction):
    page = citizen.get("/bilans/2025/?apercu=rectificatif").content.decode()

    assert "1 sur 2" in page and "Aperçu" not in page


def test_the_rectificatif_confirmation_names_its_version_and_reason(clerk_client, correction):
    response = clerk_client.post(reverse("admin:reports_annualreview_publish", args=[correction.pk]))
    page = response.content.decode()

    assert "Publier le rectificatif du bilan 2025" in page
    assert "version 2" in page and REASON in page
    assert "?apercu=rectificatif" in page
    assert "devient l'année affichée par défaut" not in page


def test_a_first_publication_confirmation_keeps_its_own_text(clerk_client):
    draft = make_review(2025, published=False)

    page = clerk_client.post(reverse("admin:reports_annualreview_publish", args=[draft.pk])).content.decode()

    assert "devient l'année affichée par défaut" in page
    assert "version 1" not in page and "Motif publié" not in page
