"""The review's documents, as the site names and serves them: PDF, XLSX, ODS, CSV and JSON.

What each format is (its label, extension, content type); how each is rendered is the public
layer's (public_site.exports), which hands its renderer over when the site starts
(`render_documents_with`): a publication then stores each document itself, in its transaction
(`AnnualReview.store_document`)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _lazy


@dataclass(frozen=True)
class DocumentFormat:
    label: str  # may name the convention's document: %(document)s
    extension: str
    content_type: str
    lists_proposals: bool = False  # the report must carry every proposal

    def label_for(self, convention) -> str:
        """The link text of the document, in the convention's words («PDF, le document présenté aux conseils»)."""
        return str(self.label) % {"document": convention.document_name}


FORMATS = {
    "pdf": DocumentFormat(_lazy("PDF, %(document)s"), "pdf", "application/pdf", lists_proposals=True),
    "xlsx": DocumentFormat(
        _lazy("Tableur Excel (XLSX) : synthèse et propositions"),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "ods": DocumentFormat(
        _lazy("Tableur OpenDocument (ODS) : synthèse et propositions"),
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    "csv": DocumentFormat(_lazy("CSV : une ligne par proposition"), "csv", "text/csv; charset=utf-8"),
    "json": DocumentFormat(_lazy("JSON : les chiffres du bilan (données ouvertes)"), "json", "application/json"),
}


# (review, fmt) -> the document's bytes, as stored at publication (see the module's docstring).
_renderer: Callable[[object, str], bytes] | None = None


def render_documents_with(renderer: Callable[[object, str], bytes]) -> None:
    global _renderer
    _renderer = renderer


def render_document(review, fmt: str) -> bytes:
    """The document `fmt` of `review` as its publication stores it."""
    if _renderer is None:
        raise ImproperlyConfigured("No renderer for the review's documents (public_site is not installed).")
    return _renderer(review, fmt)
