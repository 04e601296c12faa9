"""A year without a status of its own is published only when the clerk says so explicitly:
the confirmation page says how many statuses the year has."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.models import AnnualReview
from tests.factory import make_axis, make_proposal, make_review, run_queued_publications, set_status

pytestmark = pytest.mark.django_db


def publish_url(review):
    return reverse("admin:reports_annualreview_publish", args=[review.pk])


@pytest.fixture
def empty_year():
    set_status(make_proposal(make_axis()), 2025, "implemented")
    make_review(2025)
    return make_review(2026, published=False)


def test_the_confirmation_says_that_the_year_has_no_status_and_asks_to_acknowledge_it(clerk_client, empty_year):
    page = clerk_client.post(publish_url(empty_year)).content.decode()

    assert "Aucun statut saisi pour 2026" in page
    assert 'type="checkbox" name="no_status_acknowledged"' in page


def test_without_the_acknowledgement_the_empty_year_is_not_published(clerk_client, empty_year):
    response = clerk_client.post(publish_url(empty_year), {"confirm": "1"})

    assert response.status_code == 200
    assert "Aucun statut n&#x27;a été saisi pour 2026" in response.content.decode()
    assert not AnnualReview.objects.get(year=2026).is_published


def test_with_the_acknowledgement_the_empty_year_is_published(clerk_client, empty_year):
    response = clerk_client.post(publish_url(empty_year), {"confirm": "1", "no_status_acknowledged": "on"})

    assert response.status_code == 302
    assert run_queued_publications() == 1  # what `manage.py db_worker` does
    assert AnnualReview.objects.get(year=2026).is_published


def test_a_year_with_statuses_says_how_many_and_asks_nothing_more(clerk_client, empty_year):
    for _ in range(3):
        set_status(make_proposal(make_axis()), 2026, "underway")

    page = clerk_client.post(publish_url(empty_year)).content.decode()
    response = clerk_client.post(publish_url(empty_year), {"confirm": "1"})

    assert "3 statuts saisis pour 2026" in page
    assert "no_status_acknowledged" not in page
    assert response.status_code == 302
    assert run_queued_publications() == 1
    assert AnnualReview.objects.get(year=2026).is_published


def test_the_command_refuses_an_empty_year_unless_told(empty_year):
    with pytest.raises(CommandError, match="Aucun statut"):
        call_command("publish_review", "2026", verbosity=0)
    assert not AnnualReview.objects.get(year=2026).is_published

    call_command("publish_review", "2026", "--no-status-acknowledged", verbosity=0, stdout=None)

    assert AnnualReview.objects.get(year=2026).is_published
