"""What every document of a review is made of (`exports`): its title, its date, the committee's
voice, the context the review's page and its PDF share, a draft's column; and the CSV and the
JSON, which the PDF attaches.
"""

import contextvars
import datetime
import json

import tablib
from django.utils.translation import gettext as _

from assessments.charts import voices_chart
from proposals.models import Convention, Proposal
from proposals.spreadsheets.cells import neutralise_row
from reports.charts import rate_chart, status_chart
from reports.report import ReviewReport
from reports.rows import PROPOSAL_COLUMNS, proposal_rows, with_carriers

from .committee import committee_report

DRAFT_COLUMN = "brouillon"


# JSON and CSV


def render_json(report: ReviewReport, base_url: str) -> bytes:
    """The review's figures; with the committee's averages when it had published its assessment
    of the year when the review was (the stored document never changes afterwards)."""
    data = report.as_dict()
    committee = committee_voice(report)
    if committee is not None:
        data["committee"] = committee.as_dict()
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _proposals_dataset(report: ReviewReport, base_url: str) -> tablib.Dataset:
    """One row per proposal (the open-data columns); a draft gets a first `brouillon` column."""
    rows = proposal_rows(Proposal.objects.all(), report.review_year, base_url)
    headers = [column.name for column in PROPOSAL_COLUMNS]
    dataset = tablib.Dataset(headers=headers, title=_("Propositions"))
    for row in rows:
        dataset.append(neutralise_row(row[name] for name in headers))
    if report.is_draft:
        dataset.insert_col(0, [_("Brouillon")] * len(rows), header=DRAFT_COLUMN)
    return dataset


def render_csv(report: ReviewReport, base_url: str) -> bytes:
    # The BOM lets spreadsheet software read the file as UTF-8 (as /propositions.csv does).
    return ("\ufeff" + _proposals_dataset(report, base_url).export("csv")).encode()


# What every document says the same way: its title, its date, the committee's voice, a draft's column.


def situation_time(review) -> datetime.datetime:
    return datetime.datetime.combine(review.situation_date, datetime.time())


def committee_voice(report: ReviewReport):
    """The committee's published assessment of the year beside `report` (public_site.committee), or None."""
    return committee_report(report.summary, _("Ensemble des propositions"), report.review_year.version_id)


def review_context(report: ReviewReport, *, base_url: str = "") -> dict:
    """What the review's page and its PDF show (they share their partial templates), with the
    committee's published voice beside it when there is one: on the page, the committee's
    latest; in a document, what it had published when the document was rendered."""
    total_label = _("Ensemble des propositions")
    committee = committee_voice(report)
    if report.proposals:
        with_carriers(report.proposals)  # the PDF's table says who carries each proposal
    return {
        "report": report,
        "review": report.review,
        "rows": report.rows(total_label=total_label),
        "status_chart": status_chart(report.summary, total_label),
        "rate_chart": rate_chart(report.history),
        "committee": committee,
        "voices_chart": voices_chart(committee) if committee else None,
        "base_url": base_url,
    }


def document_licence(report: ReviewReport, convention: Convention) -> dict:
    """{"title", "url"}: the licence a document names: the one frozen with its published version
    (a change of the convention's licence afterwards changes none of its documents), today's for
    a draft."""
    if report.version is not None:
        return report.version.licence()
    return {"title": convention.licence_title, "url": convention.licence_url}


def document_title(report: ReviewReport) -> str:
    """«Bilan 2025 — Convention citoyenne pour Clermont — version 2 (rectificatif)»: the title
    of every document of the review (a draft: «… — Brouillon»)."""
    title = _("Bilan %(year)s — %(name)s") % {"year": report.year, "name": Convention.current().name}
    identity = report.identity
    if identity is None:
        return f"{title} — {_('Brouillon')}"
    if identity.is_correction:
        return title + " — " + _("version %(number)s (rectificatif)") % {"number": identity.number}
    return title + " — " + _("version %(number)s") % {"number": identity.number}


# While a publication stores its documents (`render_stored_document`): its workbooks share their sheets.
storing = contextvars.ContextVar("storing_documents", default=False)
