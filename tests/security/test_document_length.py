"""A published review's documents say their length: no chunked transfer, a download shows its
progress, and a proxy knows what it keeps."""

import pytest

from tests.factory import make_convention, make_review
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db


def build_published():
    make_convention(2)
    make_review(2025, documents=True)


@pytest.mark.parametrize("path", ["/bilans/2025.pdf", "/bilans/2025.xlsx", "/bilans/2025/v1.json", "/bilans/2025.csv"])
def test_a_stored_document_has_its_content_length(citizen, path):
    replayed(build_published)

    response = citizen.get(path)

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(response.content))
    assert citizen.head(path)["Content-Length"] == str(len(response.content))
