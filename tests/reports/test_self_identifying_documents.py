"""Every document of a published version says which version it is, and the PDF is an archival,
tagged PDF that carries the review's own CSV and JSON.

The PDF checks: `pdfinfo` (poppler) for «Tagged» and the title, pikepdf for the structure tree,
the XMP metadata and the embedded files, and two checkers that judge whether the file conforms
(tests/pdf_checks.py): `page-validation` under PDF/A-3a and PDF/UA-1, and `pdfua`."""

import csv
import datetime
import hashlib
import io
import json
import subprocess
from dataclasses import dataclass

import pikepdf
import pytest
import tablib
from django.utils import timezone
from openpyxl import load_workbook

from proposals.models import Status, YearlyStatus
from reports.models import ReviewDocument
from reports.publication import review_open_correction, review_publish
from tests.factory import make_axis, make_proposal, make_review, set_status
from tests.pdf_checks import conformance_failures
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
REASON = "Le statut des pistes cyclables était erroné."


@dataclass
class Corrected:
    v1_documents: dict[str, tuple[bytes, str]]  # fmt -> (bytes, sha256) as stored at version 1


def build_corrected() -> Corrected:
    """A small convention whose 2025 review was published (version 1), then corrected by a
    rectificatif (version 2): a proposal «En cours» was in fact «Mise en œuvre»."""
    axis = make_axis(name="Climat", slug="climat")
    trees = make_proposal(axis=axis, title="Planter des arbres", order=1)
    bikes = make_proposal(axis=axis, title="Des pistes cyclables", order=2)
    set_status(trees, 2025, Status.IMPLEMENTED)
    set_status(bikes, 2025, Status.UNDERWAY)
    review = make_review(2025, documents=True)
    v1 = {document.fmt: (bytes(document.content), document.sha256) for document in ReviewDocument.objects.all()}
    review_open_correction(review, reason=REASON)
    YearlyStatus.objects.filter(proposal=bikes, year=2025).update(status=Status.IMPLEMENTED)
    review_publish(review, when=timezone.now() + datetime.timedelta(days=30))
    return Corrected(v1_documents=v1)


@pytest.fixture
def corrected(db) -> Corrected:
    return replayed(build_corrected)


def pdf_text(content: bytes, *, first_page_only: bool = False) -> str:
    pages = ["-l", "1"] if first_page_only else []
    result = subprocess.run(["pdftotext", *pages, "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().replace(NBSP, " ").split())


def pdf_info(content: bytes) -> dict[str, str]:
    output = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in output.splitlines())}


def test_each_version_s_json_names_itself_and_v2_names_the_pdf_it_replaces(citizen, corrected):
    v1 = json.loads(citizen.get("/bilans/2025/v1.json").content)
    v2 = json.loads(citizen.get("/bilans/2025/v2.json").content)
    latest = json.loads(citizen.get("/bilans/2025.json").content)

    assert list(v1)[:4] == ["year", "final", "totals", "axes"]  # the keys open data already reads
    assert v1["totals"]["implemented"] == 1 and v2["totals"]["implemented"] == 2
    assert v1["version"]["number"] == 1 and v1["version"]["first"] is True
    assert v1["version"]["replaces"] is None and v1["version"]["reason"] is None
    assert v2["version"]["number"] == 2 and v2["version"]["first"] is False
    assert v2["version"]["reason"] == REASON
    assert v2["version"]["replaces"] == {"number": 1, "sha256": corrected.v1_documents["pdf"][1]}
    assert v2["version"]["published_at"] > v1["version"]["published_at"]
    assert latest == v2


def test_version_1_s_stored_bytes_never_change(citizen, corrected):
    for fmt, (content, sha256) in corrected.v1_documents.items():
        response = citizen.get(f"/bilans/2025/v1.{fmt}")
        assert response.content == content, fmt
        assert hashlib.sha256(response.content).hexdigest() == sha256 == response["ETag"].strip('"'), fmt


def test_the_pdfs_say_on_their_first_page_and_in_their_metadata_which_version_they_are(citizen, corrected):
    v1 = citizen.get("/bilans/2025/v1.pdf").content
    v2 = citizen.get("/bilans/2025/v2.pdf").content

    first = pdf_text(v1, first_page_only=True)
    assert "Version : 1" in first and "Première version publiée" in first
    assert "Rectificatif" not in first
    cover = pdf_text(v2, first_page_only=True)
    assert "Version : 2" in cover and "Rectificatif" in cover and REASON in cover
    assert "Remplace la version : 1" in cover
    assert corrected.v1_documents["pdf"][1] in cover.replace(" ", "")  # a long hash may wrap
    info = pdf_info(v2)
    assert info["Title"] == "Bilan 2025 — Suivi de la convention citoyenne — version 2 (rectificatif)"
    assert REASON in info["Subject"]
    assert f"sha256:{corrected.v1_documents['pdf'][1]}" in info["Keywords"]
    assert pdf_info(v1)["Title"] == "Bilan 2025 — Suivi de la convention citoyenne — version 1"
    assert info["Tagged"] == pdf_info(v1)["Tagged"] == "yes"


