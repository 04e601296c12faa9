"""The tracking table's open data (`/propositions.csv|json`): the proposals' rows
(`reports.rows`), joined with the committee's published assessment of the year."""

from django.utils.translation import gettext_lazy as _

from proposals.models import Proposal
from reports.rows import Column, proposal_row, proposals_for_rows

from .committee import with_committee

# The committee's voice, beside the institutions' status: in `/propositions.csv|json` only (a
# review's documents are the institutions' record). Empty when the committee has not published
# its assessment of the year, or did not assess the proposal.
ASSESSMENT_COLUMNS = [
    Column("avis_note", _("Note du comité de suivi sur 10 (0 à 10), vide s'il n'a pas donné de note"), type="integer"),
    Column(
        "avis_fidelite",
        _("Avis du comité sur la fidélité à la proposition : faithful, partial, distorted, not_taken, ou vide"),
    ),
    Column("avis_commentaire", _("Commentaire public du comité de suivi")),
]


def proposal_rows_with_assessment(queryset, year, committee_version: int | None, base_url: str = "") -> list[dict]:
    """`reports.rows.proposal_rows` followed by the ASSESSMENT_COLUMNS from the committee's published
    `committee_version` of the year (empty when None): the same queries, joined."""
    number = year.year if year else None
    queryset = proposals_for_rows(queryset, year)
    if committee_version:
        queryset = with_committee(queryset, committee_version)
    return [proposal_row(proposal, number, base_url) | assessment_row(proposal) for proposal in queryset]


def assessment_row(proposal: Proposal) -> dict:
    return {
        "avis_note": getattr(proposal, "committee_grade", None),
        "avis_fidelite": getattr(proposal, "committee_fidelity", None) or "",
        "avis_commentaire": getattr(proposal, "committee_comment", None) or "",
    }
