"""A proposal's page /propositions/<key>/: texts, yearly timeline, projects, neighbours."""

import re

import pytest

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_table_has_a_row_per_proposal_linking_to_its_page(citizen, clermont):
    html = citizen.get("/propositions/").content.decode()

    assert len(re.findall(r'<th scope="row"[^>]*>.*?href="/propositions/[a-z0-9-]+/"', html)) == 40
    assert 'href="/propositions/eco-vegetalisation/"' in html


def test_a_clermont_proposal_shows_its_2025_status_and_source(citizen, clermont):
    page = text(citizen.get("/propositions/eco-plu/"))

    assert "<h1>Mieux penser les constructions en ville via le Plan local d" in page
    assert 'Statut au bilan 2025</dt><dd><span class="badge badge-underway">En cours</span>' in page
    assert '<li id="suivi-2025">' in page
    assert 'href="https://clermontparticipatif.fr/blog/resultats-de-la-convention-citoyenne-clermontoise"' in page
    assert '<time datetime="2025-08-29">29 août 2025</time>' in page


def test_the_timeline_lists_published_years_newest_first_with_explanations(citizen, small_world):
    page = text(citizen.get("/propositions/eco-vegetalisation/"))

    assert page.index('id="suivi-2025"') < page.index('id="suivi-2024"')
    assert "Trois parcs ouverts." in page
    assert "Les travaux commencent." in page
    assert "Délibération du conseil municipal 2024" in page
    assert "15 décembre 2024" in page


def test_a_draft_years_status_never_appears(citizen, small_world):
    page = text(citizen.get("/propositions/eco-velo/"))

    assert "SECRET-BROUILLON" not in page
    assert "suivi-2026" not in page
    assert 'Statut au bilan 2025</dt><dd><span class="badge badge-not-implemented">' in page


def test_it_shows_the_axis_institution_and_projects_with_their_state(citizen, small_world):
    page = text(citizen.get("/propositions/eco-vegetalisation/"))

    assert '<a href="/propositions/?axe=ecologique">Transition écologique</a>' in page
    assert "<dd>Ville</dd>" in page
    parks = '<a href="/projets/parcs-urbains/">Nouveaux parcs urbains</a> <span class="badge badge-state-delivered">'
    assert parks + "Réalisé" in page
    counter = '<a href="/projets/guichet/">Guichet des démarches</a> <span class="badge badge-state-in-progress">'
    assert counter + "En cours" in page


def test_an_untitled_unassessed_proposal_says_so_without_inventing(citizen, small_world):
    page = text(citizen.get("/propositions/eco-sans-titre/"))

    assert '<h1 class="untitled">Intitulé à compléter</h1>' in page
    assert '<span class="badge badge-not-assessed">Non évaluée</span>' in page
    assert "Cette proposition n'a encore été évaluée dans aucun bilan publié." in page
    assert "Aucun projet n'est rattaché à cette proposition" in page


def test_it_links_to_the_previous_and_next_proposals_of_the_axis(citizen, small_world):
    middle = text(citizen.get("/propositions/eco-velo/"))
    assert 'href="/propositions/eco-vegetalisation/" rel="prev"' in middle
    assert 'href="/propositions/eco-sans-titre/" rel="next"' in middle

    first = text(citizen.get("/propositions/eco-vegetalisation/"))
    assert 'rel="prev"' not in first
    # The last of its axis: nothing "next", even though another axis follows.
    last = text(citizen.get("/propositions/eco-sans-titre/"))
    assert 'rel="next"' not in last
    assert "soc-demarches" not in last


def test_an_unknown_proposal_is_a_french_404(citizen, clermont):
    response = citizen.get("/propositions/nexiste-pas/")

    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in text(response)
