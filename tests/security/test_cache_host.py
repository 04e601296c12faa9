"""The page cache never hands out a response built for another Host (issue: host poisoning)."""

import pytest

from tests.factory import make_convention, make_review
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db


def build_convention():
    make_convention(3)
    make_review(2025)


@pytest.fixture
def convention():
    replayed(build_convention)


def urls(response) -> set[str]:
    return {proposal["url"].split("/propositions/")[0] for proposal in response.json()["propositions"]}


def test_a_page_cached_for_another_allowed_host_is_not_served_to_the_others(citizen, convention, page_cache, settings):
    settings.SITE_URL = ""  # as in development: links from the (validated) request
    poisoned = citizen.get("/propositions.json?statut=implemented", HTTP_HOST="127.0.0.1:6666")
    assert urls(poisoned) == {"http://127.0.0.1:6666"}

    ordinary = citizen.get("/propositions.json?statut=implemented")

    assert urls(ordinary) == {"http://testserver"}


def test_a_disallowed_host_is_refused_even_when_the_page_is_cached(citizen, convention, page_cache):
    assert citizen.get("/propositions/").status_code == 200

    response = citizen.get("/propositions/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert b"evil.example" not in response.content


def test_a_disallowed_host_is_refused_on_an_empty_cache_and_nothing_is_stored(citizen, convention, page_cache):
    assert citizen.get("/propositions.json", HTTP_HOST="evil.example").status_code == 400

    assert urls(citizen.get("/propositions.json")) == {"http://testserver"}


def test_open_data_links_come_from_site_url_when_it_is_set(citizen, convention, page_cache, settings):
    settings.SITE_URL = "https://suivi.example.org"

    response = citizen.get("/propositions.json", HTTP_HOST="127.0.0.1:6666")

    assert urls(response) == {"https://suivi.example.org"}
    assert "https://suivi.example.org/propositions/" in citizen.get("/propositions.csv").content.decode()
