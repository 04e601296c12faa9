"""Serving a published review's stored documents, byte for byte, as a static file is served.

The bytes of each (year, format) are kept in this process's memory once read, checked against
the content generation (`core.cache`), which every publication bumps: a document costs no
query until the next change. A version's own URL (`/bilans/2025/v1.pdf`) never changes.
"""

import base64
import functools

from django.http import HttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import content_disposition_header, http_date

from core.cache import current_stamp

from .formats import FORMATS
from .models import ReviewDocument

# (year, fmt, version number or None for the latest) -> (content generation, document)
_memory: dict[tuple[int, str, int | None], tuple[int, ReviewDocument]] = {}
MEMORY_MAX_ENTRIES = 200

# Documents a browser shows rather than downloads.
INLINE_FORMATS = {"pdf", "json"}
LATEST_MAX_AGE = 3600  # the default URL moves to a rectificatif: revalidated with the ETag after an hour
VERSION_MAX_AGE = 31536000  # a version's own URL never changes


def forget_documents() -> None:
    """Drop this process's copies (after a publication; other processes follow the content generation)."""
    _memory.clear()
    document_headers.cache_clear()


def stored_document(year: int, fmt: str, number: int | None = None) -> ReviewDocument | None:
    """The stored document of `year`'s latest published version (or of version `number`)."""
    generation = current_stamp().generation
    key = (year, fmt, number)
    known = _memory.get(key)
    if known is not None and (known[0] == generation or number is not None):
        return known[1]
    documents = ReviewDocument.objects.filter(version__review__year=year, fmt=fmt).select_related("version__review")
    if number is not None:
        documents = documents.filter(version__number=number)
    document = documents.order_by("-version__number").first()
    if document is not None:
        if len(_memory) >= MEMORY_MAX_ENTRIES:
            _memory.clear()
        document.content = bytes(document.content)  # PostgreSQL gives a memoryview
        _memory[key] = (generation, document)
    return document


def filename(year: int, fmt: str, *, number: int | None = None, draft: bool = False) -> str:
    """`bilan-convention-2025-v2.pdf` for version 2 (at the year's URL as at the version's own:
    a saved file, the CSV above all, which cannot say it inside, names its version; the JSON of
    the same version says the rest); a draft says so: `bilan-convention-2026-brouillon.pdf`."""
    suffix = "-brouillon" if draft else (f"-v{number}" if number else "")
    return f"bilan-convention-{year}{suffix}.{fmt}"


def document_response(document: ReviewDocument, *, by_version: bool) -> HttpResponse:
    """The stored bytes, with their length, a strong ETag (the SHA-256) and long caching."""
    response = HttpResponse(document.content, headers=document_headers(document, by_version))
    # Answered before CommonMiddleware, which would add it: without it, a document is chunked.
    response["Content-Length"] = str(len(document.content))
    return response


@functools.lru_cache(maxsize=MEMORY_MAX_ENTRIES)
def document_headers(document: ReviewDocument, by_version: bool) -> dict[str, str]:
    """The headers of a stored document, made once per document (a model instance hashes by pk)."""
    fmt = document.fmt
    return {
        "Content-Type": FORMATS[fmt].content_type,
        "Content-Disposition": content_disposition_header(
            fmt not in INLINE_FORMATS, filename(document.version.review.year, fmt, number=document.version.number)
        ),
        "ETag": f'"{document.sha256}"',
        "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(document.sha256)).decode()}:",
        "Cache-Control": f"public, max-age={VERSION_MAX_AGE}, immutable"
        if by_version
        else f"public, max-age={LATEST_MAX_AGE}",
        "Last-Modified": http_date(document.version.published_at.timestamp()),
        # Served before the CSP middleware: a document loads nothing and is framed by no one.
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
    }


@functools.lru_cache(maxsize=1024)
def document_route(path: str) -> tuple[int, str, int | None] | None:
    """(year, format, version number or None) when `path` is a review document's URL."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.app_name != "public_site" or "fmt" not in match.kwargs:
        return None
    return match.kwargs["year"], match.kwargs["fmt"], match.kwargs.get("number")


class StoredDocumentMiddleware:
    """Answer requests for a published review's stored documents: the one path that serves them,
    before the rest of the middleware (sessions, CSRF, templates are of no use to stored bytes).
    Anything else, drafts and versions without stored documents included, goes on to the views
    (`public_site.reviews`)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("public_site:review-list")
        if request.method in ("GET", "HEAD") and request.path_info.startswith(self.prefix):
            request.get_host()  # a disallowed Host is refused here too (400), never answered
            route = document_route(request.path_info)
            if route is not None:
                year, fmt, number = route
                document = stored_document(year, fmt, number)
                if document is not None:
                    return document_response(document, by_version=number is not None)
        return self.get_response(request)
