"""Every public page runs a small, fixed number of queries, whatever the number of proposals."""

import pytest

from tests.factory import make_convention, make_key_figure, make_review

pytestmark = pytest.mark.django_db

PAGES = {
    # url: expected queries
    "/": 3,  # the published years, the year's frozen figures, the convention
    "/propositions/": 5,  # the years, the axes, the count, the page of proposals with their status, their projects
    "/propositions/?statut=implemented&annee=2025&q=generee&tri=-statut": 5,
    "/propositions/gen-2025-5/": 6,  # years, proposal, projects, its published statuses, previous, next
    "/projets/": 3,  # projects, their proposals, the axes
    "/projets/grand-projet/": 4,  # year, project, key figures, proposals with status
    "/propositions.csv": 4,
    "/propositions.json": 4,
    "/donnees/": 1,
    "/accessibilite/": 0,
    "/flux/": 3,  # the published years, their statuses with their proposal, the rectificatifs
    "/sitemap.xml": 6,  # a count and a page of proposals, the same for projects and reviews
}


@pytest.fixture(params=[40, 400])
def convention(request):
    proposals = make_convention(request.param)
    project = proposals[0].projects.get()
    project.slug = "grand-projet"
    project.save()
    make_key_figure(project, value=25000, unit="€")
    make_key_figure(project, value="2.5", unit="ha")
    make_review(2024)
    make_review(2025)
    return request.param


def test_a_missing_proposal_costs_two_queries(citizen, django_assert_num_queries, convention):
    with django_assert_num_queries(2):  # the year, the proposal
        response = citizen.get("/propositions/inconnue/")

    assert response.status_code == 404


@pytest.mark.parametrize("url, queries", PAGES.items())
def test_the_page_runs_a_fixed_number_of_queries(citizen, django_assert_num_queries, convention, url, queries):
    with django_assert_num_queries(queries):
        response = citizen.get(url)

    assert response.status_code == 200
