"""The tracking table /propositions/: filters, search, sorting, bad input."""

import re

import pytest

from tests.factory import make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


def rows(response) -> list[str]:
    """The proposal keys of the table's rows, in order."""
    return re.findall(r'<th scope="row"[^>]*>.*?href="/propositions/([a-z0-9-]+)/"', response.content.decode())


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_it_lists_every_clermont_proposal_with_its_2025_status(citizen, clermont):
    response = citizen.get("/propositions/")

    assert response.status_code == 200
    assert len(rows(response)) == 40
    page = text(response)
    assert "40 propositions" in page
    assert "situation au bilan 2025" in page
    assert page.count('class="badge badge-implemented">Mise en œuvre</span>') == 34
    assert page.count("Intitulé à compléter") == 16
    assert "<caption>Les propositions et leur statut au bilan 2025</caption>" in page


def test_its_html_stays_light_for_the_clermont_data(citizen, clermont):
    assert len(citizen.get("/propositions/").content) < 60_000


def test_it_filters_by_axis_status_and_institution(citizen, clermont):
    assert len(rows(citizen.get("/propositions/?axe=ecologique"))) == 16
    assert len(rows(citizen.get("/propositions/?statut=implemented"))) == 34
    assert rows(citizen.get("/propositions/?porteur=aucun")) == ["dem-travail-territoire", "soc-solidarite"]
    combined = citizen.get("/propositions/?axe=ecologique&statut=underway")
    assert rows(combined) == ["eco-plu"]
    assert "1 proposition<" in text(combined)


def test_a_filtered_table_says_so_and_offers_to_clear_the_filters(citizen, clermont):
    page = text(citizen.get("/propositions/?axe=sociale"))

    assert "11 propositions" in page
    assert '<a href="/propositions/">Effacer les filtres</a>' in page
    assert '<option value="sociale" selected>Transition sociale</option>' in page
    assert "Effacer les filtres" not in text(citizen.get("/propositions/"))


def test_the_search_ignores_accents_and_case(citizen, clermont):
    for query in ["vegetalisation", "VÉGÉTALISATION", "Végétalisation"]:
        assert rows(citizen.get("/propositions/", {"q": query})) == ["eco-vegetalisation"], query


def test_the_search_reads_summaries_and_project_titles(citizen, small_world):
    assert rows(citizen.get("/propositions/?q=arbres")) == ["eco-vegetalisation"]
    # «Guichet des démarches» serves two proposals: each appears once.
    assert rows(citizen.get("/propositions/?q=guichet")) == ["eco-vegetalisation", "soc-demarches"]


def test_every_word_of_the_search_must_match(citizen, small_world):
    assert rows(citizen.get("/propositions/?q=vélo développer")) == ["eco-velo"]
    assert rows(citizen.get("/propositions/?q=vélo parcs")) == []


def test_a_search_without_results_says_so(citizen, small_world):
    response = citizen.get("/propositions/?q=introuvable")

    assert rows(response) == []
    assert "Aucune proposition ne correspond à ces filtres." in text(response)


def test_the_year_shows_the_status_as_of_a_published_year(citizen, small_world):
    assert rows(citizen.get("/propositions/?annee=2024&statut=underway")) == ["eco-vegetalisation"]
    assert rows(citizen.get("/propositions/?annee=2025&statut=underway")) == ["soc-demarches"]
    assert rows(citizen.get("/propositions/?annee=2024&statut=not_assessed")) == [
        "eco-velo",
        "eco-sans-titre",
        "soc-demarches",
    ]


def test_a_draft_year_is_never_shown(citizen, small_world):
    default = citizen.get("/propositions/?statut=implemented")
    assert rows(default) == ["eco-vegetalisation"]  # the 2026 draft status of eco-velo stays private

    draft = citizen.get("/propositions/?annee=2026&statut=implemented")
    assert draft.status_code == 200
    assert rows(draft) == ["eco-vegetalisation"]
    assert "Certaines valeurs du filtre ne sont pas valables" in text(draft)
    assert '<option value="2026"' not in text(draft)


def test_the_status_filter_without_a_year_uses_the_latest_published_one(citizen, small_world):
    page = text(citizen.get("/propositions/?statut=not_implemented"))

    assert "situation au bilan 2025" in page
    assert "Non mise en œuvre à ce jour" in page
    assert '<option value="2025">2025</option>' in page  # the first option: the default


