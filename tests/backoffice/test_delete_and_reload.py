"""A superuser deletes a yearly status of an unpublished year with its sources, after one
confirmation page; reloading the publish confirmation page never gives a blank 405."""

import pytest
from django.urls import reverse

from proposals.models import Source, YearlyStatus
from tests.factory import make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def yearly():
    make_review(2025, published=False)
    return set_status(make_proposal(key="velo"), 2025, "implemented")


def test_the_delete_confirmation_lists_the_sources_that_go(superuser_client, yearly):
    url = reverse("admin:proposals_yearlystatus_delete", args=[yearly.pk])

    page = superuser_client.get(url)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Délibération du conseil municipal 2025" in text  # the source is listed
    assert page.context["perms_lacking"] == set()


def test_a_superuser_deletes_a_yearly_status_with_its_sources(superuser_client, yearly):
    url = reverse("admin:proposals_yearlystatus_delete", args=[yearly.pk])

    response = superuser_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not YearlyStatus.objects.exists()
    assert not Source.objects.exists()


def test_reloading_the_publish_confirmation_redirects_to_the_review(clerk_client):
    review = make_review(2025, published=False)
    url = reverse("admin:reports_annualreview_publish", args=[review.pk])

    response = clerk_client.get(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_annualreview_change", args=[review.pk])
    review.refresh_from_db()
    assert not review.is_published
