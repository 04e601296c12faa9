"""The open data described for machines: a Frictionless Data Package (`/donnees/datapackage.json`)
with a Table Schema per CSV, and a DCAT-AP 2.1 catalogue in JSON-LD (`/donnees/catalogue.jsonld`)
of every published document and open-data file.

The schemas come from the same columns as the page /donnees/ (`opendata.PROPOSAL_COLUMNS`,
`ASSESSMENT_COLUMNS`). Every address is absolute, from `SITE_URL`; a document's is its version's
own, which never changes, with the SHA-256 of the stored bytes.
"""

from collections import defaultdict

from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments.models import MAX_GRADE, CommitteeVersion, Fidelity
from proposals.models import Convention
from reports.formats import FORMATS
from reports.formatting import fr_date
from reports.models import ReviewDocument, ReviewVersion
from reports.rows import PROPOSAL_COLUMNS

from .opendata import ASSESSMENT_COLUMNS

# How both the table's CSV and a review's are written (Python's csv «excel» dialect, after a
# UTF-8 byte order mark): Table Schema's CSV dialect (https://specs.frictionlessdata.io/csv-dialect/).
CSV_DIALECT = {
    "delimiter": ",",
    "lineTerminator": "\r\n",
    "quoteChar": '"',
    "doubleQuote": True,
    "skipInitialSpace": False,
    "header": True,
    "caseSensitiveHeader": True,
}

# Constraints the proposals' app cannot know: the committee's rules.
ASSESSMENT_CONSTRAINTS = {
    "avis_note": {"minimum": 0, "maximum": MAX_GRADE},
    "avis_fidelite": {"enum": Fidelity.values},
}


def table_schema(convention: Convention, *, with_assessment: bool) -> dict:
    """The Table Schema of the table's CSV (`with_assessment`: its committee's columns too) or of a
    review's: one row per proposal, `cle` its key; an empty cell is a missing value."""
    columns = PROPOSAL_COLUMNS + (ASSESSMENT_COLUMNS if with_assessment else [])
    return {
        "fields": [
            column.schema_field(convention, **ASSESSMENT_CONSTRAINTS.get(column.name, {})) for column in columns
        ],
        "primaryKey": ["cle"],
        "missingValues": [""],
    }


def _csv_resource(name: str, url: str, title: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "path": url,
        "profile": "tabular-data-resource",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        # UTF-8, after a byte order mark (so that spreadsheet software reads it as UTF-8).
        "encoding": "utf-8",
        "dialect": CSV_DIALECT,
        "schema": schema,
    }


def _licence(convention: Convention) -> dict:
    return {"path": convention.licence_url, "title": convention.licence_title}


def _latest_versions() -> list[ReviewVersion]:
    """The latest published version of each year, newest year first (one query)."""
    versions = ReviewVersion.objects.select_related("review").order_by("-review__year", "-number")
    latest = {}
    for version in versions.only("number", "published_at", "review__year"):
        latest.setdefault(version.review.year, version)
    return list(latest.values())


def data_package(base_url: str) -> dict:
    """The Data Package of the open data: the table's CSV, then each published review's (two queries)."""
    convention = Convention.current()
    resources = [
        _csv_resource(
            "propositions",
            base_url + reverse("public_site:proposal-csv"),
            _("Le tableau de suivi des propositions"),
            _(
                "Une ligne par proposition, avec son statut dans le dernier bilan publié et l'avis du comité de "
                "suivi sur cette année ; les mêmes filtres que le tableau dans l'adresse (« annee », « axe »…)."
            ),
            table_schema(convention, with_assessment=True),
        )
    ]
    review_schema = table_schema(convention, with_assessment=False)
    for version in _latest_versions():
        year = version.review.year
        resources.append(
            _csv_resource(
                f"bilan-{year}",
                base_url + reverse("public_site:review-csv", args=[year]),
                _("Bilan %(year)s : les propositions") % {"year": year},
                _(
                    "Une ligne par proposition comptée par le bilan %(year)s, telle que sa dernière version "
                    "(version %(number)s) l'a publiée ; chaque version reste à son adresse propre : %(url)s."
                )
                % {
                    "year": year,
                    "number": version.number,
                    "url": base_url + reverse("public_site:review-version-csv", args=[year, version.number]),
                },
                review_schema,
            )
        )
    return {
        "profile": "tabular-data-package",
        "name": slugify(convention.short_name or convention.name) or "convention",
        "id": base_url + reverse("public_site:datapackage"),
        "title": convention.name,
        "description": _("Les données ouvertes du suivi : le tableau des propositions et les bilans annuels publiés."),
        "homepage": base_url + reverse("public_site:opendata"),
        "licenses": [_licence(convention)],
        "resources": resources,
    }


