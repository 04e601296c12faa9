"""A row of the tracking table is rendered once per process and shown again on every table that
lists it (`public_site.table.table_body`): the row kept is exactly the one each table must show,
never a row of another search, of another naming of the axes, or of a year with or without the
committee's column."""

import re

import pytest

from proposals.models import Convention
from tests.factory import make_assessment, make_proposal, make_review, publish_committee, set_status

pytestmark = pytest.mark.django_db


def row(page: str, key: str) -> str:
    """The <tr> of the proposal `key` in the table `page`."""
    return next(tr for tr in re.findall(r"<tr>.*?</tr>", page, re.S) if f'href="/propositions/{key}/"' in tr)


def table(client, query: str = "") -> str:
    response = client.get(f"/propositions/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_row_shown_after_a_search_is_shown_without_the_searched_words_marked(citizen):
    make_proposal(key="arbres", title="Planter des arbres")
    make_review(2025)

    assert "<mark>arbres</mark>" in row(table(citizen, "?q=arbres"), "arbres")
    assert "<mark>" not in row(table(citizen), "arbres")
    assert "<mark>arbres</mark>" in row(table(citizen, "?q=arbres"), "arbres")


def test_a_row_names_the_axis_as_the_convention_does_after_a_change(citizen):
    make_proposal(key="arbres", title="Planter des arbres")
    make_review(2025)
    Convention.objects.create(pk=1, name="Convention essai", axis_name="axe", axis_name_plural="axes")
    assert 'data-label="Axe"' in row(table(citizen), "arbres")

    Convention.objects.filter(pk=1).update(axis_name="thème", axis_name_plural="thèmes")

    renamed = row(table(citizen), "arbres")
    assert 'data-label="Thème"' in renamed
    assert 'data-label="Axe"' not in renamed


def test_the_same_row_has_the_committee_column_only_in_a_year_the_committee_assessed(citizen):
    """Same status, same axis in both years: only the committee's column tells the rows apart."""
    arbres = make_proposal(key="arbres", title="Planter des arbres")
    velo = make_proposal(arbres.axis, key="velo", title="Des pistes cyclables")
    for year in (2024, 2025):
        set_status(arbres, year, "implemented")
        set_status(velo, year, "underway")
        make_review(year)
    make_assessment(velo, 2025, 7)
    publish_committee(2025)

    assessed_year = row(table(citizen, "?annee=2025"), "arbres")
    year_before = row(table(citizen, "?annee=2024"), "arbres")

    assert "Non évaluée par le comité" in assessed_year
    assert 'data-label="Avis du comité"' not in year_before
    assert "Non évaluée par le comité" in row(table(citizen, "?annee=2025"), "arbres")
