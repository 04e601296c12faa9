import pytest
from django.core.management import call_command

from proposals.models import Proposal, YearlyStatus
from reports.models import AnnualReview

pytestmark = pytest.mark.django_db


def test_it_loads_the_convention_into_an_empty_database():
    call_command("seed", "clermont", verbosity=0)

    assert Proposal.objects.count() == 40
    # The review the fixture gives as published is frozen, as published, once.
    review = AnnualReview.objects.get(year=2025)
    version = review.versions.get()
    assert version.number == 1 and version.published_at == review.published_at
    assert version.entries.count() == 40


def test_a_second_start_keeps_the_back_offices_changes():
    call_command("seed", "clermont", verbosity=0)
    AnnualReview.objects.get(year=2025).open_correction("Un statut à corriger.")  # 2025 is published
    status = YearlyStatus.objects.get(proposal__key="eco-plu", year=2025)
    status.status = "implemented"
    status.save()

    call_command("seed", "clermont", verbosity=0)

    status.refresh_from_db()
    assert status.status == "implemented"
    assert Proposal.objects.count() == 40
