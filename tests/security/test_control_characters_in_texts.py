"""Control characters pasted into a text (Word's line break `\\x0b`, a bell `\\x07`): refused at
the door with a French message (forms, admin, imports), and every output survives one that is
already in the database: the feed, the open data, the spreadsheets, the PDF, the admin export
and «Publier le rectificatif»."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from proposals.models import Proposal
from reports.models import AnnualReview
from tests.backoffice.helpers import FORMAT_INDEX, import_errors, spreadsheet, upload
from tests.factory import make_axis, make_proposal, make_review, run_queued_publications, set_status

pytestmark = pytest.mark.django_db

CONTROLS = ["\x0b", "\x07"]


# At the door.


@pytest.mark.parametrize("control", CONTROLS)
def test_the_admin_form_refuses_a_control_character_in_french(editor_client, control):
    axis = make_axis()
    data = {"key": "velo", "axis": axis.pk, "title": f"Développer{control} le vélo", "order": 0}

    response = editor_client.post(reverse("admin:proposals_proposal_add"), data)

    assert response.status_code == 200
    assert "caractère de contrôle invisible" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("control", CONTROLS)
def test_an_import_refuses_a_control_character_in_french(editor_client, control):
    make_axis(slug="ecologique")
    headers = ["cle", "numero", "axe", "titre", "texte", "resume", "porteur", "ordre"]
    row = ["velo", "", "ecologique", f"Développer{control} le vélo", "", "", "", 1]

    response = upload(editor_client, "proposal", spreadsheet(headers, [row], "csv"), "csv")

    assert response.context.get("confirm_form") is None
    assert f"caractère de contrôle invisible (code {ord(control)})" in import_errors(response)
    assert not Proposal.objects.exists()


def test_line_breaks_stay_in_multi_line_texts_only():
    proposal = Proposal(key="velo", axis=make_axis(), summary="Une ligne.\nUne autre.\tFin.")
    proposal.full_clean()

    proposal.title = "Développer\nle vélo"
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert "tient sur une ligne" in str(error.value.message_dict["title"])


# At the exit, with a control character already in the database.


@pytest.fixture(params=CONTROLS)
def control(request):
    """A published 2025, a draft 2026, and then titles and explanations holding `control`."""
    axis = make_axis(slug="ecologique", name="Transition écologique")
    velo = make_proposal(axis, key="velo", title="Développer le vélo")
    set_status(velo, 2025, "underway", explanation="Les travaux commencent.")
    make_review(2025)
    make_review(2026, published=False)
    Proposal.objects.filter(key="velo").update(title=f"Développer{request.param} le vélo")
    velo.yearly_statuses.update(explanation=f"Les travaux{request.param} commencent.")
    return request.param


def test_the_feed_survives(citizen, clerk_client, control):
    clerk_client.post(reverse("admin:reports_annualreview_correct", args=[review_pk(2025)]), {"reason": "Erreur"})
    clerk_client.post(reverse("admin:reports_annualreview_publish", args=[review_pk(2025)]), {"confirm": "1"})
    assert run_queued_publications() == 1

    response = citizen.get("/flux/")

    assert response.status_code == 200
    titles = [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]
    assert "2025 · Développer le vélo : En cours" in titles


@pytest.mark.parametrize("url", ["/propositions.csv?annee=2025", "/propositions.json?annee=2025", "/propositions/"])
def test_the_open_data_and_the_table_survive(citizen, control, url):
    response = citizen.get(url)

    assert response.status_code == 200
    assert "Développer" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "ods", "csv", "json"])
def test_the_draft_documents_survive(clerk_client, control, fmt):
    response = clerk_client.get(f"/bilans/2026.{fmt}")

    assert response.status_code == 200
    if fmt == "csv":
        assert "Développer le vélo" in response.content.decode("utf-8-sig")


def test_the_xlsx_holds_the_title_without_the_control_character(clerk_client, control):
    book = load_workbook(io.BytesIO(clerk_client.get("/bilans/2026.xlsx").content))

    cells = [cell.value for row in book.worksheets[1].iter_rows() for cell in row]
    assert "Développer le vélo" in cells


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_the_admin_export_survives(superuser_client, control, fmt):
    response = superuser_client.post(
        reverse("admin:proposals_proposal_export"), {"format": FORMAT_INDEX[fmt], "resource": "0"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_the_rectificatif_is_published(clerk_client, citizen, control):
    review = AnnualReview.objects.get(year=2025)
    clerk_client.post(reverse("admin:reports_annualreview_correct", args=[review.pk]), {"reason": "Une erreur"})

    clerk_client.post(reverse("admin:reports_annualreview_publish", args=[review.pk]), {"confirm": "1"})
    assert run_queued_publications() == 1

    assert review.versions.count() == 2
    for fmt in ["pdf", "xlsx", "ods", "csv", "json"]:
        assert citizen.get(f"/bilans/2025/v2.{fmt}").status_code == 200


def review_pk(year: int) -> int:
    return AnnualReview.objects.get(year=year).pk