# DCAT-AP 2.1 in JSON-LD (https://semiceu.github.io/DCAT-AP/releases/2.1.1/).

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "adms": "http://www.w3.org/ns/adms#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FRENCH = "http://publications.europa.eu/resource/authority/language/FRA"
DATA_PACKAGE_SPEC = "https://specs.frictionlessdata.io/data-package/"


def _ref(url: str) -> dict:
    return {"@id": url}


def _when(moment) -> dict:
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _media_type(content_type: str) -> dict:
    return _ref("https://www.iana.org/assignments/media-types/" + content_type.split(";")[0])


def _checksum(sha256: str) -> dict:
    return {
        "@type": "spdx:Checksum",
        "spdx:algorithm": _ref("spdx:checksumAlgorithm_sha256"),
        "spdx:checksumValue": {"@value": sha256, "@type": "xsd:hexBinary"},
    }


def _dated(node: dict, issued, modified) -> dict:
    if issued is not None:
        node["dct:issued"] = _when(issued)
    if modified is not None:
        node["dct:modified"] = _when(modified)
    return node


def _document_distribution(
    document: ReviewDocument, base_url: str, versions: set, package_url: str, licence: dict
) -> dict:
    """One stored document of one version, at the version's own address, with its checksum."""
    version = document.version
    year, fmt = version.review.year, document.fmt
    url = base_url + document.get_absolute_url()
    if version.is_correction:
        note = _("Rectificatif publié le %(date)s : %(reason)s") % {
            "date": fr_date(timezone.localdate(version.published_at)),
            "reason": version.reason,
        }
    else:
        note = _("Première version publiée.")
    node = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": _("Bilan %(year)s, version %(number)s (%(format)s)")
        % {"year": year, "number": version.number, "format": fmt.upper()},
        "dct:description": note,
        "dcat:accessURL": _ref(base_url + version.review.get_absolute_url()),
        "dcat:downloadURL": _ref(url),
        "dcat:mediaType": _media_type(FORMATS[fmt].content_type),
        "dct:format": _ref(FILE_TYPE + fmt.upper()),
        "dcat:byteSize": {"@value": str(document.size), "@type": "xsd:decimal"},
        "spdx:checksum": _checksum(document.sha256),
        # The licence the version was published under (its documents name it), else today's.
        "dct:license": _ref(version.figures["licence"]["url"]) if "licence" in version.figures else licence,
    }
    if fmt == "csv":
        node["dct:conformsTo"] = _ref(package_url)
    # The versions of the same document, one replacing the other.
    for link, number in (("dct:replaces", version.number - 1), ("dct:isReplacedBy", version.number + 1)):
        if (year, number) in versions:
            node[link] = _ref(base_url + reverse(f"public_site:review-version-{fmt}", args=[year, number]))
    return _dated(node, version.published_at, version.published_at)


