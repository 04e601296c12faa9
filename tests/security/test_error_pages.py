"""The error pages a visitor may meet are French pages of the site, like the 404."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_french_page(response, status, title):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert f"<title>{title}</title>" in page


def test_a_bad_request_gets_a_french_page(citizen):
    # A Host that is not allowed is Django's everyday 400.
    response = citizen.get("/sante/", HTTP_HOST="evil.example")

    assert_french_page(response, 400, "Requête incorrecte")


def test_a_forbidden_page_gets_a_french_page(editor_client):
    response = editor_client.get("/admin/axes/accessattempt/")

    assert_french_page(response, 403, "Accès refusé")


def test_a_refused_form_gets_a_french_page(editor):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": editor.username, "password": "x"})

    assert_french_page(response, 403, "Formulaire expiré")


@pytest.mark.parametrize("url", ["/propositions/", "/flux/", "/bilans/"])
def test_a_method_not_allowed_gets_a_french_page(citizen, url):
    response = citizen.post(url)

    assert_french_page(response, 405, "Méthode non autorisée")
    assert response["Allow"] == "GET, HEAD"


def test_the_404_stays_as_it_was(citizen):
    response = citizen.get("/nulle-part/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
