"""Publishing a review: clerks only, by POST only, after a confirmation."""

import pytest
from django.urls import reverse

from reports.models import AnnualReview
from tests.factory import make_axis, make_proposal, make_review, run_queued_publications, set_status
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db


def build_draft():
    make_review(2024)
    set_status(make_proposal(make_axis()), 2025, "implemented")  # a year with a status of its own
    return make_review(2025, published=False)


@pytest.fixture
def draft():
    return replayed(build_draft)


def publish_url(review):
    return reverse("admin:reports_annualreview_publish", args=[review.pk])


def test_a_get_publishes_nothing(clerk_client, draft):
    assert clerk_client.get(publish_url(draft)).status_code == 302
    draft.refresh_from_db()
    assert not draft.is_published


@pytest.mark.parametrize("actor", ["editor_client", "superuser_client"])
def test_the_change_page_shows_the_button_only_to_publishers(request, clerk_client, draft, actor):
    url = reverse("admin:reports_annualreview_change", args=[draft.pk])
    assert publish_url(draft) in clerk_client.get(url).content.decode()
    page = request.getfixturevalue(actor).get(url).content.decode()
    assert (publish_url(draft) in page) == (actor == "superuser_client")


def test_it_rejects_non_clerks(editor_client, draft):
    response = editor_client.post(publish_url(draft), {"confirm": "1"})

    assert response.status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published


def test_anonymous_is_sent_to_the_login_page(citizen, draft):
    response = citizen.post(publish_url(draft), {"confirm": "1"})

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert AnnualReview.objects.latest_published_year() == 2024


def test_the_button_asks_for_a_confirmation_first(clerk_client, draft):
    response = clerk_client.post(publish_url(draft))

    assert response.status_code == 200
    assert "Oui, publier le bilan 2025" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def test_a_clerk_publishes_the_year(clerk_client, citizen, draft):
    assert citizen.get("/bilans/2025/").status_code == 404

    response = clerk_client.post(publish_url(draft), {"confirm": "1"})

    assert response.status_code == 302
    assert run_queued_publications() == 1
    draft.refresh_from_db()
    assert draft.is_published
    assert AnnualReview.objects.latest_published_year() == 2025
    assert citizen.get("/bilans/2025/").status_code == 200
    record = draft.history.first()
    assert record.history_user.username == "greffe" and record.published_at is not None


def test_the_review_page_links_the_preview_and_every_document(clerk_client, draft):
    page = clerk_client.get(reverse("admin:reports_annualreview_change", args=[draft.pk])).content.decode()

    assert 'href="/bilans/2025/"' in page
    for ext in ["pdf", "xlsx", "ods", "csv", "json"]:
        assert f'href="/bilans/2025.{ext}"' in page
