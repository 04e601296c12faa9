"""Spreadsheet import and export: preview, row-by-row French errors, all or nothing, round trip."""

import datetime
import io
import os

import openpyxl
import pytest
import tablib
from django.urls import reverse

from proposals.models import Axis, Project, Proposal, Source, YearlyStatus
from tests.factory import make_axis, make_institution, make_project, make_proposal, set_status

from .helpers import STATUS_HEADERS, export, import_and_confirm, import_errors, spreadsheet, upload

pytestmark = pytest.mark.django_db
URL = "https://example.org/b"


@pytest.fixture
def proposals():
    axis = make_axis(slug="ecologique", name="Transition écologique")
    return [make_proposal(axis, key=f"p{i}", title=f"Proposition {i}") for i in (1, 2, 3)]


def status_row(
    key, year=2025, status="implemented", label="Bilan 2025", url="https://example.org/b", date="2025-12-01"
):
    return [key, year, status, f"Explication {key}", label, url, "", date]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_it_imports_yearly_statuses_with_their_source(editor_client, proposals, fmt):
    content = spreadsheet(STATUS_HEADERS, [status_row("p1"), status_row("p2", status="underway")], fmt)

    response = import_and_confirm(editor_client, "yearlystatus", content, fmt)

    assert response.status_code == 302
    p1 = YearlyStatus.objects.get(proposal__key="p1", year=2025)
    assert (p1.status, p1.explanation) == ("implemented", "Explication p1")
    source = p1.sources.get()
    assert (source.label, source.url, source.date) == (
        "Bilan 2025",
        "https://example.org/b",
        datetime.date(2025, 12, 1),
    )
    assert YearlyStatus.objects.get(proposal__key="p2").status == "underway"
    # The history says who imported.
    assert p1.history.get().history_user.username == "redaction"


def test_it_reads_a_semicolon_separated_csv(editor_client, proposals):
    content = "\n".join([";".join(STATUS_HEADERS), "p1;2025;implemented;Fait, enfin;Bilan;https://e.org;;2025-12-01"])

    import_and_confirm(editor_client, "yearlystatus", content.encode("utf-8"), "csv")

    assert YearlyStatus.objects.get(proposal__key="p1").explanation == "Fait, enfin"


def test_the_preview_writes_nothing(editor_client, proposals):
    content = spreadsheet(STATUS_HEADERS, [status_row("p1")], "csv")

    response = upload(editor_client, "yearlystatus", content, "csv")

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert "p1" in response.content.decode()
    assert not YearlyStatus.objects.exists()


def test_importing_the_same_file_twice_changes_nothing(editor_client, proposals):
    content = spreadsheet(STATUS_HEADERS, [status_row("p1"), status_row("p2")], "csv")
    import_and_confirm(editor_client, "yearlystatus", content, "csv")
    history = YearlyStatus.history.count() + Source.history.count()

    import_and_confirm(editor_client, "yearlystatus", content, "csv")

    assert YearlyStatus.objects.count() == 2
    assert Source.objects.count() == 2
    assert YearlyStatus.history.count() + Source.history.count() == history


def test_a_second_import_updates_the_status_and_its_first_source(editor_client, proposals):
    set_status(proposals[0], 2025, "underway")
    content = spreadsheet(STATUS_HEADERS, [status_row("p1", label="Délibération 2025-12")], "csv")

    import_and_confirm(editor_client, "yearlystatus", content, "csv")

    yearly = YearlyStatus.objects.get(proposal=proposals[0], year=2025)
    assert yearly.status == "implemented"
    assert [s.label for s in yearly.sources.all()] == ["Délibération 2025-12"]


