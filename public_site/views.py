"""The public pages: what a citizen reads. Every page runs a fixed number of queries."""

import csv
from dataclasses import dataclass

from csp.utils import build_policy
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader

from assessments.models import AssessmentEntry
from core.cache import cache_public_page, memoized
from core.site import base_url
from proposals.models import Axis, Institution, KeyFigure, Project, Proposal, Status
from proposals.spreadsheets.cells import neutralise
from reports.models import ReviewEntry, mark_corrections
from reports.rows import PROPOSAL_COLUMNS
from reports.summary import year_summary
from reports.years import latest_public_year, public_years

from .cards import axis_embed, proposal_embed
from .catalogue import data_package, dcat_catalogue
from .committee import proposal_entries, public_years_with_committee
from .context_processors import current_convention
from .filters import ProposalFilter, table_filters
from .opendata import ASSESSMENT_COLUMNS, proposal_rows_with_assessment
from .table import COMMITTEE_FIELDS, ROW_FIELDS, table_body, table_rows


def current_year() -> int | None:
    """The year the public sees by default: the latest published review (one query)."""
    year = latest_public_year()
    return year.year if year else None


def _proposal_filter(request) -> ProposalFilter:
    """The tracking table's filters bound to the query string (two queries: axes, years)."""
    return ProposalFilter(request.GET, years=public_years_with_committee())


@cache_public_page()
def home(request):
    year = latest_public_year()
    summary = year_summary(year) if year else None
    # The convention's name and presentation come from the context processor (public_site.context_processors).
    return render(request, "public_site/proposals/home.html", {"year": year.year if year else None, "summary": summary})


# The tracking table's rows per page: a convention of the first city's size (40 proposals) fits
# on one page; a national one (146 measures) is paged, each page a phone can scroll through.
TABLE_PAGE_SIZE = 50


@dataclass(frozen=True)
class PageLink:
    number: int | str  # a page number, or the paginator's ellipsis between distant numbers
    querystring: str = ""  # the page's address with the filters kept; "" for the ellipsis
    current: bool = False


def page_links(page, querystring) -> list[PageLink]:
    """The pager's numbered links: the first and last pages and those around the current one;
    `querystring(page=n)` gives each one's query string (the filters kept)."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [
        PageLink(number, querystring(page=number), number == page.number)
        if isinstance(number, int)
        else PageLink(number)
        for number in numbers
    ]


def table_page(rows, number: str | None):
    """The page `number` of `rows` (a queryset); a missing, odd or out-of-range `number` gives the
    first or last page, never an error. The first page reads one row more than it shows: when
    that row is missing, the rows are all there is and the count costs no query (a city's whole
    table, most filtered tables, a search)."""
    paginator = Paginator(rows, TABLE_PAGE_SIZE)
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    first = list(rows[: TABLE_PAGE_SIZE + 1])
    if len(first) <= TABLE_PAGE_SIZE:
        paginator.count = len(first)
    page = paginator.get_page(1)
    page.object_list = first[:TABLE_PAGE_SIZE]
    return page


@cache_public_page(ProposalFilter, "page")
def proposal_list(request):
    filterset = table_filters(request.GET, current_convention(request))
    fields = ROW_FIELDS + COMMITTEE_FIELDS if filterset.committee_version else ROW_FIELDS
    page = table_page(filterset.qs.values(*fields), request.GET.get("page"))
    rows = table_rows(page.object_list, filterset.search_words)
    context = {
        "filterset": filterset,
        "filter_form": filterset.form_html,
        "rows": rows,
        "table_body": table_body(rows, filterset.axis_label, bool(filterset.committee_version)),
        "page": page,
        "year": filterset.year,
        "columns": filterset.columns(),
        "axis_label": filterset.axis_label,  # each row's label for the axis cell, «Thème»
        "committee": filterset.committee_version,
        "querystring": filterset.querystring(),
        "previous_querystring": filterset.querystring(page=page.number - 1),
        "next_querystring": filterset.querystring(page=page.number + 1),
        "page_links": page_links(page, filterset.querystring),
        "embed": axis_embed(request, filterset.chosen_axis),  # the table of one axis offers its card
    }
    return render(request, "public_site/proposals/proposal_list.html", context)


def _opendata_rows(request):
    filterset = _proposal_filter(request)
    # filterset.qs already carries the year's statuses: the rows read them from a plain queryset.
    queryset = Proposal.objects.filter(pk__in=filterset.qs.values("pk")).order_by(*filterset.ordering())
    rows = proposal_rows_with_assessment(
        queryset, filterset.review_year, filterset.committee_version, base_url=base_url(request)
    )
    return filterset, rows


def _filename(filterset, extension: str) -> str:
    return f"propositions-{filterset.year}.{extension}" if filterset.year else f"propositions.{extension}"


@cache_public_page(ProposalFilter)
def proposals_csv(request):
    filterset, rows = _opendata_rows(request)
    # The BOM lets spreadsheet software read the file as UTF-8.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(filterset, "csv")}"'
    response.write("\ufeff")
    writer = csv.DictWriter(response, fieldnames=[column.name for column in PROPOSAL_COLUMNS + ASSESSMENT_COLUMNS])
    writer.writeheader()
    writer.writerows({name: neutralise(value) for name, value in row.items()} for row in rows)
    return response


@cache_public_page(ProposalFilter)
def proposals_json(request):
    filterset, rows = _opendata_rows(request)
    data = {"annee": filterset.year, "nombre": len(rows), "propositions": rows}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{_filename(filterset, "json")}"'
    return response


NEIGHBOUR_FIELDS = ("pk", "key", "title", "short_title", "number")


@memoized
def axis_sequence(axis_id: int) -> list[tuple]:
    """The proposals of an axis in the table's order, as `NEIGHBOUR_FIELDS` (one query, once per
    process and content generation: every proposal page of the axis finds its neighbours there)."""
    return list(Proposal.objects.filter(axis_id=axis_id).order_by("order", "key").values_list(*NEIGHBOUR_FIELDS))


def _neighbours(proposal: Proposal) -> tuple[Proposal | None, Proposal | None]:
    """The previous and next proposals of the same axis, in the table's order (one query at most)."""
    siblings = axis_sequence(proposal.axis_id)
    index = next((index for index, sibling in enumerate(siblings) if sibling[0] == proposal.pk), None)
    if index is None:  # added or moved by another process since this one read the axis
        siblings = axis_sequence.__wrapped__(proposal.axis_id)
        index = next(index for index, sibling in enumerate(siblings) if sibling[0] == proposal.pk)

    def neighbour(position: int) -> Proposal | None:
        if not 0 <= position < len(siblings):
            return None
        return Proposal(**dict(zip(NEIGHBOUR_FIELDS, siblings[position], strict=True)))

    return neighbour(index - 1), neighbour(index + 1)


