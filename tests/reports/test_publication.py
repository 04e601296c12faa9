"""Publishing a review: the date is set, the year becomes public and the default year moves."""

import datetime

import pytest
from django.utils import timezone

from proposals.models import Status
from reports.models import AnnualReview
from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


def test_publishing_sets_the_publication_date():
    review = make_review(2026, published=False)
    when = timezone.make_aware(datetime.datetime(2026, 12, 15, 18, 0))

    review.publish(when=when)

    review.refresh_from_db()
    assert review.published_at == when
    assert review.is_published


def test_the_public_default_year_moves_to_the_newly_published_review():
    make_review(2024)
    draft = make_review(2025, published=False)
    assert AnnualReview.objects.latest_published_year() == 2024

    draft.publish()

    assert AnnualReview.objects.latest_published_year() == 2025


def test_a_published_year_becomes_public_on_every_page(citizen):
    set_status(make_proposal(axis=make_axis()), 2025, Status.IMPLEMENTED)
    review = make_review(2025, published=False)
    assert citizen.get("/bilans/2025/").status_code == 404
    assert "Bilan 2025" not in citizen.get("/bilans/").content.decode()

    review.publish()

    assert citizen.get("/bilans/2025/").status_code == 200
    assert citizen.get("/bilans/2025.json").status_code == 200
    assert "Bilan 2025" in citizen.get("/bilans/").content.decode()
    assert "Brouillon" not in citizen.get("/bilans/2025/").content.decode()


def test_publishing_an_earlier_year_afterwards_leaves_the_next_ones_change_as_published(citizen):
    set_status(make_proposal(axis=make_axis()), 2024, Status.IMPLEMENTED)
    make_review(2023)
    make_review(2025)
    review_2024 = make_review(2024, published=False)
    assert "Évolution depuis 2023" in citizen.get("/bilans/2025/").content.decode()

    review_2024.publish()

    # The change is frozen with the 2025 version (tests/reports/test_frozen_change.py).
    assert "Évolution depuis 2023" in citizen.get("/bilans/2025/").content.decode()
