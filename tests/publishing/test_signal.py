"""Both kinds of record announce their publication once, inside its transaction, with the
version published and the one it replaces."""

import pytest
from django.db import transaction

from proposals.models import Status
from publishing.signals import published
from tests.factory import make_assessment, make_proposal, make_review, publish_committee, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcements():
    heard = []

    def listen(sender, record, version, previous, **kwargs):
        heard.append((sender.__name__, record.year, version.number, previous and previous.number))
        assert transaction.get_connection().in_atomic_block

    published.connect(listen)
    yield heard
    published.disconnect(listen)


def test_a_review_and_its_rectificatif_are_announced(announcements):
    set_status(make_proposal(), 2025, Status.IMPLEMENTED)
    review = make_review(2025)
    review.open_correction("Erreur de saisie")
    review.publish(with_documents=False)

    assert announcements == [("AnnualReview", 2025, 1, None), ("AnnualReview", 2025, 2, 1)]


def test_the_committee_year_is_announced(announcements):
    make_assessment(make_proposal(), 2025, 3)
    publish_committee(2025)

    assert announcements == [("CommitteeReview", 2025, 1, None)]
