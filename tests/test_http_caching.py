"""What HTTP caches (a browser, nginx, a CDN) may keep: anonymous public pages for a short,
documented while; nothing with a session, a form, a draft, the back office or an error."""

import pytest

from tests.factory import make_convention, make_review
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

PUBLIC = {"public", "max-age=60", "s-maxage=60", "stale-while-revalidate=30", "stale-if-error=30"}


@pytest.fixture
def http_caching(settings):
    settings.PAGE_HTTP_MAX_AGE = 60
    settings.PAGE_HTTP_STALE_SECONDS = 30


def build_convention():
    make_convention(3)
    make_review(2025, documents=True)
    make_review(2026, published=False)


@pytest.fixture
def convention():
    replayed(build_convention)


def directives(response) -> set[str]:
    return {item.strip() for item in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/propositions/",
        "/propositions/?statut=underway",
        "/propositions.json",
        "/propositions/gen-2025-0/",
        "/bilans/",
        "/bilans/2025/",
        "/flux/",
        "/sitemap.xml",
        "/donnees/",
        "/donnees/datapackage.json",
        "/donnees/catalogue.jsonld",
    ],
)
def test_anonymous_public_pages_may_be_kept_by_shared_caches_for_a_minute(citizen, convention, http_caching, path):
    response = citizen.get(path)

    assert response.status_code == 200
    assert directives(response) == PUBLIC
    assert "Accept-Language" not in response.get("Vary", "")  # one copy per page, not per browser


def test_a_page_served_from_the_page_cache_says_the_same(citizen, convention, http_caching, page_cache):
    citizen.get("/propositions/")

    assert directives(citizen.get("/propositions/")) == PUBLIC


def test_published_documents_are_public(citizen, convention, http_caching):
    response = citizen.get("/bilans/2025.pdf")

    assert "public" in directives(response)
    assert "private" not in directives(response)


def test_a_draft_previewed_by_staff_is_never_kept(superuser_client, convention, http_caching):
    for path in ("/bilans/2026/", "/bilans/2026.pdf"):
        response = superuser_client.get(path)
        assert response.status_code == 200
        assert {"private", "no-store"} <= directives(response)


def test_staff_pages_are_never_kept(superuser_client, convention, http_caching):
    for path in ("/propositions/", "/admin/", "/admin/proposals/proposal/"):
        response = superuser_client.get(path)
        assert response.status_code == 200
        assert {"private", "no-store"} <= directives(response), path


def test_a_form_with_a_csrf_token_is_never_kept(citizen, convention, http_caching):
    response = citizen.get("/admin/login/")

    assert "csrftoken" in response.cookies
    assert {"private", "no-store"} <= directives(response)


def test_errors_are_never_kept(citizen, convention, http_caching):
    for path in ("/propositions/nexiste-pas/", "/bilans/2026/", "/bilans/1990.pdf", "/nexiste-pas/"):
        response = citizen.get(path)
        assert response.status_code == 404
        assert {"private", "no-store"} <= directives(response), path
    assert {"private", "no-store"} <= directives(citizen.post("/propositions/"))  # 405
    assert {"private", "no-store"} <= directives(citizen.get("/sante/"))


def test_without_a_max_age_public_pages_are_checked_again_each_time(citizen, convention, settings):
    settings.PAGE_HTTP_MAX_AGE = 0

    assert directives(citizen.get("/propositions/")) == {"no-cache"}