def timeline(entries: list[ReviewEntry]) -> list[ReviewEntry]:
    """A proposal's published statuses, newest first, once each: `entries` are its rows in the
    published reviews, oldest review first; a status carried unchanged into a later review (same
    `status_year`) is shown once, as the first review that published it said it."""
    seen = {}
    for entry in entries:
        if entry.status_year is not None:
            seen.setdefault(entry.status_year, entry)
    return sorted(seen.values(), key=lambda entry: entry.status_year, reverse=True)


@dataclass(frozen=True)
class YearRow:
    """One year of a proposal's page: the institutions' status that year set (`entry`), or the
    year whose status it carried unchanged (`carried_from`), beside the committee's assessment."""

    year: int
    entry: ReviewEntry | None
    carried_from: int | None
    assessment: AssessmentEntry | None


def year_by_year(entries: list[ReviewEntry], committee: dict[int, AssessmentEntry]) -> list[YearRow]:
    """The timeline's years, then the committee's, newest first: each status is written once (in
    the year that set it); a year the committee assessed whose review carried an earlier status
    points to that year instead of repeating it."""
    statuses = {entry.status_year: entry for entry in timeline(entries)}
    by_review = {entry.version.review.year: entry for entry in entries}
    rows = []
    for year in sorted(statuses.keys() | committee.keys(), reverse=True):
        carried = by_review.get(year)
        rows.append(
            YearRow(
                year=year,
                entry=statuses.get(year),
                carried_from=carried.status_year if carried and year not in statuses else None,
                assessment=committee.get(year),
            )
        )
    return rows


@dataclass(frozen=True)
class ProposalRecord:
    proposal: Proposal  # with its axis, projects and institutions
    year: int | None  # the latest published year
    entries: list[ReviewEntry]  # its rows in the published reviews, oldest first, rectificatifs marked
    current: ReviewEntry | None  # its row in the latest published review
    committee: dict[int, AssessmentEntry]  # the committee's published assessments, by year


