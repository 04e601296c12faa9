"""What a publication tells followers, computed once from the published record (never from the
live rows, which may have moved on): plain data stored in the Announcement, from which each
follower's message takes what concerns them.

Every kind of news has the same shape:
- `changes`: the proposals it is about, each with its key, proposal id and axis slug (who follows
  them is told);
- `axes`: the axes it is about (their followers are told), by slug;
- `everyone`: whether the followers of every review are told (every publication, never a project);
plus what each kind says (the statuses, rates and summary of a review; the grades and statements
of the committee; the project delivered).
"""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from assessments.models import CommitteeVersion
from proposals.models import Project, Status
from reports.formatting import fr_date, fr_fraction
from reports.models import ReviewVersion
from reports.summary import frozen_summary


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _proposal(entry) -> dict:
    """What every kind says of a proposal: its key, id, number, title, axis and page."""
    return {
        "key": entry.key,
        "proposal_id": entry.proposal_id,
        "number": entry.number,
        "title": entry.display_title,
        "axis": entry.axis_slug,
        "url": _absolute(entry.get_absolute_url()),
    }


def _source(source: dict) -> dict:
    """A source as a message cites it: its label, reference and date in words, its address."""
    date = fr_date(datetime.date.fromisoformat(source["date"])) if source.get("date") else ""
    return {
        "label": source["label"],
        "details": ", ".join(part for part in (source.get("reference", ""), date) if part),
        "url": source.get("url", ""),
    }


def _baseline(version: ReviewVersion, previous: ReviewVersion | None) -> ReviewVersion | None:
    """What a version is compared with: the version it corrects, else the latest published
    version of the latest earlier year (None before the first review)."""
    if previous is not None:
        return previous
    return (
        ReviewVersion.objects.filter(review__year__lt=version.review.year)
        .select_related("review")
        .order_by("-review__year", "-number")
        .first()
    )


def review_news(version: ReviewVersion, previous: ReviewVersion | None) -> dict:
    """The proposals whose status changed (old → new, explanation, sources), the rates per axis
    and overall as the version froze them."""
    review = version.review
    baseline = _baseline(version, previous)
    before = dict(baseline.entries.values_list("key", "status")) if baseline is not None else {}
    changes = []
    for entry in version.entries.select_related("proposal").order_by("position"):
        old = before.get(entry.key, Status.NOT_ASSESSED.value)
        if old == entry.status:
            continue
        changes.append(
            {
                **_proposal(entry),
                "old": str(Status.of(old).label),
                "new": str(Status.of(entry.status).label),
                "explanation": entry.explanation,
                "sources": [_source(source) for source in entry.sources],
            }
        )
    summary = frozen_summary(review.year, version.figures)
    changed_axes = {change["axis"] for change in changes}
    return {
        "year": review.year,
        "version": version.number,
        "correction": version.is_correction,
        "reason": version.reason,
        "url": _absolute(review.get_absolute_url()),
        "changes": changes,
        "rates": [
            {"slug": tally.axis.slug, "name": tally.axis.name, "rate": fr_fraction(*_figures(tally))}
            for tally in summary.axes
        ],
        "total": fr_fraction(*_figures(summary.totals)),
        "axes": sorted(changed_axes),
        "axis_names": {tally.axis.slug: tally.axis.name for tally in summary.axes},
        "everyone": True,
    }


def _figures(tally) -> tuple:
    return tally.implemented, tally.proposals, tally.rate


def review_subject(news: dict) -> str:
    if news["correction"]:
        return _("Rectificatif du bilan %(year)s publié") % {"year": news["year"]}
    return _("Bilan %(year)s publié") % {"year": news["year"]}


def committee_news(version: CommitteeVersion, previous: CommitteeVersion | None) -> dict:
    """The assessments published (for a rectificatif, those that changed), the axis statements
    (new or changed) and the committee's statement on the year."""
    review = version.review
    before = {}
    statements_before = {}
    if previous is not None:
        before = {entry.key: (entry.grade, entry.comment, entry.fidelity) for entry in previous.entries.all()}
        statements_before = {item["slug"]: item["text"] for item in previous.axis_statements}
    changes = []
    for entry in version.entries.select_related("proposal__axis").order_by("pk"):
        if before.get(entry.key) == (entry.grade, entry.comment, entry.fidelity):
            continue
        changes.append(
            {
                **_proposal_of_assessment(entry),
                "grade": entry.grade_label,
                "fidelity": entry.fidelity_label,
                "comment": entry.comment,
            }
        )
    statements = [
        item for item in version.axis_statements if item["text"] and statements_before.get(item["slug"]) != item["text"]
    ]
    return {
        "year": review.year,
        "version": version.number,
        "correction": version.is_correction,
        "reason": version.reason,
        "statement": version.statement,
        "changes": changes,
        "statements": statements,
        "axes": sorted({change["axis"] for change in changes} | {item["slug"] for item in statements}),
        "axis_names": {
            **{entry.axis_slug: entry.axis_name for entry in version.entries.all()},
            **{item["slug"]: item["name"] for item in version.axis_statements},
        },
        "everyone": True,
    }


def _live_proposal(proposal) -> dict:
    """A proposal as it stands now (the committee's entries and projects keep no frozen title)."""
    return {
        "key": proposal.key,
        "proposal_id": proposal.pk,
        "number": proposal.number,
        "title": proposal.display_title,
        "axis": proposal.axis.slug,
        "url": _absolute(proposal.get_absolute_url()),
    }


def _proposal_of_assessment(entry) -> dict:
    """An assessed proposal, under the key and axis the committee's version froze."""
    proposal = entry.proposal
    live = _live_proposal(proposal) if proposal is not None else {"number": None, "title": entry.key, "url": ""}
    return {**live, "key": entry.key, "proposal_id": entry.proposal_id, "axis": entry.axis_slug}


def committee_subject(news: dict) -> str:
    if news["correction"]:
        return _("Rectificatif de l'avis du comité de suivi sur %(year)s") % {"year": news["year"]}
    return _("Avis du comité de suivi sur %(year)s publié") % {"year": news["year"]}


def project_news(project: Project) -> dict:
    """A project delivered, and the proposals it carries out (their followers are told)."""
    proposals = project.proposals.select_related("axis").order_by(*project.proposals.model._meta.ordering)
    return {
        "title": project.title,
        "summary": project.summary,
        "url": _absolute(project.get_absolute_url()),
        "changes": [_live_proposal(proposal) for proposal in proposals],
        "axes": [],
        "everyone": False,
    }


def project_subject(news: dict) -> str:
    return _("Projet réalisé : %(title)s") % {"title": news["title"]}
