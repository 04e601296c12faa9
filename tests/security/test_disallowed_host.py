"""A Host not in DJANGO_ALLOWED_HOSTS gets Django's 400 wherever it is refused (the page cache,
the stored documents, a view): a French page that no cache keeps, under the site's CSP."""

import pytest
from django.conf import settings

from tests.factory import make_convention, make_review

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/propositions/", "/bilans/2025/", "/bilans/2025.pdf", "/bilans/2025/v1.pdf", "/sante/", "/admin/"]
)
def test_a_disallowed_host_gets_a_400_nobody_keeps(citizen, page_cache, path):
    make_convention(2)
    make_review(2025, documents=path.endswith(".pdf"))  # a stored document answers before any view

    response = citizen.get(path, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY
