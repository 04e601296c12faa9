"""The public pages as a whole: home, statements, error pages, titles, navigation."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/propositions/",
    "/propositions/?axe=sociale",
    "/propositions/eco-vegetalisation/",
    "/propositions/eco-nonpubliee-1/",
    "/projets/",
    "/projets/parcs-urbains/",
    "/donnees/",
    "/accessibilite/",
]


def text(response) -> str:
    return re.sub(r"[ \t\n]+", " ", response.content.decode())


def test_the_home_page_gives_the_latest_rates_per_axis(citizen, clermont):
    page = text(citizen.get("/"))

    assert "Propositions mises en œuvre au bilan 2025" in page
    for rate in ["14 sur 16 · 87,5", "11 sur 13 · 84,6", "9 sur 11 · 81,8", "34 sur 40 · 85,0"]:
        assert rate + "\u00a0%" in page
    assert '<meter min="0" max="100" value="87.5" aria-hidden="true">' in page
    assert '<a class="rate-name" href="/propositions/?axe=ecologique">Transition écologique</a>' in page
    assert 'href="/bilans/2025/"' in page
    assert "70 habitantes et habitants tirés au sort" in page


def test_the_home_page_without_a_published_review_shows_no_rates(citizen, db):
    page = text(citizen.get("/"))

    assert "Aucun bilan n'est encore publié" in page
    assert "<meter" not in page


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_has_one_h1_a_title_and_a_description(citizen, clermont, url):
    response = citizen.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert re.search(r"<title>[^<]+ — Convention citoyenne</title>", html)  # the fixture's short name
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert '<a class="skip-link" href="#contenu">' in html
    assert "<script" not in html


def test_titles_and_descriptions_differ_from_page_to_page(citizen, clermont):
    heads = [
        re.search(r"<title>(.*?)</title>.*?content=\"(.*?)\"", citizen.get(url).content.decode(), re.S).groups()
        for url in PUBLIC_PAGES
    ]
    titles = [title for title, _description in heads]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize(
    "url, current, value",
    [
        ("/", "Accueil", "page"),
        ("/propositions/", "Propositions", "page"),
        ("/propositions/eco-plu/", "Propositions", "true"),
        ("/projets/", "Projets", "page"),
        ("/donnees/", "Données ouvertes", "page"),
    ],
)
def test_the_navigation_marks_the_current_page(citizen, clermont, url, current, value):
    html = citizen.get(url).content.decode()

    assert re.search(rf'aria-current="{value}">{current}</a>', html)
    assert html.count("aria-current=") == 1
    for label in ["Accueil", "Propositions", "Projets", "Bilans", "Données ouvertes"]:
        assert f">{label}</a></li>" in html
    assert 'href="/bilans/"' in html


def test_the_accessibility_statement_is_honest(citizen, db):
    page = text(citizen.get("/accessibilite/"))

    assert "partiellement conforme" in page
    assert "axe-core" in page
    assert "375 et à 1 280 pixels" in page
    assert "clavier" in page
    assert "JavaScript" in page
    assert "Défenseur des droits" in page


def test_an_unknown_page_is_a_helpful_french_404(citizen, db):
    response = citizen.get("/cette-page/nexiste-pas/")

    assert response.status_code == 404
    page = text(response)
    assert "<h1>Page introuvable</h1>" in page
    assert '<form class="search-form" method="get" action="/propositions/"' in page
    assert 'href="/propositions/"' in page
    assert "<title>Page introuvable — " in page


def test_a_server_error_shows_the_french_500_page(db, settings):
    settings.ROOT_URLCONF = "tests.broken_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    page = text(response)
    assert "<h1>Une erreur est survenue</h1>" in page
    assert 'href="/propositions/"' in page
