"""One row per proposal as of a review year, with stable column names: the open-data contract.

The tracking table's CSV/JSON (`/propositions.csv`, with the committee's columns added by
`public_site.opendata`), the review's CSV and its proposals sheet all take their rows from here, and
`/donnees/` documents these very columns.
"""

from dataclasses import dataclass, field, replace

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from proposals.models import Institution, Project, Proposal, Status

from .years import proposals_as_of


@dataclass(frozen=True)
class Column:
    """A column of the open-data files: its name, its description (on /donnees/ and in the data
    package's Table Schema, /donnees/datapackage.json) and its Table Schema type and constraints."""

    name: str
    description: str  # may name an axis as the convention does: %(axis)s
    type: str = "string"  # a Table Schema type: string, integer
    required: bool = False  # never empty
    constraints: dict = field(default_factory=dict)  # other Table Schema constraints: enum, minimum…
    format: str = "default"

    def in_words_of(self, convention) -> "Column":
        """The column described in the convention's words («l'axe : axe de transition»)."""
        return replace(self, description=str(self.description) % {"axis": convention.axis_name})

    def schema_field(self, convention, **constraints) -> dict:
        """The column as a Table Schema field, described in the convention's words; `constraints`
        adds to its own (the ones known to the apps above this one)."""
        described = {"name": self.name, "type": self.type, "description": self.in_words_of(convention).description}
        if self.format != "default":
            described["format"] = self.format
        constraints = self.constraints | constraints | ({"required": True} if self.required else {})
        if constraints:
            described["constraints"] = constraints
        return described


PROPOSAL_COLUMNS = [
    Column("cle", _("Identifiant stable de la proposition (utilisé dans son adresse)"), required=True),
    Column(
        "numero",
        _("Numéro officiel de la proposition, vide s'il n'est pas connu"),
        type="integer",
        constraints={"minimum": 0},
    ),
    Column("axe", _("Identifiant (valeur du filtre « axe ») de son %(axis)s"), required=True),
    Column("axe_libelle", _("Nom de son %(axis)s"), required=True),
    Column("intitule", _("Intitulé de la proposition, vide s'il reste à compléter")),
    Column(
        "porteur",
        _("Codes des institutions chargées (voir leur liste ci-dessous), séparés par « ; », vide si inconnues"),
    ),
    Column("annee", _("Année de la situation donnée (bilan)"), type="integer"),
    Column(
        "statut",
        _("Code du statut à cette date : implemented, underway, not_implemented, out_of_scope, not_assessed"),
        required=True,
        constraints={"enum": Status.values},
    ),
    # No enum of the labels: a stored review's CSV keeps its wording if a label is reworded.
    Column("statut_libelle", _("Libellé du statut en français"), required=True),
    Column(
        "annee_statut",
        _("Année du suivi annuel dont vient le statut, vide si la proposition n'a pas été évaluée"),
        type="integer",
    ),
    Column("projets", _("Identifiants des projets qui la mettent en œuvre, séparés par « ; »")),
    Column("url", _("Adresse de la page de la proposition sur ce site"), required=True, format="uri"),
]


def proposals_for_rows(queryset, year):
    """`queryset` with what `proposal_rows` reads as of `year` (a `reports.years.ReviewYear`, or
    None before any publication), in a fixed number of queries."""
    return (
        proposals_as_of(year, queryset)
        .select_related("axis")
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("slug", "title").order_by("slug")),
            Prefetch("leads", queryset=Institution.objects.only("code", "order", "name")),
        )
    )


def proposal_row(proposal: Proposal, year: int | None, base_url: str = "") -> dict:
    status = Status.of(proposal.status_as_of)
    return {
        "cle": proposal.key,
        "numero": proposal.number,
        # The axis as of the year: for a published year, as its review froze it.
        "axe": proposal.axis_slug_as_of,
        "axe_libelle": proposal.axis_name_as_of,
        "intitule": proposal.title,
        "porteur": ";".join(institution.code for institution in proposal.leads.all()),
        "annee": year,
        "statut": status.value,
        "statut_libelle": str(status.label),
        "annee_statut": proposal.status_year,
        "projets": ";".join(project.slug for project in proposal.projects.all()),
        "url": base_url + proposal.get_absolute_url(),
    }


