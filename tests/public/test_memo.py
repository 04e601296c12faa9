"""What every public page reads first (the convention, the published years, a published version's
figures, the institutions) is read once per process and content generation, page cache on or off;
a change is seen at once, and nothing read inside a transaction outlives it."""

import datetime

import pytest
from django.db import transaction

from core import cache
from proposals.models import Convention, Institution, Proposal
from tests.factory import make_convention, make_review

# Real commits: the content generation is bumped on commit, and the memo is only used outside a
# transaction.
pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    # url: queries once the memo holds what the pages share (the page cache is off in tests)
    "/": 0,  # the convention, the published years and the year's figures: all held
    # the page of proposals (all of them: no count); every proposal's projects and institutions: held
    "/propositions/": 1,
    "/propositions/?statut=implemented&porteur=ville&tri=-titre": 1,
    # the proposal, its projects, its institutions, its published statuses, the committee's
    # assessments, its neighbours in the axis: all held
    "/propositions/gen-2025-4/": 0,
    # a published review's page is laid out once per generation: the record, its figures, the
    # committee's voice, the lists of proposals
    "/bilans/2025/": 0,
}


@pytest.fixture
def convention(settings):
    settings.PAGE_CACHE_GENERATION_TTL = 60  # no second read of the generation in the middle of a test
    Convention.objects.create(pk=1, name="Convention essai")
    city = Institution.objects.create(code="ville", name="Ville")
    proposals = make_convention(12)
    for proposal in proposals[:6]:
        proposal.leads.add(city)
    make_review(2025)
    cache._stamp = None
    yield proposals
    cache._stamp = None
    cache.forget_memo()


@pytest.mark.parametrize("url, queries", PAGES.items())
def test_a_page_reads_what_pages_share_once_a_generation(citizen, convention, django_assert_num_queries, url, queries):
    cache.forget_memo()
    first = citizen.get(url)

    with django_assert_num_queries(queries):
        again = citizen.get(url)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content


def test_a_change_is_seen_at_once(citizen, convention):
    assert "Convention essai" in citizen.get("/").content.decode()
    assert "Ville" in citizen.get("/propositions/").content.decode()

    Convention.objects.update(name="Nouveau nom")  # no signal: the generation says it
    cache.bump_generation()
    institution = Institution.objects.get(code="ville")
    institution.name = "Métropole"
    institution.save()

    assert "Nouveau nom" in citizen.get("/").content.decode()
    table = citizen.get("/propositions/").content.decode()
    assert "Métropole" in table
    assert ">Ville<" not in table


def test_a_published_review_shows_a_change_at_once(citizen, convention):
    """Its article is rendered once per process and generation: the next one renders it again."""
    assert "Bilan 2025 — Convention essai</h1>" in citizen.get("/bilans/2025/").content.decode()

    Convention.objects.update(name="Nouveau nom")  # no signal: the generation says it
    cache.bump_generation()

    page = citizen.get("/bilans/2025/").content.decode()
    assert "Bilan 2025 — Nouveau nom</h1>" in page
    assert "Convention essai" not in page


def filter_form(response) -> str:
    page = response.content.decode()
    return page[page.index('<form class="filters"') : page.index("</form>")]


def test_the_filter_form_shows_what_each_query_asks(citizen, convention):
    """The form is rendered once per generation for the same filters asked for, never shown for others."""
    assert 'value="arbres"' in filter_form(citizen.get("/propositions/?q=arbres"))

    other = filter_form(citizen.get("/propositions/?q=velo&statut=inconnu"))
    assert 'value="velo"' in other
    assert 'value="arbres"' not in other
    assert "Ce filtre est ignoré" in other

    again = filter_form(citizen.get("/propositions/?q=velo&page=2"))
    assert 'value="velo"' in again
    assert "Ce filtre est ignoré" not in again
    assert filter_form(citizen.get("/propositions/?q=arbres&tri=-titre")).count('value="-titre"') == 1


def test_the_table_lists_what_each_query_asks(citizen, convention):
    """The filters bound to a query are held once per generation and shared: never another query's."""

    def listed(query: str) -> set[str]:
        return {row["url"] for row in citizen.get(f"/propositions/{query}").context["rows"]}

    implemented = listed("?statut=implemented")
    underway = listed("?statut=underway")

    assert implemented.isdisjoint(underway)
    assert listed("?statut=implemented") == implemented
    assert listed("?statut=implemented&statut=underway") == underway  # the last value counts, as Django reads it


