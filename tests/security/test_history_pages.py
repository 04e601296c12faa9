"""The «Historique» pages are read-only for everyone, superusers included: django-simple-history's
revert form would save an old version with only the view permission checked, and without the
inlines (the source rule) or the year locks. Its POST answers 405 and changes nothing."""

import pytest
from django.urls import reverse

from tests.conftest import logged_in
from tests.factory import make_axis, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    proposal = make_proposal(make_axis(), key="eco-velo", title="Développer le vélo")
    proposal.title = "Développer le vélo partout"
    proposal.save()
    return proposal


def first_record_url(proposal):
    record = proposal.history.earliest("history_date")
    return reverse("admin:proposals_proposal_simple_history", args=[proposal.pk, record.history_id])


@pytest.mark.parametrize("role", ["clerk", "committee", "editor", "superuser"])
def test_nobody_writes_through_a_history_page(request, proposal, role):
    client = logged_in(request.getfixturevalue(role))
    data = {"key": "eco-velo", "title": "Titre réécrit par l'historique", "axis": proposal.axis_id, "order": 0}

    response = client.post(first_record_url(proposal), data)

    assert response.status_code == 405
    assert "Méthode non autorisée" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "Développer le vélo partout"


def test_a_history_page_shows_an_old_version_without_a_revert_button(superuser_client, proposal):
    response = superuser_client.get(first_record_url(proposal))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Développer le vélo" in page
    assert 'name="_save"' not in page
    assert "Rétablir" not in page
