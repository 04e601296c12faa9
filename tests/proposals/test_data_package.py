"""The open data described for machines: the Data Package (/donnees/datapackage.json) that
`frictionless` validates every CSV against, and the DCAT-AP catalogue (/donnees/catalogue.jsonld)
whose checksums are those of the bytes served."""

import hashlib
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from frictionless import Package, Resource
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from assessments.models import Fidelity
from proposals.models import Convention, Proposal, Status, YearlyStatus
from public_site.opendata import ASSESSMENT_COLUMNS
from reports.models import AnnualReview, ReviewDocument
from reports.publication import review_open_correction, review_publish
from reports.rows import PROPOSAL_COLUMNS
from tests.reports.test_record import build_published
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
REASON = "Le statut des pistes cyclables était erroné."


def build_corrected():
    """`build_published`'s 2025 review, then a rectificatif (version 2): the bikes are done. A
    title with a comma and quotes, to be quoted as the dialect says."""
    proposals = build_published()
    Proposal.objects.filter(key="logement").update(title='Un logement « digne », pour "tous"')
    review = AnnualReview.objects.get(year=2025)
    review_open_correction(review, reason=REASON)
    yearly = YearlyStatus.objects.get(proposal=proposals["bikes"], year=2025)
    yearly.status = Status.IMPLEMENTED
    yearly.save()
    review_publish(review)
    return proposals


@pytest.fixture
def corrected(db):
    return replayed(build_corrected)


def served(client, url: str) -> bytes:
    """The bytes served at `url`, an absolute address on this site."""
    assert url.startswith(settings.SITE_URL + "/")
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200, url
    return response.content


