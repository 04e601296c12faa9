"""One row per proposal, with stable column names: the open-data contract.

The tracking table's CSV/JSON (`/propositions.csv`), the review's CSV and its proposals
sheet all take their rows from here, and `/donnees/` documents these very columns.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .models import Institution, Project, Proposal, Status


@dataclass(frozen=True)
class Column:
    name: str
    description: str


PROPOSAL_COLUMNS = [
    Column("cle", _("Identifiant stable de la proposition (utilisé dans son adresse)")),
    Column("numero", _("Numéro officiel de la proposition, vide s'il n'est pas connu")),
    Column("axe", _("Identifiant de l'axe de transition (ecologique, democratique, sociale…)")),
    Column("axe_libelle", _("Nom de l'axe de transition")),
    Column("intitule", _("Intitulé de la proposition, vide s'il reste à compléter")),
    Column(
        "porteur",
        _("Codes des institutions chargées (voir leur liste ci-dessous), séparés par « ; », vide si inconnues"),
    ),
    Column("annee", _("Année de la situation donnée (bilan)")),
    Column(
        "statut",
        _("Code du statut à cette date : implemented, underway, not_implemented, out_of_scope, not_assessed"),
    ),
    Column("statut_libelle", _("Libellé du statut en français")),
    Column("annee_statut", _("Année du suivi annuel dont vient le statut, vide si la proposition n'a pas été évaluée")),
    Column("projets", _("Identifiants des projets qui la mettent en œuvre, séparés par « ; »")),
    Column("url", _("Adresse de la page de la proposition sur ce site")),
]


def proposals_for_rows(queryset, year):
    """`queryset` with what `proposal_rows` reads as of `year` (a `reports.years.ReviewYear`, or
    None before any publication), in a fixed number of queries."""
    from reports.years import proposals_as_of  # the reviews depend on the proposals

    return (
        proposals_as_of(year, queryset)
        .select_related("axis")
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("slug").order_by("slug")),
            Prefetch("leads", queryset=Institution.objects.only("code", "order", "name")),
        )
    )


def proposal_row(proposal: Proposal, year: int | None, base_url: str = "") -> dict:
    status = Status.of(proposal.status_as_of)
    return {
        "cle": proposal.key,
        "numero": proposal.number,
        "axe": proposal.axis.slug,
        "axe_libelle": proposal.axis.name,
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
    the links absolute."""
    number = year.year if year else None
    return [proposal_row(proposal, number, base_url) for proposal in proposals_for_rows(queryset, year)]
