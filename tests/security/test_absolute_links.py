"""The feed's and the sitemap's absolute links come from SITE_URL, the public address, never
from the Host header of the request that happened to fill the cache."""

import re

import pytest

from tests.factory import make_convention, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://suivi.example.org"
    settings.ALLOWED_HOSTS = ["suivi.example.org", "autre.example.org"]
    make_convention(2)
    make_review(2025)


LINKS = [("/flux/", r"<link>([^<]*)</link>"), ("/sitemap.xml", r"<loc>([^<]*)</loc>")]


@pytest.mark.parametrize("path, pattern", LINKS)
def test_absolute_links_come_from_site_url(citizen, site, path, pattern):
    response = citizen.get(path, HTTP_HOST="autre.example.org")

    content = response.content.decode()
    links = re.findall(pattern, content)
    assert response.status_code == 200
    assert len(links) > 2
    assert all(link.startswith("https://suivi.example.org/") for link in links), links
    assert "autre.example.org" not in content