def package(client) -> dict:
    response = client.get("/donnees/datapackage.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def validate(descriptor: dict, content: bytes, tmp_path, name: str = "data.csv"):
    """frictionless's report on `content` read as the resource `descriptor` says."""
    local = tmp_path / name
    local.write_bytes(content)
    return Resource(descriptor | {"path": name}, basepath=str(tmp_path)).validate()


def assert_every_csv_is_valid(client, tmp_path) -> dict:
    """The package as served is valid, and so is each of its CSVs as served (`frictionless
    validate` on the package, its files fetched here: the test server has no network address)."""
    descriptor = package(client)
    assert Package.validate_descriptor(descriptor).valid
    local = []
    for resource in descriptor["resources"]:
        content = served(client, resource["path"])
        (tmp_path / f"{resource['name']}.csv").write_bytes(content)
        local.append(resource | {"path": f"{resource['name']}.csv"})
        header = content.decode("utf-8").removeprefix("\ufeff").split("\r\n")[0]
        assert header.split(",") == [field["name"] for field in resource["schema"]["fields"]]
    report = Package(descriptor | {"resources": local}, basepath=str(tmp_path)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    assert len(report.tasks) == len(descriptor["resources"])
    return descriptor


def test_frictionless_validates_every_csv_of_clermont_against_the_package(citizen, clermont, tmp_path):
    descriptor = assert_every_csv_is_valid(citizen, tmp_path)

    assert [resource["path"] for resource in descriptor["resources"]] == [
        "http://testserver/propositions.csv",
        "http://testserver/bilans/2025.csv",
    ]
    assert descriptor["licenses"] == [
        {"path": settings.OPEN_DATA_LICENSE_URL, "title": settings.OPEN_DATA_LICENSE_TITLE}
    ]
    table = descriptor["resources"][0]
    assert table["encoding"] == "utf-8" and table["dialect"]["delimiter"] == ","
    fields = {field["name"]: field for field in table["schema"]["fields"]}
    assert table["schema"]["primaryKey"] == ["cle"]
    assert fields["statut"]["constraints"] == {"enum": Status.values, "required": True}
    assert fields["avis_fidelite"]["constraints"] == {"enum": Fidelity.values}
    assert fields["avis_note"]["type"] == "integer"
    assert fields["avis_note"]["constraints"] == {"minimum": 0, "maximum": 10}
    # One source for the page and the schema: the same descriptions, in the convention's words.
    page = citizen.get("/donnees/").content.decode()
    for column in PROPOSAL_COLUMNS + ASSESSMENT_COLUMNS:
        description = column.in_words_of(Convention.current()).description
        assert fields[column.name]["description"] == description
        assert description.replace("'", "&#x27;") in page


def test_the_schema_rejects_a_csv_that_breaks_it(citizen, clermont, tmp_path):
    table = package(citizen)["resources"][0]
    content = served(citizen, table["path"]).decode("utf-8")
    broken = content.replace(",implemented,", ",fait,", 1)

    report = validate(table, broken.encode(), tmp_path)

    assert not report.valid
    assert [error.type for error in report.tasks[0].errors] == ["constraint-error"]


def test_a_rectificatif_s_csvs_are_valid_too_the_first_version_s_included(citizen, corrected, tmp_path):
    descriptor = assert_every_csv_is_valid(citizen, tmp_path)
    review = descriptor["resources"][1]
    version_1 = served(citizen, "http://testserver/bilans/2025/v1.csv")

    assert review["name"] == "bilan-2025" and "version 2" in review["description"]
    assert "http://testserver/bilans/2025/v2.csv" in review["description"]
    assert validate(review, version_1, tmp_path, "v1.csv").valid
    assert '"Un logement « digne », pour ""tous"""' in served(citizen, review["path"]).decode()


def catalogue(client) -> Graph:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/donnees/catalogue.jsonld")
    # The catalogue reads the documents' fingerprints, never their bytes.
    assert not any('"content"' in query["sql"] for query in queries.captured_queries)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    return Graph().parse(data=response.content, format="json-ld")


def checksums(graph: Graph) -> dict[URIRef, str]:
    """Each distribution with a checksum: its download URL, the SHA-256 it declares."""
    found = {}
    for distribution, checksum in graph.subject_objects(SPDX.checksum):
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        found[graph.value(distribution, DCAT.downloadURL)] = str(graph.value(checksum, SPDX.checksumValue))
    return found


def test_the_catalogue_gives_each_stored_document_with_the_checksum_of_the_bytes_served(citizen, clermont):
    graph = catalogue(citizen)
    found = checksums(graph)

    assert len(found) == ReviewDocument.objects.count() == 5
    for url, sha256 in found.items():
        assert hashlib.sha256(served(citizen, str(url))).hexdigest() == sha256
    pdf = URIRef("http://testserver/bilans/2025/v1.pdf")
    assert graph.value(pdf, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/application/pdf")
    assert graph.value(pdf, DCT.license) == URIRef(settings.OPEN_DATA_LICENSE_URL)
    assert graph.value(pdf, DCT.issued).toPython().year == 2025
    csv = URIRef("http://testserver/bilans/2025/v1.csv")
    assert graph.value(csv, DCT.conformsTo) == URIRef("http://testserver/donnees/datapackage.json")
    table = URIRef("http://testserver/propositions.csv")
    assert (table, RDF.type, DCAT.Distribution) in graph
    assert graph.value(table, DCT.conformsTo) == URIRef("http://testserver/donnees/datapackage.json")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 2  # the table, the 2025 review


def test_the_catalogue_lists_both_versions_of_a_rectified_review(citizen, corrected):
    graph = catalogue(citizen)
    found = checksums(graph)

    assert len(found) == 10
    for url, sha256 in found.items():
        assert hashlib.sha256(served(citizen, str(url))).hexdigest() == sha256
    v1, v2 = URIRef("http://testserver/bilans/2025/v1.json"), URIRef("http://testserver/bilans/2025/v2.json")
    assert found[v1] != found[v2]
    assert graph.value(v1, DCT.isReplacedBy) == v2 and graph.value(v2, DCT.replaces) == v1
    assert REASON in str(graph.value(v2, DCT.description))
    year = URIRef("http://testserver/bilans/2025/")
    assert graph.value(year, DCT.modified) == graph.value(v2, DCT.issued)
    assert graph.value(year, URIRef("http://www.w3.org/2002/07/owl#versionInfo")) == Literal("2")


def test_an_empty_site_describes_its_empty_table(citizen, tmp_path):
    descriptor = assert_every_csv_is_valid(citizen, tmp_path)
    graph = catalogue(citizen)

    assert [resource["name"] for resource in descriptor["resources"]] == ["propositions"]
    assert checksums(graph) == {}
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 1


def test_the_data_page_links_the_package_and_the_catalogue(citizen, clermont):
    page = citizen.get("/donnees/").content.decode()

    assert 'href="/donnees/datapackage.json"' in page
    assert 'href="/donnees/catalogue.jsonld"' in page
    assert f'href="{settings.OPEN_DATA_LICENSE_URL}"' in page
