"""Every public page runs a small, fixed number of queries, whatever the number of proposals."""

import pytest
from django.db import transaction

from tests.factory import make_convention, make_key_figure, make_review

pytestmark = pytest.mark.django_db

PAGES = {
    # url: expected queries; every HTML page also reads the convention (its name, once per request)
    "/": 3,  # the published years, the year's frozen figures, the convention
    # the convention, the years (each with the committee's published version), the axes, the
    # institutions, the count (only when the rows fill more than a page: see ONE_PAGE), the page of
    # proposals with their status, their projects, their institutions
    "/propositions/": 8,
    "/propositions/?statut=implemented&annee=2025&q=generee&tri=-statut": 8,
    # eight words found nowhere: the convention, years, axes, institutions, the count; none per word
    "/propositions/?q=proposition+generee+une+deux+trois+quatre+cinq+six": 5,
    # the convention, years, proposal, projects, institutions, its published statuses, the
    # proposals of its axis in order (previous, next), the committee's published assessments
    "/propositions/gen-2025-5/": 8,
    "/projets/": 4,  # the convention, projects with their institution, their proposals, the axes
    "/projets/grand-projet/": 6,  # the convention, year, project, partners, key figures, proposals with status
    # the years (with the committee's version), the axes, the institutions, the proposals, projects,
    # institutions
    "/propositions.csv": 6,
    "/propositions.json": 6,
    "/donnees/": 3,  # the convention, the year, the institutions
    "/donnees/datapackage.json": 2,  # the convention, the published versions
    # the convention, the first and latest publications, the committee's latest, the versions,
    # the documents (never their bytes)
    "/donnees/catalogue.jsonld": 5,
    "/accessibilite/": 1,  # the convention
    "/flux/": 4,  # the convention, the published years, their statuses, the rectificatifs
    "/sitemap.xml": 6,  # a count and a page of proposals, the same for projects and reviews
}


# The first page of a table whose rows all fit on it: the rows are counted without a query.
ONE_PAGE = {40: {"/propositions/": 7, "/propositions/?statut=implemented&annee=2025&q=generee&tri=-statut": 7}}


@pytest.fixture(scope="module", params=[40, 400])
def convention(request, django_db_setup, django_db_blocker):
    """Built once for each size, as Django's `setUpTestData` builds a class's data: in a
    transaction rolled back after the module's tests of that size, each test's own writes
    rolled back to a savepoint within it (pytest-django's `db`), so no test sees another's."""
    with django_db_blocker.unblock(), transaction.atomic():
        proposals = make_convention(request.param)
        project = proposals[0].projects.get()
        project.slug = "grand-projet"
        project.save()
        make_key_figure(project, value=25000, unit="€")
        make_key_figure(project, value="2.5", unit="ha")
        make_review(2024)
        make_review(2025)
        yield request.param
        transaction.set_rollback(True)


def test_a_missing_proposal_costs_two_queries(citizen, django_assert_num_queries, convention):
    with django_assert_num_queries(3):  # the year, the proposal, the convention (the page's title)
        response = citizen.get("/propositions/inconnue/")

    assert response.status_code == 404


@pytest.mark.parametrize("url, queries", PAGES.items())
def test_the_page_runs_a_fixed_number_of_queries(citizen, django_assert_num_queries, convention, url, queries):
    with django_assert_num_queries(ONE_PAGE.get(convention, {}).get(url, queries)):
        response = citizen.get(url)

    assert response.status_code == 200
