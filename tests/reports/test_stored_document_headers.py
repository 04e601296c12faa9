"""A published review's stored documents, at the year's address and at the version's own, are
answered with the same headers whatever the path (the stored-document middleware, before the
page cache and the session: no cookie, no Vary), and revalidate with their ETag."""

import base64
import hashlib

import pytest

from reports.models import ReviewDocument
from tests.factory import make_convention, make_review
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

EXPECTED = {
    "pdf": ("application/pdf", "inline"),
    "csv": ("text/csv; charset=utf-8", "attachment"),
    "json": ("application/json", "inline"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "attachment"),
}


def build_published():
    make_convention(2)
    make_review(2025, documents=True)


@pytest.fixture
def published():
    replayed(build_published)


@pytest.mark.parametrize("fmt", list(EXPECTED))
@pytest.mark.parametrize("by_version", [False, True], ids=["latest", "version"])
def test_a_stored_document_keeps_its_headers(published, citizen, fmt, by_version):
    document = ReviewDocument.objects.get(fmt=fmt)
    path = f"/bilans/2025/v1.{fmt}" if by_version else f"/bilans/2025.{fmt}"
    content_type, disposition = EXPECTED[fmt]

    response = citizen.get(path)

    assert response.status_code == 200
    assert response.content == bytes(document.content)
    digest = hashlib.sha256(response.content).digest()
    assert {name: response.get(name) for name in HEADERS} == {
        "Content-Type": content_type,
        "Content-Disposition": f'{disposition}; filename="bilan-convention-2025-v1.{fmt}"',
        "Content-Length": str(len(response.content)),
        "ETag": f'"{digest.hex()}"',
        "Repr-Digest": f"sha-256=:{base64.b64encode(digest).decode()}:",
        "Cache-Control": "public, max-age=31536000, immutable" if by_version else "public, max-age=3600",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
        "Vary": None,
    }
    assert response.get("Last-Modified")
    assert not response.cookies
    revalidated = citizen.get(path, headers={"If-None-Match": response["ETag"]})
    assert revalidated.status_code == 304 and not revalidated.content


HEADERS = [
    "Content-Type",
    "Content-Disposition",
    "Content-Length",
    "ETag",
    "Repr-Digest",
    "Cache-Control",
    "Content-Security-Policy",
    "X-Frame-Options",
    "Vary",
]