@memoized
def proposal_record(key: str) -> ProposalRecord | None:
    """What the page of the proposal `key` shows, None when there is no such proposal: six
    queries at most, once per process and content generation (and key). Read-only: shared by the requests."""
    years = public_years()
    proposal = (
        Proposal.objects.select_related("axis")
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("slug", "title", "state").order_by("title")),
            "leads",
        )
        .filter(key=key)
        .first()
    )
    if proposal is None:
        return None
    # Only published reviews, as their latest version froze them: a draft year is never public.
    entries = ReviewEntry.objects.filter(proposal=proposal, version_id__in=[year.version_id for year in years])
    entries = sorted(entries.select_related("version__review"), key=lambda entry: entry.version.review.year)
    mark_corrections(entries)  # a status a rectificatif changed says so, with its date and reason
    return ProposalRecord(
        proposal=proposal,
        year=years[0].year if years else None,
        entries=entries,
        current=entries[-1] if entries and entries[-1].version.review.year == years[0].year else None,
        # The committee's voice, beside (never merged with) the institutions' status of each year.
        committee=proposal_entries(proposal),
    )


@cache_public_page()
def proposal_detail(request, key: str):
    record = proposal_record(key)
    if record is None:
        raise Http404
    proposal = record.proposal
    previous, following = _neighbours(proposal)
    context = {
        "proposal": proposal,
        "year": record.year,
        "current": record.current,
        "years": year_by_year(record.entries, record.committee),
        "previous": previous,
        "next": following,
        "has_committee": bool(record.committee),
        "embed": proposal_embed(request, proposal),
    }
    return render(request, "public_site/proposals/proposal_detail.html", context)


def projects_by_axis(projects: list[Project], axes: list[Axis]) -> list[tuple[Axis | None, list[Project]]]:
    """The projects under each axis their proposals belong to (a project may serve several);
    projects without proposals come last, under no axis."""
    groups: dict[int | None, list[Project]] = {axis.pk: [] for axis in axes}
    groups[None] = []
    for project in projects:
        axis_ids = {proposal.axis_id for proposal in project.proposals.all()} or {None}
        for axis_id in axis_ids:
            groups[axis_id].append(project)
    named = [(axis, groups[axis.pk]) for axis in axes]
    return [(axis, group) for axis, group in named + [(None, groups[None])] if group]


@cache_public_page()
def project_list(request):
    projects = list(
        Project.objects.select_related("lead")
        .only("slug", "title", "summary", "state", "lead__name")
        .prefetch_related(Prefetch("proposals", queryset=Proposal.objects.only("axis").order_by()))
    )
    groups = projects_by_axis(projects, list(Axis.objects.only("slug", "name")))
    return render(request, "public_site/proposals/project_list.html", {"groups": groups, "count": len(projects)})


@cache_public_page()
def project_detail(request, slug: str):
    year = latest_public_year()
    # Every proposal it serves, with its status in the latest review («Non évaluée» if not in it).
    served = Proposal.objects.select_related("axis")
    served = served.with_frozen_status(year.version_id, counted_only=False) if year else served.not_assessed()
    project = get_object_or_404(
        Project.objects.select_related("lead").prefetch_related(
            Prefetch("key_figures", queryset=KeyFigure.objects.order_by("order", "pk")),
            Prefetch("proposals", queryset=served),
            "partners",
        ),
        slug=slug,
    )
    return render(
        request, "public_site/proposals/project_detail.html", {"project": project, "year": year.year if year else None}
    )


@cache_public_page()
def opendata(request):
    convention = current_convention(request)
    context = {
        "columns": [column.in_words_of(convention) for column in PROPOSAL_COLUMNS],
        "assessment_columns": [column.in_words_of(convention) for column in ASSESSMENT_COLUMNS],
        "statuses": Status.choices,
        "institutions": list(Institution.objects.all()),
        "year": current_year(),
        "licence_url": convention.licence_url,
        "licence_title": convention.licence_title,
    }
    return render(request, "pages/opendata.html", context)


@cache_public_page()
def datapackage(request):
    """The open data's CSVs described for machines: a Frictionless Data Package."""
    return JsonResponse(data_package(base_url(request)), json_dumps_params={"ensure_ascii": False, "indent": 2})


@cache_public_page()
def catalogue(request):
    """Every published document and open-data file, in a DCAT-AP catalogue (JSON-LD)."""
    return JsonResponse(
        dcat_catalogue(base_url(request)),
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


@cache_public_page()
def accessibility(request):
    return render(request, "pages/accessibility.html")


def bad_request(request, exception=None):
    """The 400 (mostly a Host not in DJANGO_ALLOWED_HOSTS), rendered without the request (whose
    host is refused) and raised before most middleware: it says itself that nobody keeps it,
    and what it may load."""
    response = HttpResponseBadRequest(loader.render_to_string("400.html"))
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = build_policy()
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No database access here: the error may be the database itself.
    return render(request, "500.html", status=500)