BAD_ROWS = {
    "unknown key": (status_row("inconnue"), "Proposition inconnue « inconnue »"),
    "unknown status": (status_row("p2", status="fini"), "Statut inconnu « fini »"),
    "year out of range": (status_row("p2", year=1999), "L'année doit être comprise entre 2000 et"),
    "year after next year": (status_row("p2", year=datetime.date.today().year + 2), "L'année doit être comprise"),
    "missing source": (status_row("p2", label="", url="", date=""), "indiquez au moins une source"),
    "source without date": (status_row("p2", date=""), "indiquez au moins une source"),
    "bad date": (status_row("p2", date="32/13/2025"), "Date invalide « 32/13/2025 »"),
    "bad year": (status_row("p2", year="deux mille"), "Nombre entier attendu"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(editor_client, proposals, case):
    bad_row, message = BAD_ROWS[case]
    content = spreadsheet(STATUS_HEADERS, [status_row("p1"), bad_row, status_row("p3")], "csv")

    response = upload(editor_client, "yearlystatus", content, "csv")

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    lines = import_errors(response).splitlines()
    assert any(line.startswith("2:") and message in line for line in lines), lines
    assert not YearlyStatus.objects.exists()


def test_an_unchanged_status_needs_no_new_source(editor_client, proposals):
    set_status(proposals[0], 2024, "implemented")
    content = spreadsheet(STATUS_HEADERS, [status_row("p1", label="", url="", date="")], "csv")

    import_and_confirm(editor_client, "yearlystatus", content, "csv")

    assert YearlyStatus.objects.get(proposal=proposals[0], year=2025).sources.count() == 0


def test_the_confirm_step_rolls_back_when_a_row_became_invalid(editor_client, proposals):
    from .helpers import confirm

    content = spreadsheet(STATUS_HEADERS, [status_row("p1"), status_row("p2")], "csv")
    preview = upload(editor_client, "yearlystatus", content, "csv")
    Proposal.objects.filter(key="p2").delete()  # between the preview and the confirmation

    confirm(editor_client, "yearlystatus", preview)

    assert not YearlyStatus.objects.exists()


JUNK = os.urandom(200_000)
MALFORMED = {
    "junk as csv": (JUNK, "csv", "n'est pas un fichier CSV lisible"),
    "junk as xlsx": (JUNK, "xlsx", "n'est pas un fichier XLSX lisible"),
    "junk as ods": (JUNK, "ods", "n'est pas un fichier ODS lisible"),
    # Over 3 MB the whole request is refused before it is read (tests/security/test_upload_limits.py).
    "2 MB of junk": (os.urandom(2 * 1024 * 1024 + 1), "xlsx", "Fichier trop volumineux"),
    "empty file": (b"", "csv", "Le fichier soumis est vide"),
    "headers only": (",".join(STATUS_HEADERS).encode(), "csv", "aucune ligne à importer"),
    "wrong columns": (b"nom,valeur\nx,1\n", "csv", "Colonnes manquantes : cle_proposition, annee, statut"),
    "a text file": (b"Bonjour,\nceci n'est pas un tableau.\n", "csv", "Colonnes manquantes"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_file_gets_a_clear_error_and_changes_nothing(editor_client, proposals, case):
    content, fmt, message = MALFORMED[case]

    response = upload(editor_client, "yearlystatus", content, fmt)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    errors = response.context["form"].errors
    assert message in " ".join(errors.get("import_file", [])), errors
    assert not YearlyStatus.objects.exists()


def test_proposals_import_reports_an_unknown_axis(editor_client, proposals):
    headers = ["cle", "numero", "axe", "titre", "texte", "resume", "porteur", "ordre"]
    content = spreadsheet(headers, [["p9", "", "inconnu", "Titre", "", "", "ville", 1]], "csv")

    response = upload(editor_client, "proposal", content, "csv")

    assert "Axe inconnu « inconnu »" in import_errors(response)
    assert not Proposal.objects.filter(key="p9").exists()


def test_projects_import_reports_an_unknown_proposal(editor_client, proposals):
    make_institution("ville")
    headers = ["identifiant", "titre", "resume", "focus", "porteur", "annee_lancement", "etat", "propositions"]
    content = spreadsheet(headers, [["velo", "Vélo", "", "", "ville", 2023, "delivered", "p1,p404"]], "csv")

    response = upload(editor_client, "project", content, "csv")

    assert "Proposition inconnue : « p404 »" in import_errors(response)
    assert not Project.objects.exists()


def _convention():
    axis = make_axis(slug="ecologique", name="Transition écologique")
    other = make_axis(slug="sociale", name="Transition sociale")
    p1 = make_proposal(
        axis, key="p1", number=1, title="Pistes cyclables", summary="Résumé ; « guillemets »", lead="ville"
    )
    p2 = make_proposal(other, key="p2", title="", text="Texte\nsur deux lignes", lead="")
    set_status(p1, 2024, "underway", explanation="Travaux lancés")
    set_status(p1, 2025, "implemented", explanation="Livré")
    yearly = set_status(p2, 2025, "out_of_scope", source=False)
    Source.objects.create(yearly_status=yearly, label="Bilan", reference="DEL-2025-12", date=datetime.date(2025, 12, 1))
    make_project([p1, p2], slug="velo", title="Plan vélo", lead="metropole", start_year=2023, state="delivered")
    make_project([], slug="vide", title="Projet sans proposition")
    return [Axis.objects.get(slug="ecologique"), Axis.objects.get(slug="sociale")]


def _export_all(client, fmt):
    return {model: export(client, model, fmt) for model in ["proposal", "yearlystatus", "project"]}


def _empty_the_convention():
    Project.objects.all().delete()
    Proposal.objects.all().delete()  # cascades to the statuses and their sources


def _sheet(content: bytes) -> list[tuple]:
    """An XLSX file's cells: the files differ only by their creation time in the metadata."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(row) for sheet in workbook for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_round_trip_is_lossless(superuser_client, fmt):
    _convention()
    first = _export_all(superuser_client, fmt)
    _empty_the_convention()

    for model in ["proposal", "yearlystatus", "project"]:
        response = import_and_confirm(superuser_client, model, first[model], fmt)
        assert response.status_code == 302
    second = _export_all(superuser_client, fmt)

    assert Proposal.objects.count() == 2 and YearlyStatus.objects.count() == 3 and Project.objects.count() == 2
    for model in first:
        if fmt == "csv":
            assert second[model] == first[model], model
        else:
            assert _sheet(second[model]) == _sheet(first[model]), model


def test_the_export_has_the_french_columns(clerk_client, proposals):
    set_status(proposals[0], 2025, "implemented")

    content = export(clerk_client, "yearlystatus", "csv").decode("utf-8")

    response = clerk_client.post(reverse("admin:proposals_yearlystatus_export"), {"format": "0"})
    assert 'filename="suivis-annuels-' in response["Content-Disposition"]
    header, row = content.splitlines()[:2]
    assert header == ",".join(STATUS_HEADERS)
    assert row.startswith("p1,2025,implemented,")


def test_an_ods_export_imports_again(editor_client, proposals):
    set_status(proposals[0], 2025, "implemented")
    content = export(editor_client, "yearlystatus", "ods")
    assert tablib.Dataset().load(content, format="ods").headers == STATUS_HEADERS
    YearlyStatus.objects.all().delete()

    import_and_confirm(editor_client, "yearlystatus", content, "ods")

    assert YearlyStatus.objects.get().sources.count() == 1


def test_a_project_keeps_its_proposals(editor_client, proposals):
    make_project(proposals[:2], slug="velo", title="Vélo")
    content = export(editor_client, "project", "csv")
    Project.objects.all().delete()

    import_and_confirm(editor_client, "project", content, "csv")

    assert sorted(Project.objects.get(slug="velo").proposals.values_list("key", flat=True)) == ["p1", "p2"]
