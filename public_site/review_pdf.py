"""The review's PDF: archival and tagged (PDF/A-3a, PDF/UA-1), its CSV and JSON attached, made
by WeasyPrint from the review page's partial templates (`exports.review_context`)."""

import contextlib
import datetime
import gc
import io

import pydyf  # WeasyPrint's PDF writer: the PDF's objects, in a finisher
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape

from proposals.models import Convention
from reports.documents import filename
from reports.formats import FORMATS
from reports.models import ReviewDocument
from reports.report import ReviewReport

from .document_parts import document_licence, document_title, render_csv, render_json, review_context, situation_time
from .pdf_conformance import end_streams_unambiguously, repair_tags

# The PDF is archival and tagged: PDF/A-3 (the archival PDF that may carry attachments, here the
# review's CSV and JSON), level A (tagged: structure tree, language, text alternatives), and it
# declares PDF/UA-1 too: WeasyPrint writes one identification, `_complete_xmp` adds the other
# and the document's language, which WeasyPrint puts in the catalog but not in the XMP.
PDF_VARIANT = "pdf/a-3a"


# PDF/A accepts in the XMP only the schemas it predefines and those the file describes:
# PDF/UA's identification comes with its description (the extension schema of ISO 14289-1).
PDF_UA_XMP = """<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
xmlns:dc="http://purl.org/dc/elements/1.1/" pdfuaid:part="1">\
<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language></rdf:Description>\
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">\
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">\
<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
<pdfaProperty:category>internal</pdfaProperty:category>\
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"""


def _complete_xmp(document, pdf) -> None:
    """A WeasyPrint finisher: add PDF/UA-1 and `dc:language` to the XMP metadata it wrote."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    language = escape(document.metadata.lang or settings.LANGUAGE_CODE)
    description = PDF_UA_XMP.format(language=language).encode()
    content = b"".join(metadata.stream)
    metadata.stream = [content.replace(b"</rdf:RDF>", description + b"</rdf:RDF>", 1)]
    # PDF/A: a metadata stream is never compressed (WeasyPrint compresses it but for PDF/A-1).
    metadata.compress = False
    # WeasyPrint 70 lists each attachment twice among the associated files: once is enough.
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


def finish_pdf(document, pdf) -> None:
    """WeasyPrint's finisher for the review's PDF (its objects, before they are written): the XMP
    completed, the structure tree as PDF/UA-1 wants it, stream ends read as written
    (public_site.pdf_conformance)."""
    _complete_xmp(document, pdf)
    repair_tags(pdf)
    end_streams_unambiguously(pdf)


def _attachments(report: ReviewReport, base_url: str) -> list:
    """The review's CSV and JSON, the same bytes as the version's own files, dated by its
    publication (a draft: by its situation date) so that the PDF is reproducible."""
    from weasyprint import Attachment

    when = report.identity.published_at if report.identity else situation_time(report.review)
    when = when.astimezone(datetime.UTC) if when.tzinfo else when
    number = report.identity.number if report.identity else None
    stored = {}
    if report.identity is not None and base_url == settings.SITE_URL:
        # A publication stores the CSV and the JSON before the PDF: the very bytes, not rendered twice.
        documents = ReviewDocument.objects.filter(version_id=report.review_year.version_id, fmt__in=["csv", "json"])
        stored = {fmt: bytes(content) for fmt, content in documents.values_list("fmt", "content")}
    return [
        Attachment(
            file_obj=io.BytesIO(stored[fmt] if fmt in stored else render(report, base_url)),
            name=filename(report.year, fmt, number=number, draft=report.is_draft),
            description=str(FORMATS[fmt].label_for(Convention.current())),
            created=when,
            modified=when,
            relationship="Data",
        )
        for fmt, render in (("csv", render_csv), ("json", render_json))
    ]


@contextlib.contextmanager
def cyclic_gc_paused():
    """Python's cyclic garbage collector off for the block, as it was after it (even on error).

    WeasyPrint keeps every box, style and PDF object of the document alive until the end: each
    full collection walks them all again, and they are many (at 4,000 proposals, a sixth of the
    PDF's CPU time went to collections that found next to nothing). Its garbage is freed as it
    goes by reference counting: the peak memory hardly moves (+2 %)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(report: ReviewReport, base_url: str) -> bytes:
    # The template's thousands of rows too: the collector would walk the publication's objects.
    with cyclic_gc_paused():
        return _render_pdf(report, base_url)


def _render_pdf(report: ReviewReport, base_url: str) -> bytes:
    from weasyprint import HTML

    # Rendered without a request: the convention's name comes here, not from the context processor.
    convention = Convention.current()
    context = review_context(report, base_url=base_url) | {
        "convention": convention,
        "licence": document_licence(report, convention),
        "document_title": document_title(report),
        "identity": report.identity,
    }
    html = render_to_string("public_site/reviews/review_pdf.html", context)
    # No base URL: the document fetches nothing (its styles and charts are inline).
    return HTML(string=html).write_pdf(
        pdf_variant=PDF_VARIANT, attachments=_attachments(report, base_url), finisher=finish_pdf
    )
