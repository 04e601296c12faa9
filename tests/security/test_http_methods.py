"""Every public URL answers only GET and HEAD: other methods get 405."""

import pytest

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
