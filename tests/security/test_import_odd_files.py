"""Odd files: two rows with the same key (in any case), an unterminated quote, a cell too long for
the CSV reader, a NUL byte. Each is a French error and nothing is written."""

import pytest

from proposals.models import Proposal, YearlyStatus
from tests.backoffice.helpers import STATUS_HEADERS, import_and_confirm, import_errors, spreadsheet, upload
from tests.factory import make_axis, make_institution, make_proposal

pytestmark = pytest.mark.django_db
HEADERS = ["cle", "numero", "axe", "titre", "texte", "resume", "porteur", "ordre"]


@pytest.fixture
def axis():
    return make_axis(slug="ecologique", name="Transition écologique")


def refused(response):
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None


def test_two_rows_with_the_same_key_are_a_row_error(editor_client, axis):
    rows = [
        ["p1", "", "ecologique", "Premier", "", "", "ville", 1],
        ["p2", "", "ecologique", "Autre", "", "", "ville", 2],
        ["p1", "", "ecologique", "Second", "", "", "ville", 3],
    ]

    response = upload(editor_client, "proposal", spreadsheet(HEADERS, rows, "csv"), "csv")

    refused(response)
    errors = import_errors(response).splitlines()
    assert any(line.startswith("3:") and "Clé en double : déjà à la ligne 1" in line for line in errors), errors
    assert not Proposal.objects.exists()


def test_two_statuses_of_the_same_proposal_and_year_are_a_row_error(editor_client, axis):
    make_proposal(axis, key="p1")
    row = ["p1", 2025, "implemented", "", "Bilan", "https://example.org/b", "", "2025-12-01"]

    response = upload(editor_client, "yearlystatus", spreadsheet(STATUS_HEADERS, [row, row], "csv"), "csv")

    refused(response)
    assert "Clé en double : déjà à la ligne 1" in import_errors(response)
    assert not YearlyStatus.objects.exists()


def test_an_unterminated_quote_is_a_french_error(editor_client, axis):
    content = ",".join(HEADERS) + '\np1,,ecologique,"unterminated,,,ville,0\np2,,ecologique,Titre,,,ville,1\n'

    response = upload(editor_client, "proposal", content.encode(), "csv")

    refused(response)
    error = " ".join(response.context["form"].errors["import_file"])
    assert "guillemet" in error and "ligne" in error
    assert not Proposal.objects.exists()


def test_a_nul_byte_is_a_french_row_error(editor_client, axis):
    content = ",".join(HEADERS) + "\np1,,ecologique,Ti\x00tre,,,ville,1\n"

    response = upload(editor_client, "proposal", content.encode(), "csv")

    refused(response)
    errors = import_errors(response)
    assert "1:" in errors and "caractère de contrôle invisible (code 0)" in errors and "titre" in errors, errors
    assert not Proposal.objects.exists()


def test_one_key_in_two_cases_is_a_duplicate(editor_client, axis):
    rows = [
        ["dup-1", "", "ecologique", "Premier", "", "", "ville", 1],
        ["DUP-1", "", "ecologique", "Second", "", "", "ville", 2],
    ]

    response = upload(editor_client, "proposal", spreadsheet(HEADERS, rows, "csv"), "csv")

    refused(response)
    errors = import_errors(response).splitlines()
    assert any(line.startswith("2:") and "Clé en double : déjà à la ligne 1" in line for line in errors), errors
    assert not Proposal.objects.exists()


def test_a_key_in_other_cases_than_a_stored_one_is_refused(editor_client, axis):
    make_institution("ville")
    import_and_confirm(
        editor_client,
        "proposal",
        spreadsheet(HEADERS, [["dup-1", "", "ecologique", "Premier", "", "", "ville", 1]], "csv"),
        "csv",
    )

    response = upload(
        editor_client,
        "proposal",
        spreadsheet(HEADERS, [["DUP-1", "", "ecologique", "Second", "", "", "ville", 2]], "csv"),
        "csv",
    )

    refused(response)
    assert "déjà celle d'une autre proposition" in import_errors(response)
    assert list(Proposal.objects.values_list("key", "title")) == [("dup-1", "Premier")]


def test_a_csv_cell_over_128_kb_is_reported_as_too_long(editor_client, axis):
    content = ",".join(HEADERS) + "\np1,,ecologique," + "x" * 200_000 + ",,,ville,1\n"

    response = upload(editor_client, "proposal", content.encode(), "csv")

    refused(response)
    error = " ".join(response.context["form"].errors["import_file"])
    assert "trop longue" in error and "128 Ko" in error and "ligne 2" in error, error
    assert "guillemet" not in error
    assert not Proposal.objects.exists()