def _review_datasets(base_url: str, package_url: str, licence: dict) -> list[dict]:
    """A dataset per published review, newest first, with every stored document of every version
    (two queries; the documents' bytes are not read)."""
    versions = list(
        ReviewVersion.objects.select_related("review")
        .only("number", "published_at", "reason", "situation_date", "figures", "review__year")
        .order_by("-review__year", "number")
    )
    numbers = {(version.review.year, version.number) for version in versions}
    by_pk = {version.pk: version for version in versions}
    stored = defaultdict(list)
    for document in ReviewDocument.objects.only("version", "fmt", "size", "sha256").order_by("fmt"):
        document.version = by_pk[document.version_id]
        stored[document.version_id].append(document)
    datasets: dict[int, dict] = {}
    for version in versions:  # each year's versions in order: the last one is the latest
        year = version.review.year
        dataset = datasets.setdefault(
            year,
            {
                "@id": base_url + version.review.get_absolute_url(),
                "@type": "dcat:Dataset",
                "dct:title": str(version.review),
                "dct:description": _(
                    "Le bilan annuel %(year)s : la situation de chaque proposition au %(date)s et les chiffres "
                    "qui en découlent, dans chaque version publiée (PDF, XLSX, ODS, CSV, JSON)."
                )
                % {"year": year, "date": fr_date(version.situation_date)},
                "dcat:landingPage": _ref(base_url + version.review.get_absolute_url()),
                "dct:language": _ref(FRENCH),
                "dct:issued": _when(version.published_at),
                "dcat:distribution": [],
            },
        )
        dataset["dct:modified"] = _when(version.published_at)
        dataset["owl:versionInfo"] = str(version.number)
        dataset["dcat:distribution"] += [
            _document_distribution(document, base_url, numbers, package_url, licence) for document in stored[version.pk]
        ]
    return list(datasets.values())


def _publication_dates() -> tuple:
    """When the first review was published, and the latest publication (review or committee)."""
    reviews = ReviewVersion.objects.aggregate(first=Min("published_at"), last=Max("published_at"))
    committee = CommitteeVersion.objects.aggregate(last=Max("published_at"))["last"]
    latest = max((moment for moment in (reviews["last"], committee) if moment is not None), default=None)
    return reviews["first"], latest


def dcat_catalogue(base_url: str) -> dict:
    """The DCAT-AP catalogue of the open data and of every published document (five queries)."""
    convention = Convention.current()
    licence = _ref(convention.licence_url)
    package_url = base_url + reverse("public_site:datapackage")
    issued, modified = _publication_dates()
    return {
        "@context": CONTEXT,
        "@id": base_url + reverse("public_site:catalogue"),
        "@type": "dcat:Catalog",
        "dct:title": convention.name,
        "dct:description": _(
            "Les données ouvertes du suivi et chaque document publié des bilans annuels, à leur adresse "
            "stable, avec leur empreinte SHA-256."
        ),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": convention.name},
        "dct:language": _ref(FRENCH),
        "dct:license": licence,
        "foaf:homepage": _ref(base_url + reverse("public_site:home")),
        "dcat:dataset": [_tracking_dataset(base_url, package_url, issued, modified, licence)]
        + _review_datasets(base_url, package_url, licence),
    }


def _tracking_dataset(base_url: str, package_url: str, issued, modified, licence: dict) -> dict:
    """The tracking table as open data: its CSV (conforming to the data package), its JSON, and
    the data package itself."""
    page = _ref(base_url + reverse("public_site:opendata"))

    def distribution(url: str, title: str, fmt: str, media_type: str, **more) -> dict:
        node = {
            "@id": url,
            "@type": "dcat:Distribution",
            "dct:title": title,
            "dcat:accessURL": page,
            "dcat:downloadURL": _ref(url),
            "dcat:mediaType": _media_type(media_type),
            "dct:format": _ref(FILE_TYPE + fmt),
            "dct:license": licence,
        }
        return _dated(node | more, issued, modified)

    return _dated(
        {
            "@id": base_url + reverse("public_site:proposal-list"),
            "@type": "dcat:Dataset",
            "dct:title": _("Le tableau de suivi des propositions"),
            "dct:description": _(
                "Chaque proposition, son statut dans le dernier bilan publié et l'avis du comité de suivi."
            ),
            "dcat:landingPage": page,
            "dct:language": _ref(FRENCH),
            "dcat:distribution": [
                distribution(
                    base_url + reverse("public_site:proposal-csv"),
                    _("Le tableau de suivi en CSV"),
                    "CSV",
                    "text/csv",
                    **{"dct:conformsTo": _ref(package_url)},
                ),
                distribution(
                    base_url + reverse("public_site:proposal-json"),
                    _("Le tableau de suivi en JSON"),
                    "JSON",
                    "application/json",
                ),
                distribution(
                    package_url,
                    _("La description des fichiers CSV (Data Package)"),
                    "JSON",
                    "application/json",
                    **{"dct:conformsTo": _ref(DATA_PACKAGE_SPEC)},
                ),
            ],
        },
        issued,
        modified,
    )