def test_a_row_held_for_a_search_is_not_shown_for_another(citizen, convention):
    searched = citizen.get("/propositions/?q=g%C3%A9n%C3%A9r%C3%A9e").content.decode()
    assert "<mark>générée</mark>" in searched

    assert "<mark>" not in citizen.get("/propositions/").content.decode()


def test_the_filter_form_names_the_axes_as_the_convention_does_after_a_change(citizen, convention):
    assert "Tous les axes" in filter_form(citizen.get("/propositions/"))

    Convention.objects.update(axis_name="thème", axis_name_plural="thèmes")  # no signal: the generation says it
    cache.bump_generation()

    renamed = filter_form(citizen.get("/propositions/"))
    assert "Tous les thèmes" in renamed
    assert "Tous les axes" not in renamed


def test_a_function_of_many_arguments_holds_its_latest_results_only(convention):
    calls = []

    @cache.memoized(entries=3, key=lambda number: number)
    def double(number):
        calls.append(number)
        return 2 * number

    assert [double(number) for number in (1, 2, 3, 4, 4, 1, 3)] == [2, 4, 6, 8, 8, 2, 6]

    assert calls == [1, 2, 3, 4, 1]  # 4 asked again: held; 1: dropped for 4, the least recently used
    assert list(cache._memo[1][double.__wrapped__]) == [("fr", 4), ("fr", 1), ("fr", 3)]


def test_the_menu_held_marks_each_page_its_own_link(citizen, convention):
    """The header is rendered once per generation for each state of the menu, never another page's."""
    for url, value, current in [
        ("/", "page", "Accueil"),
        ("/propositions/", "page", "Propositions"),
        ("/propositions/gen-2025-4/", "true", "Propositions"),
        ("/bilans/2025/", "true", "Bilans"),
        ("/", "page", "Accueil"),
    ]:
        header = citizen.get(url).content.decode().split("</header>")[0]
        assert f'aria-current="{value}">{current}</a>' in header
        assert header.count("aria-current=") == 1


def test_an_archived_page_has_the_archive_footer(citizen, convention, settings):
    def footer() -> str:
        return citizen.get("/").content.decode().split('<footer class="site-footer">')[1]

    assert "Suivre par courriel" in footer()

    settings.SITE_ARCHIVED_AT = datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)

    assert "Suivre par courriel" not in footer()


def test_what_a_transaction_reads_never_outlives_it(citizen, convention):
    assert "Convention essai" in citizen.get("/").content.decode()

    with pytest.raises(RuntimeError), transaction.atomic():
        Convention.objects.update(name="Jamais enregistré")
        # Inside the transaction the page reads the rows it sees, not the memo...
        assert "Jamais enregistré" in citizen.get("/").content.decode()
        raise RuntimeError  # ...and the change is rolled back

    page = citizen.get("/").content.decode()
    assert "Convention essai" in page
    assert "Jamais enregistré" not in page


def test_a_proposal_another_process_added_has_its_neighbours(citizen, convention):
    axis = convention[0].axis
    assert 'rel="next"' in citizen.get(convention[0].get_absolute_url()).content.decode()

    # Written by another process: this one still holds the generation it read (and the axis).
    Proposal.objects.bulk_create([Proposal(key="ajoutee", title="Ajoutée ailleurs", axis=axis, order=0)])

    page = citizen.get("/propositions/ajoutee/").content.decode()
    assert f'href="{convention[0].get_absolute_url()}" rel="next"' in page


def test_asking_for_years_that_do_not_exist_does_not_grow_the_memo_without_bound(convention, citizen, monkeypatch):
    """A review's year comes from the address: a visitor asking for year after year must not
    make each process hold an answer per year asked for. The bound is lowered to 20 here: the
    same code path as production's 1,000, without 1,050 requests (a minute of the suite)."""
    monkeypatch.setattr(cache, "MEMO_MAX_ENTRIES", 20)
    cache.forget_memo()
    for year in range(3000, 3000 + cache.MEMO_MAX_ENTRIES + 50):
        assert citizen.get(f"/bilans/{year}/").status_code == 404

    assert len(cache._memo[1]) <= cache.MEMO_MAX_ENTRIES
    assert citizen.get("/bilans/2025/").status_code == 200
