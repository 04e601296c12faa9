"""Headers on every response, and no public listing of the static files."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_restrictive_policy(response):
    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert policy[feature] == "()"


@pytest.mark.parametrize("url", ["/", "/propositions/", "/flux/", "/admin/login/", "/nulle-part/", "/sante/"])
def test_every_response_has_a_permissions_policy(citizen, url):
    assert_restrictive_policy(citizen.get(url))


def test_a_cached_page_has_the_permissions_policy_too(citizen, settings):
    settings.PAGE_CACHE_SECONDS = 60
    citizen.get("/propositions/")

    assert_restrictive_policy(citizen.get("/propositions/"))


@pytest.fixture
def collected_static(tmp_path, settings):
    """A STATIC_ROOT as collectstatic leaves it in production."""
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.0123abcd.css").write_text("body { margin: 0 }")
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.0123abcd.css"}}')
    settings.STATIC_ROOT = tmp_path
    return tmp_path


def test_the_static_files_manifest_is_not_served(collected_static):
    client = Client()  # a new client builds the middleware again, with this STATIC_ROOT

    assert client.get("/static/css/site.0123abcd.css").status_code == 200
    response = client.get("/static/staticfiles.json")
    assert response.status_code == 404
    assert b"paths" not in response.content


def test_static_files_have_the_permissions_policy(collected_static):
    assert_restrictive_policy(Client().get("/static/css/site.0123abcd.css"))
