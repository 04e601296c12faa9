"""What the review's PDF finisher adds to WeasyPrint's output (public_site/pdf_conformance.py,
public_site/review_pdf.py): an uncompressed XMP metadata stream, list items made of a label and a
body, header cells with their scope, stream ends no reader can misread; and that the suite's
checkers (tests/pdf_checks.py) see a PDF that loses its tags or compresses its metadata."""

import io

import pikepdf
import pydyf
import pytest
from weasyprint import HTML, Attachment

from public_site.review_pdf import PDF_VARIANT, finish_pdf
from tests.pdf_checks import conformance_failures, empty_headings

pytestmark = pytest.mark.engine_independent("the PDF finisher and the checkers, on a PDF built without the database")

SMALL = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Un petit bilan</title></head>
<body>
<h1>Un petit bilan</h1>
<ul>
  <li><p>Planter des arbres</p><p>Les arbres sont commandés.</p></li>
  <li>Des pistes cyclables</li>
</ul>
<table>
  <caption>Propositions mises en œuvre, par axe</caption>
  <thead><tr><th scope="col">Axe</th><th scope="col">Propositions</th></tr></thead>
  <tbody><tr><th scope="row">Climat</th><td>2</td></tr><tr><th scope="row">Solidarité</th><td>1</td></tr></tbody>
</table>
</body></html>"""


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    return HTML(string=SMALL).write_pdf(pdf_variant=PDF_VARIANT, finisher=finish_pdf)


def elements(pdf: pikepdf.Pdf, role: str) -> list[pikepdf.Dictionary]:
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == role:
                found.append(node)
            if "/K" in node:
                stack.append(node.K)
    return found


def roles(node: pikepdf.Dictionary) -> list[str]:
    kids = node.K if isinstance(node.K, pikepdf.Array) else [node.K]
    return [str(kid.S) for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def test_a_list_item_s_paragraphs_are_its_body(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf))

    items = elements(pdf, "/LI")

    assert [roles(item) for item in items] == [["/Lbl", "/LBody"], ["/Lbl", "/LBody"]]
    body = items[0].K[1]
    assert roles(body) == ["/P", "/P"]
    assert all(paragraph.P.objgen == body.objgen for paragraph in body.K)  # each knows its new parent
    assert body.P.objgen == items[0].objgen


def test_header_cells_say_whether_they_head_a_column_or_a_row(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf))

    scopes = [str(cell.A.Scope) for cell in elements(pdf, "/TH")]

    assert scopes == ["/Column", "/Column", "/Row", "/Row"]


def test_the_xmp_metadata_is_written_uncompressed(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf))

    assert "/Filter" not in pdf.Root.Metadata
    assert b'pdfuaid:part="1"' in pdf.Root.Metadata.read_raw_bytes()


def test_a_stream_whose_data_ends_with_a_carriage_return_keeps_its_length(small_pdf):
    """Before `endstream` comes an end of line that the /Length does not count: after data ending
    with CR, a lone LF would read as one CRLF, one byte of data short (one compressed stream in
    256 ends so). The attached CSV, left uncompressed, ends with CR here."""

    def finish_with_raw_attachment(document, pdf):
        finish_pdf(document, pdf)
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/EmbeddedFile":
                obj.compress = False

    csv = Attachment(string="a;b\r\n1;2\r", name="donnees.csv", relationship="Data")
    content = HTML(string=SMALL).write_pdf(
        pdf_variant=PDF_VARIANT, attachments=[csv], finisher=finish_with_raw_attachment
    )

    assert b"1;2\r\r\nendstream" in content
    assert conformance_failures(content) == []
    pdf = pikepdf.open(io.BytesIO(content))  # (kept: its objects die with it)
    assert pdf.attachments["donnees.csv"].get_file().read_bytes() == b"a;b\r\n1;2\r"


def test_the_checkers_pass_it_and_fail_it_without_tags_or_with_compressed_metadata(small_pdf):
    assert conformance_failures(small_pdf) == []

    def finish_compressing_metadata(document, pdf):
        finish_pdf(document, pdf)
        pdf.objects[int(pdf.catalog["Metadata"].split()[0])].compress = True

    compressed = HTML(string=SMALL).write_pdf(pdf_variant=PDF_VARIANT, finisher=finish_compressing_metadata)
    untagged = pikepdf.open(io.BytesIO(small_pdf))
    del untagged.Root.StructTreeRoot
    del untagged.Root.MarkInfo

    assert any("PDFA3A-METADATA-FILTER-001" in failure for failure in conformance_failures(compressed))
    without_tags = conformance_failures(saved(untagged))
    assert any(failure.startswith("page 3a:") for failure in without_tags)
    assert any(failure.startswith("page ua1:") for failure in without_tags)
    assert any(failure.startswith("pdfua: UA-01") for failure in without_tags)


def test_an_empty_heading_is_reported_as_pdfua_would_if_it_could(small_pdf):
    """(pdfua's own rule, UA-14-001, cannot run under pikepdf 10: tests/pdf_checks.py.)"""
    empty = SMALL.replace("<h1>Un petit bilan</h1>", "<h1>Un petit bilan</h1><h2></h2>")

    assert empty_headings(small_pdf) == []
    assert empty_headings(HTML(string=empty).write_pdf(pdf_variant=PDF_VARIANT, finisher=finish_pdf)) == ["/H2"]


def saved(pdf: pikepdf.Pdf) -> bytes:
    output = io.BytesIO()
    pdf.save(output)  # (qpdf writes every metadata stream uncompressed)
    return output.getvalue()
