"""/bilans/<year>.pdf .xlsx .ods .csv .json: the review as documents, from one computation."""

import csv
import io
import json
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from proposals.models import Status
from public_site.exports import export_review
from reports.models import AnnualReview
from tests.factory import make_axis, make_convention, make_proposal, make_review, set_status
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
FORMATS = ["pdf", "xlsx", "ods", "csv", "json"]
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
# (axis, proposals, then one count per status in Status order, then the rate)
CLERMONT_SUMMARY = [
    ["Transition écologique", 16, 14, 1, 1, 0, 0, 87.5],
    ["Transition démocratique", 13, 11, 1, 0, 1, 0, 84.6],
    ["Transition sociale", 11, 9, 0, 1, 1, 0, 81.8],
    ["Ensemble des propositions", 40, 34, 2, 2, 2, 0, 85.0],
]


def pdf_text(content: bytes) -> str:
    """The PDF's text, as pdftotext extracts it (non-breaking spaces read as spaces)."""
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode().replace(NBSP, " ")


def xlsx_rows(content: bytes, sheet: int) -> list[list]:
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def ods_book(content: bytes):
    import tablib

    return tablib.Databook().load(content, format="ods")


def get(client, year, fmt):
    return client.get(f"/bilans/{year}.{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_document_has_its_type_and_file_name(citizen, clermont, fmt):
    response = get(citizen, 2025, fmt)

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    # The file name says which version it is (a saved CSV cannot say it inside).
    assert f'filename="bilan-convention-2025-v1.{fmt}"' in response["Content-Disposition"]


def test_the_pdf_holds_the_2025_figures_as_real_text(citizen, clermont):
    text = pdf_text(get(citizen, 2025, "pdf").content)

    for figure in ["14 sur 16 · 87,5 %", "11 sur 13 · 84,6 %", "9 sur 11 · 81,8 %", "34 sur 40 · 85,0 %"]:
        assert figure in text
    assert "Situation au 29 août 2025" in text
    assert "Bilan final du suivi" in text
    assert "84,5" not in text


def test_the_pdf_lists_every_proposal_with_its_status_and_projects(citizen, clermont):
    text = " ".join(pdf_text(get(citizen, 2025, "pdf").content).split())  # titles wrap in the table

    assert "Toutes les propositions" in text
    assert "Intensifier la végétalisation des espaces publics et privés" in text
    assert text.count("Intitulé à compléter") >= 16
    assert "Les propositions qui ne sont pas mises en œuvre, et pourquoi" in text
    assert "Hors compétences (2)" in text


@pytest.mark.engine_independent("the PDF's pages: the renderer's work")
def test_the_pdf_lays_the_table_of_every_proposal_on_landscape_pages(citizen, clermont):
    """Five columns on landscape A4: most cells on one line, half the lines to lay out at
    thousands of proposals; the other pages stay portrait."""
    content = get(citizen, 2025, "pdf").content

    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", "-"], input=content, capture_output=True, check=True)
    sizes = [
        line.split("size:")[1].strip()
        for line in info.stdout.decode().splitlines()
        if line.startswith("Page ") and " size:" in line
    ]
    texts = pdf_text(content).split("\f")
    table = [size for size, text in zip(sizes, texts, strict=False) if "Portée par" in text]
    others = [size for size, text in zip(sizes, texts, strict=False) if "Portée par" not in text]
    assert table and all(size == "841.89 x 595.276 pts (A4)" for size in table), sizes
    assert others and all(size == "595.276 x 841.89 pts (A4)" for size in others), sizes


@pytest.mark.engine_independent("the PDF's pages and fonts: the renderer's work")
def test_the_pdf_is_numbered_on_a4_pages_with_embedded_fonts(citizen, clermont):
    content = get(citizen, 2025, "pdf").content

    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert "595.276 x 841.89 pts (A4)" in info
    assert f"Page 1 sur {pages}" in pdf_text(content)
    fonts = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # the «emb» column


def test_the_xlsx_summary_holds_numbers_with_formats(citizen, clermont):
    content = get(citizen, 2025, "xlsx").content

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Synthèse", "Propositions"]
    rows = xlsx_rows(content, 0)
    assert rows[0] == [
        "Axe de transition",
        "Propositions",
        "Mise en œuvre",
        "En cours",
        "Non mise en œuvre à ce jour",
        "Hors compétences",
        "Non évaluée",
        "Taux (%)",
    ]
    assert rows[1:5] == CLERMONT_SUMMARY
    assert rows[5] == [None] * 8  # then the version's own lines (test_self_identifying_documents)
    rate_cell = workbook["Synthèse"]["H2"]
    assert isinstance(rate_cell.value, float)
    assert rate_cell.number_format == "0.0"


def test_the_xlsx_proposals_sheet_is_the_councils(citizen, clermont):
    rows = xlsx_rows(get(citizen, 2025, "xlsx").content, 1)

    assert rows[0][:3] == ["N°", "Proposition", "Axe de transition"]
    assert len(rows) == 41
    by_title = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    vegetation = by_title["Intensifier la végétalisation des espaces publics et privés"]
    assert vegetation["Statut"] == "Mise en œuvre"
    assert vegetation["Adresse de la page"] == "http://testserver/propositions/eco-vegetalisation/"


def test_the_ods_holds_numbers_not_text(citizen, clermont):
    content = get(citizen, 2025, "ods").content

    book = ods_book(content)
    summary, proposals = book.sheets()
    assert (summary.title, proposals.title) == ("Synthèse", "Propositions")
    assert summary.headers[-1] == "Taux (%)"
    assert [list(row) for row in summary][:4] == CLERMONT_SUMMARY
    assert len(proposals) == 40
    content_xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()
    assert 'office:value-type="float" office:value="87.5"' in content_xml
    assert 'table:style-name="cellule-decimale"' in content_xml  # one decimal shown


def test_the_csv_has_a_row_per_proposal_in_utf8(citizen, clermont):
    content = get(citizen, 2025, "csv").content

    assert content.startswith("\ufeff".encode())  # a BOM: spreadsheet software reads UTF-8
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 40
    assert "brouillon" not in rows[0]
    assert sum(row["statut"] == "implemented" for row in rows) == 34
    per_axis = {}
    for row in rows:
        per_axis.setdefault(row["axe"], []).append(row["statut"] == "implemented")
    assert {axis: (sum(done), len(done)) for axis, done in per_axis.items()} == {
        "ecologique": (14, 16),
        "democratique": (11, 13),
        "sociale": (9, 11),
    }
    assert "Transition écologique" in content.decode("utf-8")


def test_the_json_has_the_2025_rates(citizen, clermont):
    data = json.loads(get(citizen, 2025, "json").content)

    assert [axis["rate"] for axis in data["axes"]] == [87.5, 84.6, 81.8]
    assert data["totals"]["rate"] == 85.0
    assert "draft" not in data


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_document_carries_the_printed_rate_of_the_source(citizen, clermont, fmt):
    content = get(citizen, 2025, fmt).content

    if fmt == "pdf":
        text = pdf_text(content)
    elif fmt == "xlsx":
        text = repr([xlsx_rows(content, 0), xlsx_rows(content, 1)])
    elif fmt == "ods":
        text = repr([sheet.dict for sheet in ods_book(content).sheets()])
    else:
        text = content.decode()
    assert "84,5" not in text and "84.5" not in text


def test_the_spreadsheets_give_the_change_since_the_previous_year(citizen, history):
    rows = xlsx_rows(get(citizen, 2024, "xlsx").content, 0)

    assert rows[0][-1] == "Évolution depuis 2023 (points)"
    assert [row[-1] for row in rows[1:5]] == [50.0, 33.3, -100.0, 16.7]
    summary = ods_book(get(citizen, 2024, "ods").content).sheets()[0]
    assert [row[-1] for row in summary][:4] == [50.0, 33.3, -100.0, 16.7]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_draft_is_hidden_from_the_public_in_every_format(citizen, fmt):
    make_review(2026, published=False)

    response = get(citizen, 2026, fmt)

    assert response.status_code == 404
    assert "Pas de bilan publié pour 2026" in response.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_year_is_not_found_in_every_format(citizen, clermont, fmt):
    assert get(citizen, 1999, fmt).status_code == 404


@pytest.fixture
def draft_2026(db):
    set_status(make_proposal(axis=make_axis(name="Climat")), 2026, Status.IMPLEMENTED)
    return make_review(2026, published=False)


def test_a_previewer_gets_a_pdf_marked_draft(previewer_client, draft_2026):
    response = get(previewer_client, 2026, "pdf")

    assert response.status_code == 200
    assert 'filename="bilan-convention-2026-brouillon.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Brouillon" in text
    assert "ce bilan n'est pas publié" in text


def test_a_previewer_gets_spreadsheets_marked_draft(previewer_client, draft_2026):
    xlsx = get(previewer_client, 2026, "xlsx").content
    for sheet in (0, 1):
        rows = xlsx_rows(xlsx, sheet)
        assert rows[0][0] == "brouillon"
        assert {row[0] for row in rows[1:]} == {"Brouillon"}
    assert load_workbook(io.BytesIO(xlsx))["Synthèse"]["I2"].number_format == "0.0"  # formats follow the shift

    summary, proposals = ods_book(get(previewer_client, 2026, "ods").content).sheets()
    assert summary.headers[0] == proposals.headers[0] == "brouillon"
    assert summary[0][0] == proposals[0][0] == "Brouillon"


def test_a_previewer_gets_a_csv_and_json_marked_draft(previewer_client, draft_2026):
    rows = list(csv.DictReader(io.StringIO(get(previewer_client, 2026, "csv").content.decode("utf-8-sig"))))
    assert rows[0]["brouillon"] == "Brouillon"
    assert rows[0]["statut"] == "implemented"  # still parseable

    assert json.loads(get(previewer_client, 2026, "json").content)["draft"] is True


def test_the_same_review_gives_the_same_bytes(clermont):
    """Reproducible documents: no timestamp of the moment they are made."""
    review = AnnualReview.objects.get(year=2025)

    for fmt in FORMATS:
        assert export_review(review, fmt, base_url="https://example.org") == export_review(
            review, fmt, base_url="https://example.org"
        ), fmt


# A published review's document is stored: the content generation, then the document.
QUERIES = 2


def cold_process():
    """As a process that has served nothing yet (the content generation row exists)."""
    from core import cache
    from reports.documents import forget_documents

    cache._stamp = None
    cache.current_stamp()
    cache._stamp = None
    forget_documents()


def build_two_reviews(size: int) -> None:
    """A convention of `size` proposals, its 2024 review published, its 2025 one published with
    its five documents stored (built once per size, replayed for each format)."""
    make_convention(size, year=2024)
    make_review(2024)
    make_review(2025, documents=True)


@pytest.mark.parametrize("size", [10, 40])
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_query_count_of_each_document_does_not_grow(citizen, django_assert_num_queries, fmt, size):
    replayed(build_two_reviews, size)

    from core import cache

    cold_process()
    with django_assert_num_queries(QUERIES):
        assert get(citizen, 2025, fmt).status_code == 200
    with django_assert_num_queries(1):  # then from this process's memory: at most the content generation
        cache._stamp = None
        assert get(citizen, 2025, fmt).status_code == 200


def test_a_title_that_looks_like_a_formula_stays_text_in_the_xlsx(citizen):
    set_status(make_proposal(axis=make_axis(), title='=HYPERLINK("https://example.org","x")'), 2025, Status.UNDERWAY)
    make_review(2025)

    workbook = load_workbook(io.BytesIO(get(citizen, 2025, "xlsx").content))

    cell = workbook["Propositions"]["B2"]
    assert cell.value == '\'=HYPERLINK("https://example.org","x")'  # neutralised (tests/security)
    assert cell.data_type == "s"


def test_the_spreadsheets_are_dated_by_the_situation_not_the_export(citizen, clermont):
    xlsx = zipfile.ZipFile(io.BytesIO(get(citizen, 2025, "xlsx").content))
    ods = zipfile.ZipFile(io.BytesIO(get(citizen, 2025, "ods").content))

    core = xlsx.read("docProps/core.xml").decode()
    assert ">2025-08-29T00:00:00Z</dcterms:modified>" in core
    assert {info.date_time[:3] for info in xlsx.infolist() + ods.infolist()} == {(2025, 8, 29)}
    assert ods.namelist()[0] == "mimetype"


def test_the_ods_keeps_a_text_s_spaces_tabs_line_breaks_and_markup_characters(citizen):
    """The ODS's rows are written as text, not through odfpy's elements: a title keeps what a
    spreadsheet shows of it (runs of spaces, tabs, line breaks, & < > and quotes)."""
    from odf.opendocument import load
    from odf.table import Table, TableRow
    from odf.teletype import extractText

    title = "Deux  espaces,   trois,\tune tabulation\net une ligne : a & b < c > \"d\" 'e'"
    proposal = make_proposal(axis=make_axis(), title="Titre")
    type(proposal).objects.filter(pk=proposal.pk).update(title=title)  # as stored, whatever the form cleans
    set_status(proposal, 2025, Status.UNDERWAY)
    make_review(2025)

    document = load(io.BytesIO(get(citizen, 2025, "ods").content))

    proposals_sheet = document.spreadsheet.getElementsByType(Table)[1]
    header, row = proposals_sheet.getElementsByType(TableRow)
    assert [extractText(cell) for cell in header.childNodes][:2] == ["N°", "Proposition"]
    assert extractText(row.childNodes[1]) == title


def test_a_published_review_s_spreadsheets_rendered_again_show_the_proposals_live_titles():
    """The sheets a publication makes once for its two workbooks are its own: a spreadsheet
    rendered afterwards reads the proposals' live titles (as the PDF's table does)."""
    proposal = make_proposal(axis=make_axis(), title="Premier intitulé")
    set_status(proposal, 2025, Status.UNDERWAY)
    review = make_review(2025)
    assert "Premier intitulé" in [row[1] for row in xlsx_rows(export_review(review, "xlsx"), 1)]

    proposal.title = "Intitulé corrigé"
    proposal.save()

    assert "Intitulé corrigé" in [row[1] for row in xlsx_rows(export_review(review, "xlsx"), 1)]
    assert "Intitulé corrigé" in repr([sheet.dict for sheet in ods_book(export_review(review, "ods")).sheets()])
