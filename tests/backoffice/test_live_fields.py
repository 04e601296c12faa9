"""Editors save a proposal's live fields (title, summary…) freely, even when its statuses sit in
a published year: the read-only status rows on its page are shown, not validated nor saved,
while the year's lock still holds on every real write."""

import pytest
from django.urls import reverse

from proposals.models import YearlyStatus
from tests.backoffice.helpers import form_data
from tests.conftest import logged_in
from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    proposal = make_proposal(make_axis(), key="eco-velo", title="Développer le vélo")
    set_status(proposal, 2025, "underway", explanation="Les travaux commencent.")
    make_review(2025)
    return proposal


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_a_proposal_with_a_status_in_a_published_year_is_saved(request, proposal, role):
    client = logged_in(request.getfixturevalue(role))
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = form_data(client.get(url))
    data["title"] = "Développer le vélo dans toute la ville"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    proposal.refresh_from_db()
    assert proposal.title == "Développer le vélo dans toute la ville"


def test_the_status_rows_on_the_proposal_page_write_nothing(editor_client, proposal):
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = form_data(editor_client.get(url))
    row = next(name for name in data if name.endswith("-0-id"))
    data[row.replace("-id", "-explanation")] = "Réécrit depuis la proposition"
    data[row.replace("-id", "-status")] = "implemented"

    editor_client.post(url, data)

    assert YearlyStatus.objects.get().explanation == "Les travaux commencent."
    assert YearlyStatus.objects.get().status == "underway"


def test_the_published_years_status_itself_stays_locked(editor_client, proposal):
    yearly = YearlyStatus.objects.get()
    url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])

    editor_client.post(url, {**form_data(editor_client.get(url)), "status": "implemented"})

    assert YearlyStatus.objects.get().status == "underway"