@pytest.mark.engine_independent("the PDF checkers read the renderer's bytes")
def test_the_first_version_and_its_rectificatif_pass_both_pdf_checkers(citizen, corrected):
    for url in ("/bilans/2025/v1.pdf", "/bilans/2025/v2.pdf"):
        assert conformance_failures(citizen.get(url).content) == [], url


def test_the_spreadsheets_summary_sheet_says_which_version_it_is(citizen, corrected):
    xlsx = load_workbook(io.BytesIO(citizen.get("/bilans/2025/v2.xlsx").content))
    rows = [row[:2] for row in xlsx["Synthèse"].iter_rows(values_only=True)]
    v1_rows = [row[:2] for row in load_workbook(io.BytesIO(corrected.v1_documents["xlsx"][0]))["Synthèse"].values]
    ods = tablib.Databook().load(citizen.get("/bilans/2025/v2.ods").content, format="ods").sheets()[0]

    replaced = corrected.v1_documents["pdf"][1]
    expected = [
        ("Version", "2"),
        ("Nature", "Rectificatif"),
        ("Motif du rectificatif", REASON),
        ("Remplace la version", "1"),
        ("SHA-256 du PDF de la version remplacée", replaced),
    ]
    for line in expected:
        assert line in rows
        assert list(line) in [list(row[:2]) for row in ods]
    assert ("Nature", "Première version publiée") in v1_rows and ("Version", "1") in v1_rows
    assert REASON in xlsx.properties.subject and xlsx.properties.title.endswith("version 2 (rectificatif)")


def test_the_csv_file_names_its_version_and_its_json_says_the_rest(citizen, corrected):
    latest = citizen.get("/bilans/2025.csv")
    first = citizen.get("/bilans/2025/v1.csv")

    assert 'filename="bilan-convention-2025-v2.csv"' in latest["Content-Disposition"]
    assert 'filename="bilan-convention-2025-v1.csv"' in first["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(latest.content.decode("utf-8-sig"))))
    assert [row["statut"] for row in rows] == ["implemented", "implemented"]  # the columns as they were
    assert 'filename="bilan-convention-2025-v2.json"' in citizen.get("/bilans/2025.json")["Content-Disposition"]


def test_a_draft_says_brouillon_and_no_version(previewer_client, db):
    set_status(make_proposal(axis=make_axis()), 2026, Status.UNDERWAY)
    make_review(2026, published=False)

    data = json.loads(previewer_client.get("/bilans/2026.json").content)
    xlsx = load_workbook(io.BytesIO(previewer_client.get("/bilans/2026.xlsx").content))

    assert data["draft"] is True and "version" not in data
    assert xlsx.properties.title.endswith("Brouillon")
    assert [row[0] for row in xlsx["Synthèse"].iter_rows(min_row=2, values_only=True)] == ["Brouillon"] * 2


# The archival, tagged PDF (Clermont's frozen 2025 review: its stored bytes).


def structure_tags(pdf: pikepdf.Pdf) -> list[str]:
    tags = []
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                tags.append(str(node.S))
            if "/K" in node:
                stack.append(node.K)
    return tags


def figures_alt(pdf: pikepdf.Pdf) -> list[str]:
    alts = []
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                stack.append(node.K)
    return alts


def test_clermont_s_pdf_is_tagged_archival_and_carries_its_data(citizen, clermont):
    content = citizen.get("/bilans/2025.pdf").content
    stored = {document.fmt: bytes(document.content) for document in ReviewDocument.objects.filter(version__number=1)}

    info = pdf_info(content)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Bilan 2025 — Convention citoyenne pour Clermont — version 1"
    pdf = pikepdf.open(io.BytesIO(content))
    tags = structure_tags(pdf)
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Caption", "/Figure"} <= set(tags)
    assert tags.count("/H1") == 1
    alts = figures_alt(pdf)
    assert len(alts) >= 2 and all(alts)  # each chart has its text alternative (its SVG title)
    assert any("Répartition des propositions par statut" in alt for alt in alts)
    assert str(pdf.Root.Lang) == "fr"
    metadata = pdf.open_metadata()
    assert metadata["pdfaid:part"] == "3" and metadata["pdfaid:conformance"] == "A"
    assert metadata["pdfuaid:part"] == "1"
    assert b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in pdf.Root.Metadata.read_bytes()  # described for PDF/A
    assert metadata["dc:language"] == {"fr"}
    assert metadata["dc:title"] == info["Title"]
    assert metadata["xmp:CreateDate"] == json.loads(stored["json"])["version"]["published_at"]  # to the second
    attached = {name: file.get_file().read_bytes() for name, file in pdf.attachments.items()}
    assert attached == {"bilan-convention-2025-v1.csv": stored["csv"], "bilan-convention-2025-v1.json": stored["json"]}
    assert json.loads(attached["bilan-convention-2025-v1.json"])["totals"]["rate"] == 85.0
    assert all(pdf.attachments[name].obj.AFRelationship == "/Data" for name in attached)
    assert [pdf.attachments[name].get_file().mime_type for name in sorted(attached)] == ["text/csv", "application/json"]
    assert len(pdf.Root.AF) == 2  # PDF/A-3: the document declares its associated files


@pytest.mark.engine_independent("the PDF checkers read the renderer's bytes")
def test_clermont_s_pdf_passes_both_pdf_checkers(citizen, clermont):
    assert conformance_failures(citizen.get("/bilans/2025.pdf").content) == []
