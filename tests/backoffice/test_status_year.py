"""«A status's year is at most next year» (and at least the first year the database keeps): one
rule, `YearlyStatus.validate_year`, met by every path that writes a status."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals.models import YearlyStatus
from proposals.services import SourceData, yearly_status_set_bulk
from publishing.years import FIRST_YEAR, next_year
from tests.factory import make_proposal

from .helpers import STATUS_HEADERS, import_errors, spreadsheet, upload

pytestmark = pytest.mark.django_db

SOURCE = {"label": "Délibération", "url": "https://example.org/d", "date": "2025-12-15"}


@pytest.mark.parametrize("year", [FIRST_YEAR - 1, "after next year"])
def test_the_model_refuses_a_year_out_of_range(year):
    year = next_year() + 1 if year == "after next year" else year
    status = YearlyStatus(proposal=make_proposal(), year=year, status="underway")

    with pytest.raises(ValidationError) as refused:
        status.full_clean()

    assert refused.value.message_dict["year"] == [f"L'année doit être comprise entre {FIRST_YEAR} et {next_year()}."]


def test_the_model_accepts_next_year():
    YearlyStatus(proposal=make_proposal(), year=next_year(), status="underway").full_clean()


def test_the_admin_form_refuses_a_year_after_next_year(editor_client):
    proposal = make_proposal()
    data = {
        "proposal": proposal.pk,
        "year": next_year() + 1,
        "status": "underway",
        "explanation": "",
        "sources-TOTAL_FORMS": 1,
        "sources-INITIAL_FORMS": 0,
        "sources-MIN_NUM_FORMS": 0,
        "sources-MAX_NUM_FORMS": 1000,
        **{f"sources-0-{key}": value for key, value in SOURCE.items()},
    }

    response = editor_client.post(reverse("admin:proposals_yearlystatus_add"), data)

    assert response.status_code == 200
    assert "L&#x27;année doit être comprise entre" in response.content.decode()
    assert not YearlyStatus.objects.exists()


def test_the_bulk_service_refuses_a_year_after_next_year(editor):
    proposal = make_proposal()
    source = SourceData(label="Bilan", url="https://example.org/b", date=None)

    with pytest.raises(ValidationError, match="L'année doit être comprise entre"):
        yearly_status_set_bulk(
            proposals=[proposal], year=next_year() + 1, status="underway", explanation="", source=source, user=editor
        )

    assert not YearlyStatus.objects.exists()


def test_the_bulk_action_refuses_a_year_after_next_year(editor_client):
    proposal = make_proposal()
    data = {
        "action": "set_status_for_year",
        "_selected_action": [proposal.pk],
        "year": next_year() + 1,
        "status": "underway",
        **{f"source_{key}": value for key, value in SOURCE.items()},
        "apply": "1",
    }

    response = editor_client.post(reverse("admin:proposals_proposal_changelist"), data)

    assert response.status_code == 200
    assert "L&#x27;année doit être comprise entre" in response.content.decode()
    assert not YearlyStatus.objects.exists()


def test_the_import_refuses_a_year_after_next_year(editor_client):
    make_proposal(key="p1")
    row = ["p1", next_year() + 1, "underway", "", SOURCE["label"], SOURCE["url"], "", SOURCE["date"]]
    content = spreadsheet(STATUS_HEADERS, [row], "csv")

    response = upload(editor_client, "yearlystatus", content, "csv")

    assert response.context.get("confirm_form") is None
    assert "L'année doit être comprise entre" in import_errors(response)
    assert not YearlyStatus.objects.exists()
