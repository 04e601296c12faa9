"""Requests that must not cost a rendering: a cookie that is not a session, a second spelling of
a page's or a document's URL; and what the caches keep: one copy per page, never older than the
documented bounds (max-age, then stale-while-revalidate or stale-if-error)."""

import time

import pytest
from django.http import HttpResponse

from core.middleware import PublicPageCacheMiddleware
from proposals.models import Proposal
from tests.factory import make_review
from tests.snapshots import replayed
from tests.test_nginx import build_site, get, nginx, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    return replayed(build_site)


def test_a_made_up_session_cookie_is_served_from_the_page_cache(
    citizen, convention, page_cache, django_assert_max_num_queries
):
    first = citizen.get("/propositions/")

    citizen.cookies["sessionid"] = "x"
    with django_assert_max_num_queries(0):
        again = citizen.get("/propositions/")
    citizen.cookies["sessionid"] = "abcdefghijklmnopqrstuvwxyz012345"  # the right shape, no session
    with django_assert_max_num_queries(1):  # the session looked up, not the page rendered
        shaped = citizen.get("/propositions/")

    assert again.content == shaped.content == first.content


def test_a_page_asked_with_a_made_up_session_cookie_is_kept_for_everyone(
    citizen, convention, page_cache, django_assert_max_num_queries
):
    citizen.cookies["sessionid"] = "abcdefghijklmnopqrstuvwxyz012345"
    first = citizen.get("/bilans/2025/")
    assert "Set-Cookie" not in str(first.cookies)

    del citizen.cookies["sessionid"]
    with django_assert_max_num_queries(0):
        assert citizen.get("/bilans/2025/").content == first.content


def test_staff_still_get_live_pages(superuser_client, convention, page_cache):
    superuser_client.get("/propositions/")
    Proposal.objects.filter(pk=convention[0].pk).update(title="Changé sans signal")

    assert "Changé sans signal" in superuser_client.get("/propositions/").content.decode()


def test_a_public_page_does_not_vary_on_the_cookie(citizen, convention, settings):
    settings.PAGE_HTTP_MAX_AGE = 60

    response = citizen.get("/bilans/2025/")

    assert response["Cache-Control"].startswith("public")
    assert "cookie" not in response.get("Vary", "").lower()


def test_a_staff_preview_stays_private(superuser_client, convention, settings):
    settings.PAGE_HTTP_MAX_AGE = 60
    make_review(2026, published=False)

    response = superuser_client.get("/bilans/2026/")

    assert response.status_code == 200
    assert {"private", "no-store"} <= {item.strip() for item in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    "path",
    [
        "/bilans/02025/",
        "/bilans/+2025/",
        "/bilans/02025.pdf",
        "/bilans/2025/v001.pdf",
        "/bilans/2025/v01.json",
        "/bilans/2025/v0.pdf",
        "/bilans/02025/v1.pdf",
    ],
)
def test_a_second_spelling_of_a_review_url_is_not_found(citizen, convention, page_cache, path):
    response = citizen.get(path)

    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_the_canonical_urls_still_answer(citizen, convention):
    for path in ["/bilans/2025/", "/bilans/2025.pdf", "/bilans/2025/v1.pdf", "/bilans/2025/v1.json"]:
        assert citizen.get(path).status_code == 200, path


# Through nginx, with the repository's rules (deploy/nginx/proxy.conf).

THROUGH_NGINX = pytest.mark.engine_independent("nginx's rules in front of the site: what it keeps and when")


@THROUGH_NGINX
@pytest.mark.django_db(transaction=True)
def test_nginx_serves_a_made_up_session_cookie_from_its_cache(site, nginx):  # noqa: F811
    get(f"{nginx}/propositions/")

    assert get(f"{nginx}/propositions/", Cookie="sessionid=x")[1] == "HIT"
    assert get(f"{nginx}/propositions/", Cookie="sessionid=; other=1")[1] == "HIT"


@THROUGH_NGINX
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/bilans/2025.pdf", "/bilans/2025/v1.csv"])
def test_nginx_keeps_one_copy_of_a_document_whatever_its_query_string(site, nginx, path):  # noqa: F811
    status, first, body = get(f"{nginx}{path}")
    assert (status, first) == (200, "MISS")

    for query in ("?a=1", "?a=2&b=3"):
        assert get(f"{nginx}{path}{query}")[1:] == ("HIT", body)


@THROUGH_NGINX
@pytest.mark.django_db(transaction=True)
def test_nginx_lets_a_session_through(site, nginx):  # noqa: F811
    get(f"{nginx}/propositions/")

    assert get(f"{nginx}/propositions/", Cookie="sessionid=abcdefghijklmnopqrstuvwxyz012345")[1] == "BYPASS"


@THROUGH_NGINX
@pytest.mark.django_db(transaction=True)
def test_nginx_never_serves_a_page_older_than_its_stale_while_revalidate(site, nginx, settings):  # noqa: F811
    settings.PAGE_HTTP_MAX_AGE = 1
    settings.PAGE_HTTP_STALE_SECONDS = 1
    get(f"{nginx}/propositions/")
    Proposal.objects.filter(pk=Proposal.objects.first().pk).update(title="Titre tout neuf")

    time.sleep(3.5)  # beyond max-age + stale-while-revalidate

    status, _, body = get(f"{nginx}/propositions/")
    assert status == 200
    assert "Titre tout neuf" in body.decode()


@THROUGH_NGINX
@pytest.mark.django_db(transaction=True)
def test_nginx_serves_an_expired_page_while_the_app_fails_for_a_bounded_while(
    site,  # noqa: F811
    nginx,  # noqa: F811
    settings,
    monkeypatch,
):
    settings.PAGE_HTTP_MAX_AGE = 1
    settings.PAGE_HTTP_STALE_SECONDS = 3
    assert get(f"{nginx}/propositions/")[0] == 200
    monkeypatch.setattr(PublicPageCacheMiddleware, "__call__", lambda self, request: HttpResponse(status=503))

    time.sleep(2)  # expired, within stale-if-error
    assert get(f"{nginx}/propositions/")[:2] == (200, "STALE")

    time.sleep(4)  # beyond max-age + stale-if-error
    assert get(f"{nginx}/propositions/")[0] == 503
