"""A page's cache key holds only the query parameters its view reads (issue: cache-busting)."""

import secrets

import django_filters
import pytest

from public_site.filters import ProposalFilter
from tests.factory import make_convention, make_review
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db


def build_convention():
    proposals = make_convention(6)
    make_review(2025, documents=True)
    return proposals


@pytest.fixture
def convention():
    return replayed(build_convention)


def test_a_random_query_string_on_the_pdf_is_served_from_the_cache(
    citizen, convention, page_cache, django_assert_num_queries
):
    first = citizen.get("/bilans/2025.pdf")

    with django_assert_num_queries(0):  # the view is not called again
        again = citizen.get(f"/bilans/2025.pdf?q={secrets.token_hex(8)}&page=2&p=3")

    assert again.status_code == 200
    assert again.content == first.content


def test_the_table_page_number_and_the_sitemap_page_split_their_own_pages_only(
    citizen, convention, page_cache, django_assert_num_queries
):
    citizen.get("/propositions/")
    citizen.get("/sitemap.xml")

    with django_assert_num_queries(0):
        citizen.get("/sitemap.xml?page=2&q=x")
        citizen.get("/propositions/?p=2")
    assert citizen.get("/sitemap.xml?p=2").status_code == 404  # read by the sitemap: not the first page


def test_a_filter_added_to_the_filter_set_splits_the_cache_by_itself(citizen, convention, page_cache, monkeypatch):
    by_key = django_filters.CharFilter(field_name="key")
    monkeypatch.setitem(ProposalFilter.base_filters, "cle", by_key)

    first = citizen.get(f"/propositions.json?cle={convention[0].key}").json()
    second = citizen.get(f"/propositions.json?cle={convention[1].key}").json()

    assert [row["cle"] for row in first["propositions"]] == [convention[0].key]
    assert [row["cle"] for row in second["propositions"]] == [convention[1].key]
