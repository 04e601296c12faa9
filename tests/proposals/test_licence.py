"""The open-data licence is the convention's data: Licence Ouverte 2.0 unless a superuser
chooses another; the catalogue, the data package, /donnees/ and the documents name it, and a
stored document keeps the one it was published under."""

import importlib
import io
import json
import subprocess
import zipfile

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from proposals.models import Convention, Status
from public_site.exports import export_review
from tests.backoffice.test_convention_admin import form_data
from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db

ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"


@pytest.fixture
def convention():
    return Convention.objects.create(
        pk=1, name="Convention citoyenne pour Clermont", short_name="Convention citoyenne", introduction="Avant."
    )


def use_odbl(convention) -> None:
    convention.licence_title = "Open Database License 1.0"
    convention.licence_url = ODBL
    convention.save()


def test_a_new_convention_publishes_under_licence_ouverte_2(convention):
    assert convention.licence_title == "Licence Ouverte / Open Licence version 2.0"
    assert convention.licence_url == ETALAB


def test_the_package_the_catalogue_and_the_data_page_name_the_conventions_licence(citizen, convention):
    use_odbl(convention)

    package = citizen.get("/donnees/datapackage.json").json()
    catalogue = json.dumps(citizen.get("/donnees/catalogue.jsonld").json())
    page = citizen.get("/donnees/").content.decode()

    assert package["licenses"] == [{"path": ODBL, "title": "Open Database License 1.0"}]
    assert ODBL in catalogue and ETALAB not in catalogue
    assert f'href="{ODBL}"' in page and "Open Database License 1.0" in page


def pdf_text(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def test_a_stored_document_keeps_the_licence_it_was_published_under(citizen, convention):
    set_status(make_proposal(make_axis()), 2025, Status.IMPLEMENTED)
    make_review(2025, documents=True)

    use_odbl(convention)

    assert "Licence Ouverte / Open Licence version 2.0" in pdf_text(citizen.get("/bilans/2025.pdf").content)
    graph = citizen.get("/donnees/catalogue.jsonld").json()
    pdf = next(
        node
        for dataset in graph["dcat:dataset"]
        for node in dataset.get("dcat:distribution", [])
        if node["@id"] == "http://testserver/bilans/2025/v1.pdf"
    )
    assert pdf["dct:license"] == {"@id": ETALAB}
    assert graph["dct:license"] == {"@id": ODBL}
    workbook = load_workbook(io.BytesIO(citizen.get("/bilans/2025.xlsx").content))
    cells = [cell for row in workbook["Synthèse"].iter_rows(values_only=True) for cell in row]
    assert "Licence Ouverte / Open Licence version 2.0 (" + ETALAB + ")" in cells


@pytest.mark.parametrize(("role", "changed"), [("editor_client", False), ("superuser_client", True)])
def test_only_superusers_choose_the_licence(request, convention, role, changed):
    client = request.getfixturevalue(role)
    data = form_data(licence_title="Open Database License 1.0", licence_url=ODBL)

    assert client.post(reverse("admin:proposals_convention_change", args=[1]), data).status_code == 302

    convention.refresh_from_db()
    assert (convention.licence_url == ODBL) is changed


def test_the_migration_takes_the_settings_as_the_initial_licence(settings, convention):
    settings.OPEN_DATA_LICENSE_URL = ODBL
    settings.OPEN_DATA_LICENSE_TITLE = "Open Database License 1.0"
    migration = importlib.import_module("proposals.migrations.0019_convention_licence")

    migration.licence_from_settings(apps, None)

    convention.refresh_from_db()
    assert (convention.licence_title, convention.licence_url) == ("Open Database License 1.0", ODBL)


def xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for row in workbook["Synthèse"].iter_rows(values_only=True) for cell in row]


def test_a_version_rendered_after_the_licence_changed_keeps_the_licence_it_was_published_under(convention):
    """The documents of a published version (stored by the worker, or rendered again by
    `export_report`) name the licence frozen with it, never today's."""
    set_status(make_proposal(make_axis()), 2025, Status.IMPLEMENTED)
    review = make_review(2025)

    use_odbl(convention)

    cells = xlsx_cells(export_review(review, "xlsx"))
    ods = zipfile.ZipFile(io.BytesIO(export_review(review, "ods"))).read("content.xml").decode()
    pdf = pdf_text(export_review(review, "pdf"))
    assert "Licence Ouverte / Open Licence version 2.0 (" + ETALAB + ")" in cells
    assert not [cell for cell in cells if isinstance(cell, str) and "Open Database" in cell]
    assert "Licence Ouverte / Open Licence version 2.0" in ods and "Open Database" not in ods
    assert "Licence Ouverte / Open Licence version 2.0" in pdf and "Open Database" not in pdf


def test_a_draft_names_the_licence_of_today(convention):
    set_status(make_proposal(make_axis()), 2025, Status.IMPLEMENTED)
    review = make_review(2025, published=False)

    use_odbl(convention)

    assert "Open Database License 1.0" in pdf_text(export_review(review, "pdf"))
