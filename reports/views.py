from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from convention.cache import cache_public_page

from .exports import FORMATS, export_review, filename, review_context
from .models import AnnualReview
from .summary import review_report, review_summaries

# Documents a browser shows rather than downloads.
INLINE_FORMATS = {"pdf", "json"}


def get_review_for_user(request, year: int) -> AnnualReview:
    """The review of `year` if this user may see it: 404 for an unpublished year,
    unless the user may preview drafts (`reports.preview_annualreview`)."""
    return get_object_or_404(AnnualReview.objects.visible_to(request.user), year=year)


def review_not_found(request, year: int):
    """A French page that says the year has no published review and lists those that do."""
    reviews = AnnualReview.objects.published()
    return render(request, "reports/review_not_found.html", {"year": year, "reviews": reviews}, status=404)


def _keep_drafts_private(response, review: AnnualReview):
    """No shared cache may keep a draft and hand it to the public."""
    if not review.is_published:
        patch_cache_control(response, private=True, no_store=True)
    return response


@cache_public_page()
@require_safe
def review_list(request):
    reviews = list(AnnualReview.objects.published())
    summaries = review_summaries([review.year for review in reviews]) if reviews else {}
    entries = [(review, summaries[review.year].totals) for review in reviews]
    return render(request, "reports/review_list.html", {"entries": entries})


@cache_public_page()
@require_safe
def review_detail(request, year: int):
    try:
        review = get_review_for_user(request, year)
    except Http404:
        return review_not_found(request, year)
    context = review_context(review_report(review))
    context["documents"] = [
        (document.label, reverse(f"reports:review-{fmt}", args=[year]), filename(review, fmt))
        for fmt, document in FORMATS.items()
    ]
    response = render(request, "reports/review_detail.html", context)
    return _keep_drafts_private(response, review)


@cache_public_page()
@require_safe
def review_document(request, year: int, fmt: str):
    """The review as a PDF, XLSX, ODS, CSV or JSON document (see `reports.exports`)."""
    try:
        review = get_review_for_user(request, year)
    except Http404:
        return review_not_found(request, year)
    content = export_review(review, fmt, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(content, content_type=FORMATS[fmt].content_type)
    disposition = "inline" if fmt in INLINE_FORMATS else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename(review, fmt)}"'
    return _keep_drafts_private(response, review)