@pytest.mark.parametrize(
    "query",
    [
        "annee=abc",
        "annee=1900",
        "statut=%3Cscript%3Ealert(1)%3C/script%3E",
        "axe=nimporte-quoi",
        "porteur=personne",
        "tri=mot-de-passe",
        "q=" + "a" * 5000,
    ],
)
def test_an_invalid_value_is_ignored_with_a_visible_note(citizen, small_world, query):
    response = citizen.get("/propositions/?" + query)

    assert response.status_code == 200
    page = text(response)
    assert "Certaines valeurs du filtre ne sont pas valables : elles ont été ignorées." in page
    assert len(rows(response)) == 4
    assert "<script>" not in page


# Control characters are dropped before the view reads the query (tests/security/test_control_characters.py).
@pytest.mark.parametrize(
    "query", ["axe[]=x", "statut=implemented&statut=underway", "foo=bar", "q=", "annee=", "q=%00", "annee=2025%00"]
)
def test_odd_but_harmless_query_strings_work(citizen, small_world, query):
    response = citizen.get("/propositions/?" + query)

    assert response.status_code == 200
    assert "ne sont pas valables" not in text(response)


def test_a_repeated_parameter_keeps_its_last_value(citizen, small_world):
    assert rows(citizen.get("/propositions/?statut=implemented&statut=underway")) == ["soc-demarches"]


def test_the_columns_sort_both_ways(citizen, small_world):
    assert rows(citizen.get("/propositions/?tri=statut")) == [
        "eco-vegetalisation",
        "soc-demarches",
        "eco-velo",
        "eco-sans-titre",
    ]
    assert rows(citizen.get("/propositions/?tri=-axe")) == [
        "soc-demarches",
        "eco-vegetalisation",
        "eco-velo",
        "eco-sans-titre",
    ]


def test_the_sorted_column_says_so_and_its_link_reverses_the_sort(citizen, small_world):
    page = text(citizen.get("/propositions/?axe=ecologique&tri=statut"))

    assert '<th scope="col" aria-sort="ascending"><a href="?axe=ecologique&amp;tri=-statut">Statut' in page
    # The other headers keep the filters and sort by themselves.
    assert '<a href="?axe=ecologique&amp;tri=porteur">Porteur' in page
    assert page.count("aria-sort=") == 1
    # Filtering again keeps the sort.
    assert '<input type="hidden" name="tri" value="statut"' in page


def test_the_form_works_without_javascript(citizen, small_world):
    page = text(citizen.get("/propositions/"))

    assert '<form class="filters" method="get" action="/propositions/"' in page
    assert '<button type="submit">Filtrer</button>' in page
    assert "<script" not in page
    for name in ["q", "axe", "statut", "porteur", "annee"]:
        assert f'<label for="id_{name}">' in page


def test_the_download_links_carry_the_filters(citizen, small_world):
    page = text(citizen.get("/propositions/?axe=ecologique&q=velo&annee=abc"))

    assert 'href="/propositions.csv?axe=ecologique&amp;q=velo"' in page
    assert 'href="/propositions.json?axe=ecologique&amp;q=velo"' in page


def test_the_status_badge_is_text_and_not_assessed_looks_neutral(citizen, small_world):
    page = text(citizen.get("/propositions/"))

    assert '<span class="badge badge-not-assessed">Non évaluée</span>' in page
    assert '<span class="badge badge-not-implemented">Non mise en œuvre à ce jour</span>' in page


def test_sorting_by_title_ignores_accents_and_puts_untitled_proposals_last(citizen, small_world):
    make_proposal(small_world["soc"], key="soc-ecoles", title="Écoles ouvertes", order=5)
    make_proposal(small_world["soc"], key="soc-numero", title="Zéro exclusion", number=7, order=6)
    make_review(2027)  # a review that counts them

    assert rows(citizen.get("/propositions/?tri=titre")) == [
        "soc-numero",  # a known number comes first
        "soc-demarches",
        "eco-velo",
        "soc-ecoles",
        "eco-vegetalisation",
        "eco-sans-titre",
    ]


def test_sorting_by_institution_follows_their_order_unknown_last(citizen, small_world):
    assert rows(citizen.get("/propositions/?tri=porteur")) == [
        "eco-vegetalisation",
        "soc-demarches",
        "eco-velo",
        "eco-sans-titre",
    ]


def test_without_any_published_review_no_status_is_shown(citizen, db):
    proposal = make_proposal(key="brouillon")
    set_status(proposal, 2025, "implemented")
    make_review(2025, published=False)

    response = citizen.get("/propositions/?statut=implemented")

    assert response.status_code == 200
    assert rows(response) == []
    page = text(citizen.get("/propositions/"))
    assert "aucun bilan publié" in page
    assert "badge-implemented" not in page
    assert '<span class="badge badge-not-assessed">Non évaluée</span>' in page
    assert "badge-implemented" not in text(citizen.get("/propositions/brouillon/"))
