"""The projects: /projets/ grouped by axis, and each focus page /projets/<slug>/."""

import re

import pytest

from proposals.templatetags.proposals_extras import fr_number, with_unit
from tests.factory import make_key_figure, make_project

pytestmark = pytest.mark.django_db

NNBSP = "\u00a0"  # Django 5.2 French thousands separator (a no-break space)
NBSP = "\u00a0"


def text(response) -> str:
    return re.sub(r"[ \t\n]+", " ", response.content.decode())


def test_the_list_groups_projects_under_every_axis_they_serve(citizen, small_world):
    make_project(slug="orphelin", title="Projet sans proposition")
    page = text(citizen.get("/projets/"))

    eco, soc, other = (page.index(f'<h2 id="axe-{slug}">') for slug in ["ecologique", "sociale", "aucun"])
    assert eco < soc < other
    # «Guichet» serves both axes: listed under each.
    assert page.count('href="/projets/guichet/"') == 2
    assert page.count('href="/projets/parcs-urbains/"') == 1
    assert page.index('href="/projets/orphelin/"') > other
    assert "Réalisé" in page


def test_the_clermont_projects_are_all_listed(citizen, clermont):
    response = citizen.get("/projets/")

    assert response.status_code == 200
    assert "26 projets mettent en œuvre" in text(response)


def test_a_focus_page_shows_its_text_key_figures_and_proposals(citizen, clermont):
    page = text(citizen.get("/projets/parcs-urbains/"))

    assert "<h1>Nouveaux parcs urbains</h1>" in page
    assert "Le parc de la Muraille est en travaux." in page
    assert f"<strong>2,5{NBSP}ha</strong> <span>Parc Saint-Jean</span>" in page
    assert f"<strong>1{NBSP}ha</strong>" in page
    assert 'href="/propositions/eco-vegetalisation/">Intensifier la végétalisation' in page
    assert '<span class="badge badge-implemented">Mise en œuvre</span>' in page


def test_money_is_written_the_french_way(citizen, clermont):
    slug = "subventions"
    project = make_project(slug=slug, title="Subventions")
    make_key_figure(project, label="par an", value=25000, unit="€", year=2025)
    page = text(citizen.get(f"/projets/{slug}/"))

    assert f'<strong>25{NNBSP}000{NBSP}€</strong> <span>par an</span> <span class="muted">(2025)</span>' in page


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        ("25000.00", "€", f"25{NNBSP}000{NBSP}€"),
        ("2.50", "ha", f"2,5{NBSP}ha"),
        ("6000.00", "", f"6{NNBSP}000"),
        ("66.00", "", "66"),
        ("1234567.25", "€", f"1{NNBSP}234{NNBSP}567,25{NBSP}€"),
        ("0.00", "", "0"),
    ],
)
def test_key_figures_drop_useless_decimals(value, unit, expected):
    assert with_unit(value, unit) == expected


def test_an_empty_figure_reads_as_nothing():
    assert fr_number(None) == ""


def test_an_unknown_project_is_a_french_404(citizen, clermont):
    response = citizen.get("/projets/inconnu/")

    assert response.status_code == 404
    assert "Page introuvable" in text(response)
