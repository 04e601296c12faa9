"""The public pages: what a citizen reads. Every page runs a fixed number of queries."""

import csv

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from convention.cache import cache_public_page
from convention.site import base_url
from reports.models import AnnualReview
from reports.summary import review_summary

from .filters import NO_PUBLIC_YEAR, ProposalFilter
from .models import Axis, Convention, Institution, KeyFigure, Project, Proposal, Source, Status, YearlyStatus
from .opendata import PROPOSAL_COLUMNS, proposal_rows
from .table import ROW_FIELDS, table_rows


def published_years() -> list[int]:
    """The years the public may see, newest first (one query)."""
    return list(AnnualReview.objects.published().order_by("-year").values_list("year", flat=True))


def current_year() -> int | None:
    """The year the public sees by default: the latest published review."""
    return AnnualReview.objects.latest_published_year()


def _proposal_filter(request) -> ProposalFilter:
    """The tracking table's filters bound to the query string (two queries: axes, years)."""
    return ProposalFilter(request.GET, axes=list(Axis.objects.only("slug", "name")), years=published_years())


@cache_public_page()
@require_safe
def home(request):
    year = current_year()
    summary = review_summary(year) if year else None
    convention = Convention.objects.first()
    return render(request, "proposals/home.html", {"year": year, "summary": summary, "convention": convention})


# A city's whole convention fits on one page (Clermont: 40); a very large one is paged.
TABLE_PAGE_SIZE = 200


@cache_public_page(ProposalFilter, "page")
@require_safe
def proposal_list(request):
    filterset = _proposal_filter(request)
    # get_page: a missing, odd or out-of-range `page` gives the first or last page, never an error.
    page = Paginator(filterset.qs.values(*ROW_FIELDS), TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filterset": filterset,
        "rows": table_rows(page.object_list),
        "page": page,
        "year": filterset.year,
        "columns": filterset.columns(),
        "querystring": filterset.querystring(),
        "previous_querystring": filterset.querystring(page=page.number - 1),
        "next_querystring": filterset.querystring(page=page.number + 1),
    }
    return render(request, "proposals/proposal_list.html", context)


def _opendata_rows(request):
    filterset = _proposal_filter(request)
    year = filterset.year or NO_PUBLIC_YEAR
    return filterset, proposal_rows(filterset.qs, year, base_url=base_url(request))


def _filename(filterset, extension: str) -> str:
    return f"propositions-{filterset.year}.{extension}" if filterset.year else f"propositions.{extension}"


@cache_public_page(ProposalFilter)
@require_safe
def proposals_csv(request):
    filterset, rows = _opendata_rows(request)
    # The BOM lets spreadsheet software read the file as UTF-8.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(filterset, "csv")}"'
    response.write("\ufeff")
    writer = csv.DictWriter(response, fieldnames=[column.name for column in PROPOSAL_COLUMNS])
    writer.writeheader()
    writer.writerows(rows)
    return response


@cache_public_page(ProposalFilter)
@require_safe
def proposals_json(request):
    filterset, rows = _opendata_rows(request)
    data = {"annee": filterset.year, "nombre": len(rows), "propositions": rows}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{_filename(filterset, "json")}"'
    return response


def _neighbours(proposal: Proposal) -> tuple[Proposal | None, Proposal | None]:
    """The previous and next proposals of the same axis, in the table's order (two queries)."""
    siblings = Proposal.objects.filter(axis_id=proposal.axis_id).only("key", "title", "number")
    before = Q(order__lt=proposal.order) | Q(order=proposal.order, key__lt=proposal.key)
    after = Q(order__gt=proposal.order) | Q(order=proposal.order, key__gt=proposal.key)
    previous = siblings.filter(before).order_by("-order", "-key").first()
    following = siblings.filter(after).order_by("order", "key").first()
    return previous, following


@cache_public_page()
@require_safe
def proposal_detail(request, key: str):
    year = current_year()
    # Only the statuses of published years: a draft year's status is never public.
    timeline = YearlyStatus.objects.filter(year__lte=year or NO_PUBLIC_YEAR).prefetch_related(
        Prefetch("sources", queryset=Source.objects.order_by("date", "pk"))
    )
    proposal = get_object_or_404(
        Proposal.objects.select_related("axis").prefetch_related(
            Prefetch("yearly_statuses", queryset=timeline, to_attr="timeline"),
            Prefetch("projects", queryset=Project.objects.only("slug", "title", "state").order_by("title")),
        ),
        key=key,
    )
    previous, following = _neighbours(proposal)
    context = {
        "proposal": proposal,
        "year": year,
        "current": proposal.timeline[0] if proposal.timeline else None,
        "previous": previous,
        "next": following,
    }
    return render(request, "proposals/proposal_detail.html", context)


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
@require_safe
def project_list(request):
    projects = list(
        Project.objects.only("slug", "title", "summary", "state", "lead").prefetch_related(
            Prefetch("proposals", queryset=Proposal.objects.only("axis").order_by())
        )
    )
    groups = projects_by_axis(projects, list(Axis.objects.only("slug", "name")))
    return render(request, "proposals/project_list.html", {"groups": groups, "count": len(projects)})


@cache_public_page()
@require_safe
def project_detail(request, slug: str):
    year = current_year()
    served = Proposal.objects.with_status_as_of(year or NO_PUBLIC_YEAR).select_related("axis")
    project = get_object_or_404(
        Project.objects.prefetch_related(
            Prefetch("key_figures", queryset=KeyFigure.objects.order_by("order", "pk")),
            Prefetch("proposals", queryset=served),
        ),
        slug=slug,
    )
    return render(request, "proposals/project_detail.html", {"project": project, "year": year})


@cache_public_page()
@require_safe
def opendata(request):
    context = {
        "columns": PROPOSAL_COLUMNS,
        "statuses": Status.choices,
        "institutions": Institution.choices,
        "year": current_year(),
    }
    return render(request, "pages/opendata.html", context)


@cache_public_page()
@require_safe
def accessibility(request):
    return render(request, "pages/accessibility.html")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No database access here: the error may be the database itself.
    return render(request, "500.html", status=500)
