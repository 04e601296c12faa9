"""Search by words, in French, on the Clermont data: the same results on SQLite and PostgreSQL."""

import json
import re

import pytest

from proposals.search import lexemes, search_words, stem
from tests.factory import make_axis, make_project, make_proposal

pytestmark = pytest.mark.django_db


def rows(response) -> list[str]:
    """The proposal keys of the table's rows, in order."""
    return re.findall(r'<th scope="row"[^>]*>.*?href="/propositions/([a-z0-9-]+)/"', response.content.decode())


def search(client, query: str) -> list[str]:
    return rows(client.get("/propositions/", {"q": query}))


@pytest.mark.parametrize("query", ["végétaliser", "végétalisations", "VEGETALISATION", "Végétalisé", "végétalisées"])
def test_a_word_finds_its_other_forms(citizen, clermont, query):
    assert search(citizen, query) == ["eco-vegetalisation"]


@pytest.mark.parametrize("query", ["PLU", "plan local d'urbanisme", "Plan Local d’Urbanisme", "urbanisme"])
def test_the_urbanism_proposal_is_found_by_its_acronym_and_its_words(citizen, clermont, query):
    assert search(citizen, query) == ["eco-plu"]


def test_a_word_is_never_found_inside_another(citizen, clermont):
    # Clermont has no proposal about bikes; «velo» used to find two about «développement».
    assert search(citizen, "velo") == []
    assert search(citizen, "vélo") == []
    assert "soc-garde-enfants" in search(citizen, "développer")


def test_velo_finds_the_bikes_and_not_development(citizen, db):
    axis = make_axis(slug="mobilites", name="Mobilités")
    make_proposal(axis, key="mob-emploi", order=1, title="Développer l'emploi local", summary="Le développement.")
    make_proposal(axis, key="mob-pistes", order=2, title="Des pistes cyclables sûres", summary="Pour le vélo.")
    make_proposal(axis, key="mob-velo", order=3, title="Un vélo pour chaque collégien")

    assert search(citizen, "velo") == ["mob-velo", "mob-pistes"]
    assert search(citizen, "Vélo cyclable") == ["mob-pistes"]


def test_titles_rank_before_summaries_and_texts(citizen, db):
    axis = make_axis()
    make_proposal(axis, key="in-text", order=1, title="Un", text="Un composteur par quartier.")
    make_proposal(axis, key="in-summary", order=2, title="Deux", summary="Des composteurs.")
    make_proposal(axis, key="in-title", order=3, title="Composter les déchets")
    make_proposal(axis, key="elsewhere", order=4, title="Quatre")

    assert search(citizen, "compost") == ["in-title", "in-summary", "in-text"]
    # A chosen sort still wins over the rank.
    by_title = citizen.get("/propositions/", {"q": "compost", "tri": "-titre"})
    assert rows(by_title) == ["in-text", "in-summary", "in-title"]


def test_every_word_must_be_found_somewhere(citizen, clermont):
    assert search(citizen, "plan urbanisme") == ["eco-plu"]
    assert search(citizen, "plan vélo") == []


def test_the_projects_titles_are_searched(citizen, db):
    green = make_proposal(make_axis(), key="eco-nature", title="La nature en ville")
    make_project([green], title="Permis de végétaliser")

    assert search(citizen, "végétalisation") == ["eco-nature"]


def test_the_found_words_are_highlighted_and_escaped(citizen, db):
    proposal = make_proposal(make_axis(), key="eco-toits", title="<b>Végétaliser</b> les toits & les murs")
    make_project([proposal], title="Murs végétalisés")

    page = citizen.get("/propositions/", {"q": "vegetalisation toit"}).content.decode()

    assert "&lt;b&gt;<mark>Végétaliser</mark>&lt;/b&gt; les <mark>toits</mark> &amp; les murs" in page
    assert "Murs <mark>végétalisés</mark></a>" in page
    assert "<b>" not in page


def test_open_data_answers_the_same_search(citizen, clermont):
    data = json.loads(citizen.get("/propositions.json", {"q": "PLU"}).content)
    assert [row["cle"] for row in data["propositions"]] == ["eco-plu"]
    assert json.loads(citizen.get("/propositions.json", {"q": "velo"}).content)["nombre"] == 0
    csv = citizen.get("/propositions.csv", {"q": "végétaliser"}).content.decode()
    assert len(csv.strip().splitlines()) == 2 and "eco-vegetalisation" in csv


@pytest.mark.parametrize(
    "query, message",
    [
        (" ".join("abcdefghi"), "Une recherche compte au plus 8 mots."),
        (" ".join("a" * 100), "Une recherche compte au plus 8 mots."),
        ("a⅒b⅒c⅒d⅒e⅒f⅒g⅒h⅒i", "Une recherche compte au plus 8 mots."),  # «⅒» is «1/10» without accents
        ("végétalisation " * 7, "au plus 100 caractères"),
    ],
)
def test_a_search_too_long_is_refused_before_any_work(citizen, clermont, django_assert_num_queries, query, message):
    with django_assert_num_queries(7):  # the table's queries (its rows fit on one page: no count), none per word
        response = citizen.get("/propositions/", {"q": query})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Certaines valeurs du filtre ne sont pas valables" in page
    assert message in page
    assert len(rows(response)) == 40


def test_eight_words_are_a_search(citizen, clermont):
    assert search(citizen, "le plan local d'urbanisme de la Métropole") == ["eco-plu"]


def test_stop_words_alone_search_nothing():
    assert search_words("de la d'") == []
    assert search_words("Le vélo, du vélo") == ["velo"]
    assert lexemes("Des vélos l'été") == ("ete", "velos")


# Stems PostgreSQL 15 gives (`ts_lexize('french_stem', …)` on words without accents): SQLite's
# stemmer must give the same, or the two databases would find different proposals.
POSTGRESQL_STEMS = {
    "vegetalisation": "vegetalis",
    "vegetaliser": "vegetalis",
    "vegetalisees": "vegetalise",
    "velos": "velos",
    "developpement": "developp",
    "urbanisme": "urban",
    "urbanistique": "urbanist",
    "mobilites": "mobilit",
    "collectives": "collect",
    "associations": "associ",
    "habitants": "habit",
    "biologiques": "biolog",
    "alimentation": "aliment",
    "citoyennete": "citoyennet",
    "participative": "particip",
    "quartiers": "quarti",
    "energetique": "energet",
    "renovation": "renov",
    "logements": "log",
    "accessibilite": "accessibilit",
    "arbres": "arbre",
    "pietonnisation": "pietonnis",
    "jeunesse": "jeuness",
}


def test_the_stemmer_is_postgresqls():
    assert {word: stem(word) for word in POSTGRESQL_STEMS} == POSTGRESQL_STEMS


@pytest.mark.parametrize(
    "query", ["velo:* & !plan | (x)", "ǅ ½ ² 漢字 straße", "'; DROP TABLE x; --", "<mark>vélo</mark>"]
)
def test_any_text_is_only_words(citizen, clermont, query):
    response = citizen.get("/propositions/", {"q": query})

    assert response.status_code == 200
    assert "<mark>vélo</mark>" not in response.content.decode().split("<tbody>")[0]
