"""A national convention started from spreadsheets as its clerks have them (tests/data): six
axes, two institutions, proposals carried by both, French dates typed or as workbook date
cells, lists separated by «;» or «,»; and what the import says when a file is not right."""

import datetime
from pathlib import Path

import pytest
import tablib
from django.urls import reverse

from proposals.models import Axis, Institution, Project, Proposal, Source, YearlyStatus
from tests.factory import make_axis, make_institution, make_proposal

from .helpers import STATUS_HEADERS, import_and_confirm, import_errors, spreadsheet, upload

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def climate(superuser_client, editor_client):
    """The climate-like convention, imported file by file: the axes by a superuser (editors
    do not create axes), the rest by an editor."""
    for client, model, name in [
        (superuser_client, "axis", "climat-axes.csv"),
        (editor_client, "institution", "climat-institutions.csv"),
        (editor_client, "proposal", "climat-propositions.csv"),
        (editor_client, "yearlystatus", "climat-suivis.xlsx"),
        (editor_client, "project", "climat-projets.csv"),
    ]:
        response = import_and_confirm(client, model, data(name), name.rsplit(".", 1)[1])
        assert response.status_code == 302, (name, response.content[:2000])


def test_a_climate_like_convention_is_imported_from_its_spreadsheets(climate):
    assert list(Axis.objects.values_list("name", flat=True)) == [
        "Se déplacer",
        "Consommer",
        "Se loger",
        "Produire et travailler",
        "Se nourrir",
        "Gouvernance",
    ]
    assert Proposal.objects.count() == 6
    both = {"gouvernement", "parlement"}
    # Several carriers, whichever separator the cell uses («,» or «;»).
    assert set(Proposal.objects.get(key="sd-a1").leads.values_list("code", flat=True)) == both
    assert set(Proposal.objects.get(key="sl-1").leads.values_list("code", flat=True)) == both
    assert Proposal.objects.get(key="sd-a1").short_title == "Vélo et transports alternatifs"


def test_french_dates_and_workbook_date_cells_are_read(climate):
    dates = dict(Source.objects.values_list("yearly_status__proposal__key", "date"))

    assert dates == {
        "sd-a1": datetime.date(2021, 6, 30),  # a date cell
        "sd-a2": datetime.date(2021, 6, 30),  # «30/06/2021» typed
        "c-1": datetime.date(2021, 2, 15),
        "sl-1": datetime.date(2021, 8, 22),
        "g-1": datetime.date(2021, 7, 6),  # «2021-07-06», as exported
    }
    assert YearlyStatus.objects.get(proposal__key="c-1").status == "underway"  # «en cours»


def test_a_project_list_takes_either_separator(climate):
    assert set(Project.objects.get(slug="plan-velo").proposals.values_list("key", flat=True)) == {"sd-a1", "sd-a2"}
    assert set(Project.objects.get(slug="loi-climat").proposals.values_list("key", flat=True)) == {
        "sd-a2",
        "c-1",
        "sl-1",
    }


@pytest.fixture
def world():
    axis = make_axis(slug="climat", name="Climat")
    make_institution("gouvernement", "Gouvernement")
    make_institution("parlement", "Parlement")
    make_proposal(axis, key="ccc-001", title="Une")
    make_proposal(axis, key="ccc-006", title="Six")
    return axis


PROJECT_HEADERS = ["identifiant", "titre", "resume", "focus", "porteur", "annee_lancement", "etat", "propositions"]


def project_row(proposals="ccc-006;ccc-001", lead="gouvernement"):
    return ["plan", "Plan", "", "", lead, 2021, "En cours", proposals]


def test_an_unknown_proposal_is_named_alone_with_what_is_accepted(editor_client, world):
    preview = upload(
        editor_client, "project", spreadsheet(PROJECT_HEADERS, [project_row("ccc-006;ccc-999")], "csv"), "csv"
    )

    errors = import_errors(preview)
    assert "Proposition inconnue : « ccc-999 »" in errors
    assert "ccc-006;" not in errors
    assert "séparées par « ; » ou « , »" in errors and "ccc-001" in errors
    assert not Project.objects.exists()


def test_a_project_with_two_carriers_is_refused_saying_why(editor_client, world):
    rows = [project_row(lead="gouvernement ; parlement")]
    preview = upload(editor_client, "project", spreadsheet(PROJECT_HEADERS, rows, "csv"), "csv")

    errors = import_errors(preview)
    assert "Un projet a un seul porteur, l'institution qui le conduit" in errors
    assert "les propositions du projet gardent, elles, tous leurs porteurs" in errors
    assert not Project.objects.exists()


def test_an_unknown_column_is_reported_and_nothing_is_imported(editor_client, world):
    headers = ["cle", "numero", "axe", "titre", "intitulé court", "texte", "resume", "porteur", "ordre"]
    rows = [["ccc-002", 2, "climat", "Deux", "Court", "", "", "parlement", 1]]

    errors = import_errors(upload(editor_client, "proposal", spreadsheet(headers, rows, "csv"), "csv"))

    assert "Colonnes inconnues : « intitulé court »" in errors
    assert "intitule_court" in errors  # among the columns it could be
    assert not Proposal.objects.filter(key="ccc-002").exists()


def test_an_impossible_date_says_which_formats_are_read(editor_client, world):
    row = ["ccc-001", 2021, "underway", "", "Rapport", "https://example.org/r", "", "31/02/2021"]

    errors = import_errors(upload(editor_client, "yearlystatus", spreadsheet(STATUS_HEADERS, [row], "csv"), "csv"))

    assert "Date invalide « 31/02/2021 » : écrivez-la JJ/MM/AAAA (30/06/2021) ou AAAA-MM-JJ" in errors
    assert not YearlyStatus.objects.exists()


def test_the_preview_shows_status_labels_not_codes(editor_client, world):
    rows = [["ccc-001", 2021, "underway", "", "Rapport", "https://example.org/r", "", "30/06/2021"]]

    preview = upload(editor_client, "yearlystatus", spreadsheet(STATUS_HEADERS, rows, "csv"), "csv")
    table = preview.content.decode().split('class="import-preview"')[-1]

    assert ">En cours</ins>" in table
    assert "underway" not in table


def template(client, model: str) -> tablib.Dataset:
    response = client.get(reverse(f"admin:proposals_{model}_import_template", args=["csv"]))
    assert response.status_code == 200
    return tablib.Dataset().load(response.content.decode(), format="csv")


def test_the_templates_have_every_column_and_an_example_row(superuser_client, world):
    institutions = template(superuser_client, "institution")
    proposals = template(superuser_client, "proposal")
    axes = template(superuser_client, "axis")

    assert institutions.headers == ["code", "nom", "ordre"] and all(institutions[0])
    assert "intitule_court" in proposals.headers and all(proposals[0])
    assert axes.headers == ["identifiant", "nom", "description", "ordre"] and all(axes[0])


@pytest.mark.parametrize("model", ["axis", "institution", "proposal"])
def test_each_template_imports_as_is(superuser_client, world, model):
    content = superuser_client.get(reverse(f"admin:proposals_{model}_import_template", args=["xlsx"])).content

    preview = upload(superuser_client, model, content, "xlsx")

    assert preview.context.get("confirm_form") is not None, import_errors(preview)


def test_editors_do_not_import_axes(editor_client, world):
    assert editor_client.get(reverse("admin:proposals_axis_import")).status_code == 403
    assert Institution.objects.count() == 2
