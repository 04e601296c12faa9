"""The review's spreadsheets and PDF as a council secretary reads them: French headers and
labels, the explanation and who carries each proposal, absolute links, widths and wrapping;
the open-data CSV keeps its codes."""

import io
import subprocess
import zipfile

import pytest
import tablib
from django.utils.text import capfirst
from openpyxl import load_workbook

from proposals.models import Convention, Status, YearlyStatus
from tests.backoffice.helpers import import_errors, upload
from tests.factory import make_axis, make_institution, make_project, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
AXIS_HEADER = object()
HEADERS = [
    "N°",
    "Proposition",
    AXIS_HEADER,
    "Portée par",
    "Statut",
    "Année du statut",
    "Explication",
    "Projets",
    "Adresse de la page",
]


def headers() -> list[str]:
    axis = capfirst(Convention.current().axis_name)
    return [axis if header is AXIS_HEADER else header for header in HEADERS]


@pytest.fixture
def council_review(settings):
    settings.SITE_URL = "https://suivi.example.org"
    make_institution("ville", "Ville")
    make_institution("metropole", "Métropole")
    axis = make_axis(slug="mobilite", name="Mobilité")
    carried = make_proposal(axis, leads=["ville", "metropole"], key="velo", number=3, title="Des pistes cyclables")
    set_status(carried, 2025, Status.IMPLEMENTED, explanation="Douze kilomètres ouverts en 2025.")
    make_project([carried], slug="plan-velo", title="Plan vélo", lead="ville")
    make_proposal(axis, key="bus", number=4, title="Des bus la nuit")
    make_review(2025)


def test_the_xlsx_proposals_sheet_speaks_french_to_the_council(citizen, council_review):
    workbook = load_workbook(io.BytesIO(citizen.get("/bilans/2025.xlsx").content))
    sheet = workbook["Propositions"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert rows[0] == headers()
    rows = {row[0]: row for row in rows[1:]}
    assert rows[3] == [
        3,
        "Des pistes cyclables",
        "Mobilité",
        "Ville ; Métropole",
        "Mise en œuvre",
        2025,
        "Douze kilomètres ouverts en 2025.",
        "Plan vélo",
        "https://suivi.example.org/propositions/velo/",
    ]
    assert rows[4][:5] == [4, "Des bus la nuit", "Mobilité", None, "Non évaluée"]
    # Widths and wrapping a secretary keeps; the header stays in view.
    assert sheet.column_dimensions["B"].width >= 40
    assert sheet.column_dimensions["G"].width >= 40
    assert sheet["B2"].alignment.wrap_text and sheet["G2"].alignment.wrap_text
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"


def test_the_ods_proposals_sheet_speaks_french_to_the_council(citizen, council_review):
    content = citizen.get("/bilans/2025.ods").content

    proposals = tablib.Databook().load(content, format="ods").sheets()[1]
    assert proposals.headers == headers()
    row = next(row for row in proposals if row[0] == 3)
    assert row[3] == "Ville ; Métropole"
    assert row[6] == "Douze kilomètres ouverts en 2025."
    assert row[8] == "https://suivi.example.org/propositions/velo/"
    content_xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()
    assert 'style:column-width="' in content_xml
    assert 'fo:wrap-option="wrap"' in content_xml


def test_the_csv_keeps_the_open_data_codes(citizen, council_review):
    text = citizen.get("/bilans/2025.csv").content.decode("utf-8-sig")

    assert (
        text.splitlines()[0]
        == "cle,numero,axe,axe_libelle,intitule,porteur,annee,statut,statut_libelle,annee_statut,projets,url"
    )
    assert (
        "velo,3,mobilite,Mobilité,Des pistes cyclables,ville;metropole,2025,implemented,Mise en œuvre,2025,plan-velo,"
        in text
    )


def pdf_pages(content: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    return [" ".join(page.replace(NBSP, " ").split()) for page in text.decode().split("\f")]


def test_the_pdf_says_who_carries_each_proposal(citizen, council_review):
    table = next(
        page for page in pdf_pages(citizen.get("/bilans/2025.pdf").content) if "Toutes les propositions" in page
    )

    assert "Portée par" in table
    assert "Ville" in table and "Métropole" in table


# The first (landscape) page of the table holds 12 of these rows: 13 and 14 left one or two on the next.
@pytest.mark.engine_independent("the PDF's page breaks: the renderer's work")
@pytest.mark.parametrize("count", [13, 14, 15])
def test_the_pdf_never_leaves_a_page_with_one_or_two_rows(citizen, count):
    """Whatever the number of proposals, the table's last page holds at least three of its rows."""
    axis = make_axis(name="Axe")
    for n in range(1, count + 1):
        set_status(make_proposal(axis, number=n, title=f"Ligne{n:03d} " + "mot " * 12), 2025, Status.IMPLEMENTED)
    make_review(2025)

    pages = pdf_pages(citizen.get("/bilans/2025.pdf").content)
    rows_per_page = [sum(f"Ligne{n:03d}" in page for n in range(1, count + 1)) for page in pages]
    table_pages = [rows for rows in rows_per_page if rows]
    assert sum(table_pages) >= count
    assert len(table_pages) > 1, rows_per_page
    assert min(table_pages) >= 3, rows_per_page


def test_the_councils_workbook_is_not_an_import_and_says_so(superuser_client, council_review):
    """The import reads the back office's own exports (tests/backoffice/test_import.py, round
    trip); the council's workbook, given to it by mistake, gets a French error and changes nothing."""
    content = superuser_client.get("/bilans/2025.xlsx").content

    preview = upload(superuser_client, "yearlystatus", content, "xlsx")

    assert preview.status_code == 200
    assert "Colonnes manquantes" in import_errors(preview)
    assert YearlyStatus.objects.count() == 1
