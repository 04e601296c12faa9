"""A rectificatif: its preview says that version 1 stays published, and a status it changed is
marked on the proposal's page and in its feed, with the date and the reason."""

import pytest
from django.utils import timezone

from proposals.models import Status, YearlyStatus
from reports.formatting import fr_date
from reports.models import AnnualReview
from reports.publication import review_open_correction
from tests.factory import make_axis, make_proposal, make_review, set_status

from ..conftest import logged_in

pytestmark = pytest.mark.django_db

REASON = "Les pistes cyclables sont ouvertes depuis novembre."


@pytest.fixture
def correction(clerk):
    """The 2025 review published (bikes underway), then a rectificatif opened and bikes corrected."""
    axis = make_axis(name="Climat", slug="climat")
    set_status(make_proposal(axis, key="arbres", title="Planter des arbres"), 2025, Status.IMPLEMENTED)
    bikes = make_proposal(axis, key="velos", title="Des pistes cyclables")
    set_status(bikes, 2025, Status.UNDERWAY)
    review = make_review(2025)
    review_open_correction(review, reason=REASON, user=clerk)
    YearlyStatus.objects.filter(proposal=bikes, year=2025).update(status=Status.IMPLEMENTED)
    return AnnualReview.objects.get(year=2025)


def test_the_preview_of_a_rectificatif_says_that_version_1_stays_published(clerk, correction):
    page = logged_in(clerk).get("/bilans/2025/?apercu=rectificatif").content.decode()

    assert "Rectificatif en préparation : la version 1 reste publiée" in page
    assert "n'est pas publié" not in page
    assert REASON in page


def test_a_status_changed_by_a_rectificatif_is_marked_on_the_proposals_page(citizen, correction):
    version = correction.publish(with_documents=False)

    page = citizen.get("/propositions/velos/").content.decode()
    untouched = citizen.get("/propositions/arbres/").content.decode()

    assert f"Statut rectifié le {fr_date(timezone.localdate(version.published_at))}" in page
    assert REASON in page
    assert "Statut rectifié" not in untouched


def test_the_proposals_feed_marks_the_corrected_status_with_its_date_and_reason(citizen, correction):
    version = correction.publish(with_documents=False)

    feed = citizen.get("/propositions/velos/flux/").content.decode()

    assert f"Statut rectifié le {fr_date(timezone.localdate(version.published_at))}" in feed
    assert REASON in feed


def test_a_later_rectificatif_that_keeps_the_status_keeps_the_mark(citizen, correction, clerk):
    version = correction.publish(with_documents=False)
    review_open_correction(correction, reason="Une autre correction", user=clerk)
    correction.refresh_from_db()
    correction.publish(with_documents=False)

    page = citizen.get("/propositions/velos/").content.decode()

    assert f"Statut rectifié le {fr_date(timezone.localdate(version.published_at))}" in page
    assert REASON in page
