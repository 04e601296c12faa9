import re

import pytest

from tests.factory import make_convention, make_review

pytestmark = pytest.mark.django_db


def test_the_table_has_a_row_per_proposal_linking_to_its_page(citizen, clermont):
    response = citizen.get("/propositions/")

    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'href="/propositions/[a-z0-9-]+/"', html)) == 40
    assert 'href="/propositions/eco-vegetalisation/"' in html
    assert "Intensifier la végétalisation des espaces publics et privés" in html


def test_a_proposal_page_shows_its_2025_status(citizen, clermont):
    response = citizen.get("/propositions/eco-plu/")

    assert response.status_code == 200
    assert "En cours" in response.content.decode()


def test_an_unknown_proposal_is_not_found(citizen, clermont):
    assert citizen.get("/propositions/nexiste-pas/").status_code == 404


@pytest.mark.parametrize("size", [40, 400])
def test_the_tables_query_count_does_not_grow_with_the_proposals(citizen, django_assert_num_queries, size):
    make_convention(size)
    make_review(2025)

    with django_assert_num_queries(3):  # the year, the proposals with their status, their projects
        response = citizen.get("/propositions/")

    assert response.content.decode().count('href="/propositions/gen-') == size
