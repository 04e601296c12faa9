"""`manage.py export_report <year> --format … --output …`: the site's documents, from the shell."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from proposals.models import Status
from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db

FORMATS = ["pdf", "xlsx", "ods", "csv", "json"]


def export(year, fmt, output, *extra) -> str:
    stdout = io.StringIO()
    call_command("export_report", str(year), "--format", fmt, "--output", str(output), *extra, stdout=stdout)
    return stdout.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_writes_the_same_bytes_as_the_site(clermont, tmp_path, fmt):
    output = tmp_path / f"bilan.{fmt}"

    message = export(2025, fmt, output, "--base-url", "http://testserver/")

    assert output.read_bytes() == Client().get(f"/bilans/2025.{fmt}").content
    assert f"Bilan 2025 écrit dans {output}" in message


def test_it_writes_the_2025_figures(clermont, tmp_path):
    output = tmp_path / "bilan.json"

    export(2025, "json", output)

    data = json.loads(output.read_text())
    assert [axis["rate"] for axis in data["axes"]] == [87.5, 84.6, 81.8]
    assert data["totals"]["rate"] == 85.0


def test_it_exports_a_draft_marked_as_such(tmp_path):
    set_status(make_proposal(axis=make_axis()), 2026, Status.UNDERWAY)
    make_review(2026, published=False)
    output = tmp_path / "bilan.csv"

    message = export(2026, "csv", output)

    assert "(brouillon)" in message
    assert output.read_text(encoding="utf-8-sig").startswith("brouillon,cle,")


def test_an_unknown_year_is_a_clear_error(clermont, tmp_path):
    output = tmp_path / "bilan.pdf"

    with pytest.raises(CommandError, match=r"Aucun bilan pour l'année 1999\. Bilans existants : 2025\."):
        export(1999, "pdf", output)
    assert not output.exists()


def test_an_unknown_format_is_a_clear_error(clermont, tmp_path):
    with pytest.raises(
        CommandError, match=r"Format inconnu : « docx »\. Formats possibles : pdf, xlsx, ods, csv, json\."
    ):
        export(2025, "docx", tmp_path / "bilan.docx")


def test_an_unwritable_output_is_a_clear_error(clermont, tmp_path):
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        export(2025, "json", tmp_path / "missing-folder" / "bilan.json")
