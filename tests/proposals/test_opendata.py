"""Open data: /propositions.csv, /propositions.json and their documentation /donnees/."""

import csv
import io
import json

import pytest

from proposals.models import Convention
from public_site.opendata import ASSESSMENT_COLUMNS
from reports.rows import PROPOSAL_COLUMNS

pytestmark = pytest.mark.django_db

# The committee's assessment follows the institutions' columns (empty until it publishes).
COLUMNS = [column.name for column in PROPOSAL_COLUMNS + ASSESSMENT_COLUMNS]


def read_csv(response) -> list[dict]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_the_csv_has_a_row_per_proposal_with_the_documented_columns(citizen, clermont):
    response = citizen.get("/propositions.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="propositions-2025.csv"'
    rows = read_csv(response)
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 40
    green = next(row for row in rows if row["cle"] == "eco-vegetalisation")
    assert green["intitule"] == "Intensifier la végétalisation des espaces publics et privés"
    assert green["axe"] == "ecologique"
    assert green["statut"] == "implemented"
    assert green["statut_libelle"] == "Mise en œuvre"
    assert green["annee"] == "2025"
    assert green["url"] == "http://testserver/propositions/eco-vegetalisation/"
    assert "parcs-urbains" in green["projets"].split(";")
    assert sum(1 for row in rows if row["intitule"] == "") == 16


def test_the_csv_honours_the_filters(citizen, clermont):
    rows = read_csv(citizen.get("/propositions.csv?axe=ecologique&statut=underway"))

    assert [row["cle"] for row in rows] == ["eco-plu"]


def test_the_json_has_the_same_rows(citizen, small_world):
    response = citizen.get("/propositions.json?q=vegetalisation&annee=2024")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="propositions-2024.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["annee"] == 2024
    assert data["nombre"] == 1
    (row,) = data["propositions"]
    assert list(row) == COLUMNS
    assert row["statut"] == "underway"
    assert row["annee_statut"] == 2024
    assert row["projets"] == "guichet;parcs-urbains"


def test_open_data_never_shows_a_draft_year(citizen, small_world):
    data = json.loads(citizen.get("/propositions.json?annee=2026").content)
    velo = next(row for row in data["propositions"] if row["cle"] == "eco-velo")

    assert data["annee"] == 2025
    assert velo["statut"] == "not_implemented"
    assert "SECRET-BROUILLON" not in citizen.get("/propositions.csv").content.decode()


@pytest.mark.parametrize("query", ["annee=abc", "statut=%3Cx%3E", "q=%00", "axe[]=1"])
def test_bad_filters_are_ignored_in_open_data_too(citizen, small_world, query):
    response = citizen.get("/propositions.json?" + query)

    assert response.status_code == 200
    assert json.loads(response.content)["nombre"] == 4


def test_the_data_page_documents_every_column(citizen, clermont):
    response = citizen.get("/donnees/")

    assert response.status_code == 200
    page = response.content.decode()
    for column in PROPOSAL_COLUMNS + ASSESSMENT_COLUMNS:
        assert f"<code>{column.name}</code>" in page
        assert column.in_words_of(Convention.current()).description.replace("'", "&#x27;") in page
    for code in ["implemented", "not_assessed", "ville_metropole", "aucun"]:
        assert f"<code>{code}</code>" in page
    assert 'href="/propositions.csv"' in page
    assert 'href="/bilans/2025.json"' in page
