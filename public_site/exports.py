"""The review as documents: PDF, XLSX, ODS, CSV and JSON, as bytes (stored by each publication).

The views and the `export_report` command both call `export_review`, so a document
downloaded from the site and one written by the command are the same bytes. Documents are
reproducible: the zip entries and the spreadsheet metadata carry the situation date, not the
time they were made, so the same review always gives the same file (a clerk may checksum the
annex). Every figure comes from `reports.report.review_report`; every proposal row from
`reports.rows.proposal_rows`.

Here: the entry points (`export_review`; `render_stored_document`, for a publication); what every
document is made of, the CSV and the JSON in `document_parts`; the workbooks in `workbooks`; the
PDF in `review_pdf`.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from reports.documents import forget_documents
from reports.formats import FORMATS
from reports.report import review_report

from .document_parts import render_csv, render_json, storing
from .review_pdf import render_pdf
from .workbooks import forget_sheets, render_ods, render_xlsx


def export_review(review, fmt: str, *, base_url: str = "") -> bytes:
    """The document of `review` (an AnnualReview) in `fmt`, one of `FORMATS`, rendered now: from
    its latest published version's record, or from the live rows of a draft. The site serves a
    published review's stored bytes instead (`ReviewDocument`), rendered here at publication.

    `base_url` ("https://example.org", no trailing slash) makes the proposals' links absolute."""
    with translation.override(settings.LANGUAGE_CODE):
        report = review_report(review, with_proposals=FORMATS[fmt].lists_proposals)
        return RENDERERS[fmt](report, base_url)


# How each format is rendered (what each format is: reports.formats).
RENDERERS = {
    "pdf": render_pdf,
    "xlsx": render_xlsx,
    "ods": render_ods,
    "csv": render_csv,
    "json": render_json,
}


def render_stored_document(review, fmt: str) -> bytes:
    """The document `fmt` of `review`'s latest published version, as its publication stores it
    (`reports.formats.render_document`): the proposals' links absolute, under SITE_URL."""
    token = storing.set(True)
    try:
        return export_review(review, fmt, base_url=settings.SITE_URL)
    finally:
        storing.reset(token)


def forget_published_documents(sender, **kwargs) -> None:
    """Receiver of `publishing.signals.published` for reviews: forget this process's copies of
    the earlier documents, now and once the publication is committed."""
    forget_documents()
    forget_sheets()
    transaction.on_commit(forget_documents)
