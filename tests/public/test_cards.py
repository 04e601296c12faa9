"""Embeddable cards (/propositions/<key>/carte/, /axes/<slug>/carte/): the current status or rate,
the year and a link back, in a small page that any site may frame; every other page still
refuses to be framed. And the snippet to copy, on the proposal's page and the axis' table."""

import html
import re

import pytest

from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> str:
    directives = dict(
        item.strip().split(" ", 1) for item in response["Content-Security-Policy"].split(";") if " " in item.strip()
    )
    return directives["frame-ancestors"]


def assert_framable(response):
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == "*"


def assert_not_framable(response):
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "'none'"


def test_a_proposal_card_shows_its_status_the_year_and_a_link_back(citizen, small_world):
    response = citizen.get("/propositions/eco-vegetalisation/carte/")
    page = response.content.decode()

    assert_framable(response)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in page
    assert "<script" not in page and "style=" not in page
    assert "<h1>Intensifier la végétalisation des espaces publics</h1>" in page
    assert 'Statut au bilan 2025 : <span class="badge badge-implemented">Mise en œuvre</span>' in page
    assert re.search(
        r'<a href="/propositions/eco-vegetalisation/" target="_blank" rel="noopener">[^<]+'
        r'<span class="visually-hidden"> \(nouvel onglet\)</span></a>',
        page,
    )
    assert '<meta name="robots" content="noindex">' in page


def test_a_card_never_shows_a_draft_year(citizen, small_world):
    page = citizen.get("/propositions/eco-velo/carte/").content.decode()

    assert "Statut au bilan 2025" in page
    assert "Non mise en œuvre à ce jour" in page
    assert "2026" not in page


def test_a_proposal_the_review_does_not_count_reads_not_assessed(citizen, small_world):
    make_proposal(small_world["eco"], key="eco-nouvelle", title="Une proposition ajoutée après le bilan")

    page = citizen.get("/propositions/eco-nouvelle/carte/").content.decode()

    assert 'Statut au bilan 2025 : <span class="badge badge-not-assessed">Non évaluée</span>' in page


def test_before_any_review_a_card_says_none_is_published(citizen, db):
    axis = make_axis(slug="mobilite", name="Mobilités")
    proposal = make_proposal(axis, key="bancs", title="Des bancs")
    set_status(proposal, 2025, "implemented")
    make_review(2025, published=False, documents=False)

    for url in ("/propositions/bancs/carte/", "/axes/mobilite/carte/"):
        page = citizen.get(url).content.decode()
        assert "Aucun bilan n'est encore publié." in page, url
        assert "Mise en œuvre" not in page and "2025" not in page, url


def test_an_axis_card_shows_the_rate_of_the_latest_review(citizen, clermont):
    response = citizen.get("/axes/ecologique/carte/")
    page = response.content.decode()

    assert_framable(response)
    assert "<h1>Transition écologique</h1>" in page
    assert "Propositions mises en œuvre au bilan 2025 : <strong>14 sur 16 · 87,5\u00a0%</strong>" in page
    assert '<a href="/propositions/?axe=ecologique" target="_blank" rel="noopener">' in page
    assert "<script" not in page


def test_an_axis_the_review_does_not_count_says_so(citizen, small_world):
    make_axis(slug="nouvel-axe", name="Un axe ajouté après le bilan")

    page = citizen.get("/axes/nouvel-axe/carte/").content.decode()

    assert "Le bilan 2025 ne compte encore aucune de ses propositions." in page
    assert " sur " not in page


@pytest.mark.parametrize(
    "url", ["/propositions/nexiste-pas/carte/", "/axes/nexiste-pas/carte/", "/propositions/%C3%A9/carte/"]
)
def test_an_unknown_card_is_a_french_404_that_refuses_to_be_framed(citizen, small_world, url):
    response = citizen.get(url)

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert_not_framable(response)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/propositions/",
        "/propositions/?axe=ecologique",
        "/propositions/eco-vegetalisation/",
        "/propositions/eco-vegetalisation/flux/",
        "/axes/ecologique/flux/",
        "/bilans/2025/",
        "/flux/",
        "/admin/login/",
    ],
)
def test_every_other_page_refuses_to_be_framed(citizen, small_world, url):
    assert_not_framable(citizen.get(url))


def test_a_card_from_the_cache_keeps_its_headers_and_the_page_its_own(citizen, small_world, page_cache):
    for _ in range(2):  # rendered, then from the cache
        card = citizen.get("/propositions/eco-vegetalisation/carte/?utm_source=journal")
        assert_framable(card)
        assert_not_framable(citizen.get("/propositions/eco-vegetalisation/"))
    assert card.content == citizen.get("/propositions/eco-vegetalisation/carte/").content


def test_cards_answer_get_and_head_only(citizen, small_world):
    assert citizen.head("/axes/ecologique/carte/").status_code == 200
    assert citizen.post("/axes/ecologique/carte/").status_code == 405
    assert citizen.post("/propositions/eco-velo/carte/").status_code == 405


def snippet(page: str) -> str:
    """The text to copy, as the reader sees it in the page."""
    match = re.search(r'<textarea id="code-carte"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1))


def test_the_proposal_page_gives_the_snippet_to_copy(citizen, small_world):
    page = citizen.get("/propositions/eco-vegetalisation/").content.decode()

    details = re.search(r"<details>(.*?)</details>", page, re.S).group(1)
    assert "<summary>Afficher ce suivi sur un autre site internet</summary>" in details
    assert '<label for="code-carte">Code HTML de la carte à copier</label>' in details
    assert snippet(page) == (
        '<iframe src="http://testserver/propositions/eco-vegetalisation/carte/" '
        'title="Suivi de la proposition « Intensifier la végétalisation des espaces publics »" '
        'width="320" height="280" loading="lazy"></iframe>'
    )
    assert '<a href="/propositions/eco-vegetalisation/carte/">Voir la carte</a>' in details


def test_a_title_cannot_break_out_of_the_snippet(citizen, small_world):
    make_proposal(small_world["eco"], key="eco-guillemets", title='Des "arbres" <b>partout</b> & ailleurs')

    page = citizen.get("/propositions/eco-guillemets/").content.decode()

    assert "<b>partout</b>" not in page
    assert 'title="Suivi de la proposition « Des &quot;arbres&quot; &lt;b&gt;partout&lt;/b&gt; &amp; ailleurs »"' in (
        snippet(page)
    )


def test_the_table_of_one_axis_gives_its_snippet(citizen, small_world):
    page = citizen.get("/propositions/?axe=sociale").content.decode()

    assert snippet(page) == (
        '<iframe src="http://testserver/axes/sociale/carte/" '
        'title="Suivi des propositions, axe de transition « Transition sociale »" '
        'width="320" height="280" loading="lazy"></iframe>'
    )
    assert '<a href="/axes/sociale/flux/" type="application/atom+xml">' in page
    assert "code-carte" not in citizen.get("/propositions/").content.decode()


def test_the_feed_and_the_card_are_offered_in_plain_words(citizen):
    proposal = make_proposal(make_axis(), key="plain")

    page = citizen.get(f"/propositions/{proposal.key}/").content.decode()

    assert "flux Atom" not in page and "Intégrer" not in page
    assert "application de lecture d'actualités" in page
    assert "<summary>Afficher ce suivi sur un autre site internet</summary>" in page
