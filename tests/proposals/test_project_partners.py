"""A project has a leading institution and may have partner institutions: shown on its page,
in its import and its export."""

import pytest
from django.urls import reverse

from proposals.models import Project
from tests.backoffice.helpers import export, import_and_confirm, import_errors, spreadsheet, upload
from tests.factory import make_institution, make_project

pytestmark = pytest.mark.django_db

HEADERS = ["identifiant", "titre", "resume", "focus", "porteur", "annee_lancement", "etat", "propositions"]


@pytest.fixture
def institutions():
    make_institution("ville", "Ville de Test")
    make_institution("metropole", "Métropole de Test")
    make_institution("region", "Région de Test")


def test_the_project_page_names_its_lead_and_its_partners(citizen, institutions):
    project = make_project(lead="ville", slug="plan-velo", title="Plan vélo")
    project.partners.set([make_institution("metropole"), make_institution("region")])

    page = citizen.get(reverse("public_site:project-detail", args=["plan-velo"])).content.decode()

    assert "Ville de Test" in page
    assert "Partenaires" in page
    assert "Métropole de Test" in page and "Région de Test" in page


def test_the_import_reads_the_partners_and_the_export_writes_them(superuser_client, institutions):
    row = ["plan-velo", "Plan vélo", "", "", "ville", "2025", "En cours", ""]
    content = spreadsheet([*HEADERS, "partenaires"], [[*row, "Métropole de Test ; region"]], "csv")

    assert import_and_confirm(superuser_client, "project", content, "csv").status_code == 302

    project = Project.objects.get(slug="plan-velo")
    assert project.lead.code == "ville"
    assert sorted(project.partners.values_list("code", flat=True)) == ["metropole", "region"]
    header, line = export(superuser_client, "project", "csv").decode("utf-8-sig").splitlines()[:2]
    partners = dict(zip(header.split(","), line.split(","), strict=True))["partenaires"]
    assert sorted(partners.split(";")) == ["metropole", "region"]


def test_a_file_without_partners_still_imports(superuser_client, institutions):
    content = spreadsheet(HEADERS, [["plan-velo", "Plan vélo", "", "", "ville", "2025", "En cours", ""]], "csv")

    assert import_and_confirm(superuser_client, "project", content, "csv").status_code == 302
    assert Project.objects.get(slug="plan-velo").partners.count() == 0


def test_an_unknown_partner_is_a_french_error(superuser_client, institutions):
    row = ["plan-velo", "Plan vélo", "", "", "ville", "2025", "En cours", "", "inconnue"]
    preview = upload(superuser_client, "project", spreadsheet([*HEADERS, "partenaires"], [row], "csv"), "csv")

    assert "Porteur inconnu « inconnue »" in import_errors(preview)
    assert not Project.objects.exists()
