"""Imports a newcomer finishes: labels as well as identifiers, every error at once in plain text,
Windows-1252 CSV, the sources in the preview, a message that says what the source rule checks,
and a «modèle» to start from. Real CSV, XLSX and ODS files."""

import pytest
import tablib
from django.urls import reverse

from proposals.models import SOURCE_REQUIRED_MESSAGE, Project, Proposal, YearlyStatus
from tests.factory import make_axis, make_proposal

from .helpers import STATUS_HEADERS, import_and_confirm, import_errors, spreadsheet, upload

pytestmark = pytest.mark.django_db
PROPOSAL_HEADERS = ["cle", "numero", "axe", "titre", "texte", "resume", "porteur", "ordre"]
PROJECT_HEADERS = ["identifiant", "titre", "resume", "focus", "porteur", "annee_lancement", "etat", "propositions"]


@pytest.fixture
def axis():
    return make_axis(slug="ecologique", name="Transition écologique")


def status_row(key, status="implemented", year=2025, date="2025-12-01"):
    return [key, year, status, "", "Bilan 2025", "https://example.org/b", "", date]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_axis_and_lead_accept_the_label_in_any_case_and_without_accents(editor_client, axis, fmt):
    rows = [
        ["p1", "", "TRANSITION ECOLOGIQUE", "Un", "", "", "ville et metropole", 1],
        ["p2", "", "Transition écologique", "Deux", "", "", "Métropole", 2],
        ["p3", "", "ecologique", "Trois", "", "", "VILLE", 3],
    ]

    import_and_confirm(editor_client, "proposal", spreadsheet(PROPOSAL_HEADERS, rows, fmt), fmt)

    leads = dict(Proposal.objects.values_list("key", "lead"))
    assert leads == {"p1": "ville_metropole", "p2": "metropole", "p3": "ville"}
    assert set(Proposal.objects.values_list("axis__slug", flat=True)) == {"ecologique"}


def test_an_unknown_axis_says_what_is_accepted(editor_client, axis):
    rows = [["p1", "", "Se nourrir", "Un", "", "", "", 1]]

    errors = import_errors(upload(editor_client, "proposal", spreadsheet(PROPOSAL_HEADERS, rows, "csv"), "csv"))

    assert "Axe inconnu « Se nourrir »" in errors and "ecologique (Transition écologique)" in errors, errors


@pytest.mark.parametrize(
    "label, code",
    [
        ("Mise en œuvre", "implemented"),
        ("MISE EN OEUVRE", "implemented"),
        ("en cours", "underway"),
        ("Non mise en oeuvre a ce jour", "not_implemented"),
    ],
)
def test_status_accepts_the_label(editor_client, axis, label, code):
    make_proposal(axis, key="p1")

    import_and_confirm(
        editor_client, "yearlystatus", spreadsheet(STATUS_HEADERS, [status_row("p1", label)], "xlsx"), "xlsx"
    )

    assert YearlyStatus.objects.get().status == code


def test_project_lead_and_state_accept_the_label(editor_client, axis):
    make_proposal(axis, key="p1")
    rows = [["velo", "Vélo", "", "", "Ville et Métropole", 2023, "Réalisé", "p1"]]

    import_and_confirm(editor_client, "project", spreadsheet(PROJECT_HEADERS, rows, "ods"), "ods")

    assert Project.objects.filter(slug="velo", lead="ville_metropole", state="delivered").exists()


def test_every_row_error_is_listed_in_plain_text(editor_client, axis):
    make_proposal(axis, key="p1")
    make_proposal(axis, key="p2")
    rows = [status_row("inconnue"), status_row("p1", "fini"), status_row("p2", date="32/13/2025")]

    response = upload(editor_client, "yearlystatus", spreadsheet(STATUS_HEADERS, rows, "csv"), "csv")

    page = response.content.decode()
    assert "Ligne 1, colonne « cle_proposition » : Proposition inconnue « inconnue »." in page
    assert "Ligne 2, colonne « statut » : Statut inconnu « fini »" in page
    assert "Ligne 3, colonne « source_date » : Date invalide « 32/13/2025 »" in page
    assert not YearlyStatus.objects.exists()


def test_a_windows_1252_csv_is_read(editor_client, axis):
    content = ";".join(PROPOSAL_HEADERS) + "\np1;;Transition écologique;Cœur de ville – l’été;;;Métropole;1\n"

    import_and_confirm(editor_client, "proposal", content.encode("cp1252"), "csv")

    assert Proposal.objects.get(key="p1").title == "Cœur de ville – l’été"


def test_a_csv_in_another_encoding_is_refused_naming_the_encodings(editor_client, axis):
    content = ",".join(PROPOSAL_HEADERS).encode() + b"\np1,,ecologique,\x81\x8d,,,ville,1\n"

    response = upload(editor_client, "proposal", content, "csv")

    error = " ".join(response.context["form"].errors["import_file"])
    assert "UTF-8" in error and "Windows-1252" in error


def test_the_status_preview_shows_the_sources_that_will_be_written(editor_client, axis):
    make_proposal(axis, key="p1")
    row = ["p1", 2025, "implemented", "", "Délibération n° 12", "https://example.org/d12", "DEL-12", "2025-11-30"]

    response = upload(editor_client, "yearlystatus", spreadsheet(STATUS_HEADERS, [row], "csv"), "csv")

    table = response.content.decode().split('class="import-preview"')[1].split("</table>")[0]
    for value in ["Délibération n° 12", "https://example.org/d12", "DEL-12", "2025-11-30"]:
        assert value in table


def test_the_source_rule_message_says_what_it_checks():
    assert "un libellé, une date, et une adresse (URL) ou une référence" in str(SOURCE_REQUIRED_MESSAGE)


@pytest.mark.parametrize("model", ["proposal", "yearlystatus", "project"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_template_with_an_example_row_imports_as_is(editor_client, axis, model, fmt):
    make_proposal(axis, key="p1")
    import_page = editor_client.get(reverse(f"admin:proposals_{model}_import")).content.decode()
    url = reverse(f"admin:proposals_{model}_import_template", args=[fmt])
    assert url in import_page

    response = editor_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    dataset = tablib.Dataset().load(response.content if fmt != "csv" else response.content.decode(), format=fmt)
    assert len(dataset) == 1
    preview = upload(editor_client, model, response.content, fmt)
    assert preview.context.get("confirm_form") is not None, import_errors(preview)
