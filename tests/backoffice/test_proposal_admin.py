"""The proposals' back office: status as of a year, filters, «À vérifier», query cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import Project
from reports.models import Deliberation
from tests.factory import (
    make_assembly,
    make_axis,
    make_convention,
    make_key_figure,
    make_proposal,
    make_review,
    set_status,
)
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:proposals_proposal_changelist")


def build_convention():
    axis = make_axis(slug="eco", name="Écologie")
    done = make_proposal(axis, key="fait", title="Déjà faite")
    late = make_proposal(axis, key="en-retard", title="")
    never = make_proposal(axis, key="jamais", title="Jamais évaluée")
    set_status(done, 2024, "underway")
    set_status(done, 2025, "implemented")
    set_status(late, 2024, "not_implemented")
    make_review(2024)
    make_review(2025, published=False)  # the draft year is the one being worked on
    return {"done": done, "late": late, "never": never}


@pytest.fixture
def convention():
    return replayed(build_convention)


def keys(response):
    return [p.key for p in response.context["cl"].result_list]


def test_the_list_shows_the_status_as_of_the_latest_review_year(editor_client, convention):
    response = editor_client.get(CHANGELIST)

    assert response.status_code == 200
    statuses = {p.key: p.status_as_of for p in response.context["cl"].result_list}
    assert statuses == {"fait": "implemented", "en-retard": "not_implemented", "jamais": "not_assessed"}
    assert "Mise en œuvre" in response.content.decode()


def test_the_status_filter_applies_to_the_chosen_year(editor_client, convention):
    assert keys(editor_client.get(CHANGELIST, {"statut": "implemented"})) == ["fait"]
    assert keys(editor_client.get(CHANGELIST, {"statut": "underway", "annee": "2024"})) == ["fait"]
    assert keys(editor_client.get(CHANGELIST, {"statut": "not_assessed"})) == ["jamais"]


def test_the_missing_title_filter(editor_client, convention):
    assert keys(editor_client.get(CHANGELIST, {"intitule": "a_completer"})) == ["en-retard"]
    page = editor_client.get(CHANGELIST).content.decode()
    assert "Intitulé à compléter" in page


def test_the_to_check_filter_lists_statuses_older_than_the_latest_review(editor_client, convention):
    response = editor_client.get(CHANGELIST, {"a_verifier": "oui"})

    assert sorted(keys(response)) == ["en-retard", "jamais"]


def test_the_admin_index_counts_the_proposals_to_check(editor_client, clerk_client, convention):
    for client in (editor_client, clerk_client):
        page = client.get(reverse("admin:index")).content.decode()
        assert "2 propositions à vérifier" in page
        assert "?a_verifier=oui" in page


def test_nothing_to_check_without_a_review(editor_client):
    make_proposal()

    assert "à vérifier" not in editor_client.get(reverse("admin:index")).content.decode()


def test_the_proposal_page_links_to_adding_a_yearly_status(editor_client, convention):
    proposal = convention["done"]

    page = editor_client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()

    assert f"{reverse('admin:proposals_yearlystatus_add')}?proposal={proposal.pk}" in page
    assert reverse("admin:proposals_yearlystatus_change", args=[proposal.yearly_statuses.first().pk]) in page


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context)


@pytest.mark.parametrize("params", [{}, {"statut": "implemented"}, {"a_verifier": "oui"}])
def test_the_changelist_costs_the_same_for_40_and_400_proposals(superuser_client, params):
    make_review(2025)
    make_convention(40, year=2025)
    small = _queries(superuser_client, CHANGELIST, **params)
    make_convention(360, year=2024)

    assert _queries(superuser_client, CHANGELIST, **params) == small
    # With the convention, whose name heads every back-office page, and the second factor that
    # verified the session (django-otp reads its device).
    assert small <= 14


@pytest.mark.parametrize(
    "model", ["proposals_yearlystatus", "proposals_project", "proposals_source", "proposals_keyfigure"]
)
def test_the_other_lists_have_no_n_plus_1(superuser_client, model):
    make_convention(10)
    make_key_figure(make_convention(1, year=2024)[0].projects.first())
    url = reverse(f"admin:{model}_changelist")
    small = _queries(superuser_client, url)
    make_convention(60, year=2023)
    for project in Project.objects.all():
        make_key_figure(project)

    assert _queries(superuser_client, url) == small


def test_the_review_lists_have_no_n_plus_1(superuser_client):
    make_review(2024)
    names = ["annualreview", "deliberation"]
    small = {name: _queries(superuser_client, reverse(f"admin:reports_{name}_changelist")) for name in names}
    for year in range(2010, 2024):
        review = make_review(year, published=False)
        Deliberation.objects.create(
            review=review, body=make_assembly("ville"), date=f"{year}-12-01", reference=f"D{year}"
        )
        review.publish(with_documents=False)  # the lists read no document

    for name, count in small.items():
        assert _queries(superuser_client, reverse(f"admin:reports_{name}_changelist")) == count
