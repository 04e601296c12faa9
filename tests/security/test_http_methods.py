"""Every public URL answers only GET and HEAD: other methods get 405."""

import pytest
from django.test import Client

from tests.factory import make_convention, make_review
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

URLS = ["/flux/", "/sitemap.xml", "/propositions/", "/propositions.csv", "/bilans/", "/sante/"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("method", ["trace", "options", "put", "delete", "patch"])
def test_other_methods_are_not_allowed(citizen, url, method):
    response = getattr(citizen, method)(url)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("url", ["/flux/", "/sitemap.xml"])
def test_get_and_head_still_answer(citizen, url):
    assert citizen.get(url).status_code == 200
    assert citizen.head(url).status_code == 200


# What a browser or a script really sends: Django's CSRF check on.
PUBLIC_URLS = [
    "/",
    "/propositions/",
    "/propositions.csv",
    "/propositions/gen-2025-0/",
    "/bilans/",
    "/bilans/2025/",
    "/bilans/2025.pdf",
    "/bilans/2025/v1.pdf",
    "/bilans/2031/v1.pdf",
    "/flux/",
    "/sitemap.xml",
    "/sante/",
    "/.well-known/security.txt",
    # Every other public page, which its cache decorator alone keeps to GET and HEAD.
    "/propositions.json",
    "/propositions/gen-2025-0/flux/",
    "/propositions/gen-2025-0/carte/",
    "/projets/",
    "/projets/un-projet/",
    "/axes/un-axe/flux/",
    "/axes/un-axe/carte/",
    "/donnees/",
    "/donnees/datapackage.json",
    "/donnees/catalogue.jsonld",
    "/accessibilite/",
    "/bilans/2025/deliberations.csv",
    "/bilans/2025/deliberations.json",
]


def build_published():
    make_convention(2)
    make_review(2025, documents=True)  # a stored document is answered before any view


@pytest.fixture
def published():
    replayed(build_published)


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_writing_to_a_public_url_is_not_allowed_with_a_french_page(published, url, method, settings):
    settings.SECURITY_CONTACT = ["securite@example.org"]
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(url, {"titre": "x"} if method == "post" else "")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "Méthode non autorisée" in response.content.decode()


def test_the_back_office_forms_still_check_the_csrf_token(editor):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": editor.username, "password": "x"})

    assert response.status_code == 403
