import re

import pytest

from public_site.views import TABLE_PAGE_SIZE
from tests.factory import make_convention, make_review

pytestmark = pytest.mark.django_db

ROW = re.compile(r'href="/propositions/gen-[^"]+/"')


@pytest.fixture
def large_convention():
    make_convention(TABLE_PAGE_SIZE * 2 + 50)
    make_review(2025)


def test_a_large_convention_is_paged_with_its_full_count(citizen, large_convention):
    html = citizen.get("/propositions/").content.decode()

    assert len(ROW.findall(html)) == TABLE_PAGE_SIZE
    assert f"{TABLE_PAGE_SIZE * 2 + 50} propositions" in html.replace("\u202f", "").replace("\xa0", "")
    assert "Page 1 sur 3" in html
    assert 'rel="next"' in html and 'rel="prev"' not in html


def test_the_last_page_has_the_rest_and_the_links_keep_the_filters(citizen, large_convention):
    html = citizen.get("/propositions/?page=3&annee=2025").content.decode()

    assert len(ROW.findall(html)) == 50
    assert 'href="?annee=2025&amp;page=2" rel="prev"' in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999", ""])
def test_an_odd_page_number_gives_a_page_not_an_error(citizen, large_convention, page):
    response = citizen.get(f"/propositions/?page={page}")

    assert response.status_code == 200
    assert len(ROW.findall(response.content.decode())) in (TABLE_PAGE_SIZE, 50)


def test_the_clermont_table_fits_on_one_page(citizen, clermont):
    html = citizen.get("/propositions/").content.decode()

    assert "Page 1 sur" not in html


@pytest.fixture
def national_convention():
    """The size of the demo's national convention: 146 measures."""
    make_convention(146)
    make_review(2025)


def test_a_convention_of_146_proposals_is_paged_in_reasonable_pages(citizen, national_convention):
    html = citizen.get("/propositions/").content.decode()

    assert TABLE_PAGE_SIZE <= 50  # a phone scrolls through 50 rows, not 146
    assert len(ROW.findall(html)) == TABLE_PAGE_SIZE < 146
    assert "Page 1 sur 3" in html


def test_every_page_is_linked_by_its_number_and_the_current_one_is_marked(citizen, national_convention):
    html = citizen.get("/propositions/?page=2&annee=2025").content.decode()
    pager = html.split('<nav class="pager table-pager"')[1].split("</nav>")[0]

    assert 'aria-label="Pages du tableau"' in pager
    assert '<a href="?page=1">' not in pager  # the filters are kept
    assert '<a href="?annee=2025&amp;page=1">1</a>' in pager
    assert '<a href="?annee=2025&amp;page=2" aria-current="page">' in pager
    assert '<a href="?annee=2025&amp;page=3">3</a>' in pager
    assert pager.count("aria-current") == 1


def test_a_page_past_the_end_gives_the_last_page_marked_as_current(citizen, national_convention):
    response = citizen.get("/propositions/?page=9")

    html = response.content.decode()
    assert response.status_code == 200
    assert len(ROW.findall(html)) == 146 - 2 * TABLE_PAGE_SIZE
    assert '<a href="?page=3" aria-current="page">' in html
