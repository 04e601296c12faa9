from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from reports.models import AnnualReview

from .models import Project, Proposal, YearlyStatus


def current_year() -> int | None:
    """The year the public sees by default: the latest published review."""
    return AnnualReview.objects.latest_published_year()


@require_safe
def home(request):
    return render(request, "proposals/home.html", {"year": current_year()})


@require_safe
def proposal_list(request):
    year = current_year()
    proposals = Proposal.objects.select_related("axis").prefetch_related(
        Prefetch("projects", queryset=Project.objects.only("slug", "title"))
    )
    if year is not None:
        proposals = proposals.with_status_as_of(year)
    return render(request, "proposals/proposal_list.html", {"proposals": proposals, "year": year})


@require_safe
def proposal_detail(request, key: str):
    proposal = get_object_or_404(
        Proposal.objects.select_related("axis").prefetch_related(
            Prefetch("yearly_statuses", queryset=YearlyStatus.objects.prefetch_related("sources")),
            "projects",
        ),
        key=key,
    )
    return render(request, "proposals/proposal_detail.html", {"proposal": proposal})


@require_safe
def project_detail(request, slug: str):
    project = get_object_or_404(
        Project.objects.prefetch_related("key_figures", "proposals__axis"),
        slug=slug,
    )
    return render(request, "proposals/project_detail.html", {"project": project})