def proposal_rows(queryset, year, base_url: str = "") -> list[dict]:
    """The rows of `queryset` (proposals) as of `year` (a ReviewYear or None); `base_url` makes
    the links absolute. Three queries whatever the size, reading only the columns the rows
    hold: a review's documents list every proposal (4,000 rows in a large convention), where
    model instances, their per-row prefetch querysets and annotations the rows do not read
    (the axis' published rank) cost seconds."""
    number = year.year if year else None
    fields = ["pk", "key", "number", "title", "axis_slug_as_of", "axis_name_as_of", "status_as_of", "status_year"]
    proposals = list(proposals_as_of(year, queryset).values(*fields))
    ids = [proposal["pk"] for proposal in proposals]
    leads = _names_by_proposal(
        Proposal.leads.through.objects.filter(proposal_id__in=ids).order_by(
            *(f"institution__{name}" for name in Institution._meta.ordering)
        ),
        "institution__code",
    )
    projects = _names_by_proposal(
        Proposal.projects.through.objects.filter(proposal_id__in=ids).order_by("project__slug"), "project__slug"
    )
    return [
        {
            "cle": proposal["key"],
            "numero": proposal["number"],
            "axe": proposal["axis_slug_as_of"],
            "axe_libelle": proposal["axis_name_as_of"],
            "intitule": proposal["title"],
            "porteur": ";".join(leads.get(proposal["pk"], [])),
            "annee": number,
            "statut": (status := Status.of(proposal["status_as_of"])).value,
            "statut_libelle": str(status.label),
            "annee_statut": proposal["status_year"],
            "projets": ";".join(projects.get(proposal["pk"], [])),
            "url": base_url + reverse("public_site:proposal-detail", args=[proposal["key"]]),
        }
        for proposal in proposals
    ]


def _names_by_proposal(links, name: str) -> dict[int, list[str]]:
    """{proposal id: [name, …]} from the rows of a many-to-many table, in their order."""
    names: dict[int, list[str]] = {}
    for proposal_id, value in links.values_list("proposal_id", name):
        names.setdefault(proposal_id, []).append(value)
    return names


# The council's sheet: the same proposals, as a secretary reads them (the review's XLSX and ODS).


@dataclass(frozen=True)
class CouncilColumn:
    """A column of the council's «Propositions» sheet: its French header, its width (in
    characters, as spreadsheets count them) and whether its text wraps."""

    header: str
    width: int
    wrap: bool = True


# The axis column's header is the convention's word for it («Thème», «Axe de transition»).
AXIS_HEADER = None

COUNCIL_COLUMNS = [
    CouncilColumn(_("N°"), 6, wrap=False),
    CouncilColumn(_("Proposition"), 50),
    CouncilColumn(AXIS_HEADER, 22),
    CouncilColumn(_("Portée par"), 24),
    CouncilColumn(_("Statut"), 16),
    CouncilColumn(_("Année du statut"), 10, wrap=False),
    CouncilColumn(_("Explication"), 60),
    CouncilColumn(_("Projets"), 30),
    CouncilColumn(_("Adresse de la page"), 45, wrap=False),
]

# Between the names of a cell that lists several (institutions, projects).
COUNCIL_SEPARATOR = " ; "


def council_headers(convention) -> list[str]:
    return [
        capfirst(convention.axis_name) if column.header is AXIS_HEADER else str(column.header)
        for column in COUNCIL_COLUMNS
    ]


def carriers(proposal) -> str:
    """Who carries `proposal` (a Proposal, or a published ReviewEntry): its institutions' names."""
    proposal = getattr(proposal, "proposal", proposal)
    return COUNCIL_SEPARATOR.join(institution.name for institution in proposal.leads.all())


def with_carriers(proposals: list) -> list:
    """`proposals` (Proposals, or a version's ReviewEntries) with their institutions, in one query."""
    if proposals and hasattr(proposals[0], "proposal"):
        prefetch_related_objects(proposals, Prefetch("proposal__leads", queryset=Institution.objects.all()))
    else:
        prefetch_related_objects(proposals, "leads")
    return proposals


def council_row(proposal: Proposal, base_url: str = "") -> list:
    """The values of `proposal` (from `proposals_for_rows`) under `COUNCIL_COLUMNS`: labels and
    names, never codes."""
    return [
        proposal.number,
        proposal.display_title,
        proposal.axis_name_as_of,
        carriers(proposal) or None,
        str(Status.of(proposal.status_as_of).label),
        proposal.status_year,
        proposal.explanation_as_of or None,
        COUNCIL_SEPARATOR.join(project.title for project in proposal.projects.all()) or None,
        base_url + proposal.get_absolute_url(),
    ]


def council_rows(queryset, year, base_url: str = "") -> list[list]:
    """The council's rows of `queryset` as of `year` (a ReviewYear or None)."""
    return [council_row(proposal, base_url) for proposal in proposals_for_rows(queryset, year)]
