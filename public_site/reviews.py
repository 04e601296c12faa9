import json

import tablib
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from core.cache import anonymous, cache_public_page, memoized
from proposals.spreadsheets.cells import neutralise_row
from reports.documents import INLINE_FORMATS, filename
from reports.formats import FORMATS
from reports.models import AnnualReview
from reports.report import review_report
from reports.summary import year_summaries
from reports.years import public_years

from .context_processors import site_values
from .document_parts import review_context
from .exports import export_review

# A published review's page lists this many proposals of each status not implemented (the first,
# in the convention's order) and links to the table (paged) for the others; its documents list
# them all. A few phone screens a group: the first city's groups (a few each) are listed whole.
REVIEW_PAGE_LISTED = 10


def get_review_for_user(request, year: int) -> AnnualReview:
    """The review of `year` if this user may see it: 404 for an unpublished year,
    unless the user may preview drafts (`reports.preview_annualreview`)."""
    return get_object_or_404(AnnualReview.objects.visible_to(request.user), year=year)


def review_not_found(request, year: int):
    """A French page that says the year has no published review and lists those that do."""
    reviews = AnnualReview.objects.published()
    return render(request, "public_site/reviews/review_not_found.html", {"year": year, "reviews": reviews}, status=404)


def _keep_drafts_private(response, report_is_draft: bool):
    """No shared cache may keep a draft and hand it to the public."""
    if report_is_draft:
        patch_cache_control(response, private=True, no_store=True)
    return response


@cache_public_page()
def review_list(request):
    years = public_years()
    summaries = year_summaries(years)
    reviews = AnnualReview.objects.in_bulk([year.year for year in years], field_name="year")
    entries = [(reviews[year.year], summaries[year.year].totals) for year in years]
    return render(request, "public_site/reviews/review_list.html", {"entries": entries})


def _review_page_context(review: AnnualReview, *, live: bool = False) -> tuple[dict, bool]:
    """What the review's page shows, and whether it is a draft."""
    report = review_report(review, live=live, listed=REVIEW_PAGE_LISTED)
    context = review_context(report)
    if report.additions:
        context["deliberations_json"] = reverse("public_site:review-deliberations-json", args=[review.year])
        context["deliberations_csv"] = reverse("public_site:review-deliberations-csv", args=[review.year])
    return context, report.is_draft


@memoized
def published_review_page(year: int, archived_at) -> dict | None:
    """What the page of the published review of `year` shows, the same for everyone (None: no
    published review that year). Once per process and content generation: the record, its figures,
    the committee's voice and the lists are read and laid out once, not at every request, and
    the article (the page but the site's header and footer) rendered once, in `article`.
    `archived_at`: settings.SITE_ARCHIVED_AT, which the site's templates read (`site_values`): a
    page rendered for the static archive is kept apart."""
    review = AnnualReview.objects.published().filter(year=year).first()
    if review is None:
        return None
    # The convention it is rendered with is the page's too (its title, its description).
    context = _review_page_context(review)[0] | site_values()
    return context | {"article": render_to_string("public_site/reviews/_review_article.html", context)}


@cache_public_page()
def review_detail(request, year: int):
    # Staff preview a rectificatif in preparation with ?apercu=rectificatif, or a draft; everyone
    # else, and by default, reads the published record.
    if anonymous(request):
        context = published_review_page(year, settings.SITE_ARCHIVED_AT)
        if context is not None:
            return render(request, "public_site/reviews/review_detail.html", context)
    try:
        review = get_review_for_user(request, year)
    except Http404:
        return review_not_found(request, year)
    preview_correction = request.GET.get("apercu") == "rectificatif" and review.shows_correction_to(request.user)
    context, is_draft = _review_page_context(review, live=preview_correction)
    if is_draft:
        context["documents"] = [
            (fmt, reverse(f"public_site:review-{fmt}", args=[year]), filename(year, fmt, draft=True)) for fmt in FORMATS
        ]
    response = render(request, "public_site/reviews/review_detail.html", context)
    return _keep_drafts_private(response, is_draft)


@cache_public_page()
def review_document(request, year: int, fmt: str):
    """The review as a PDF, XLSX, ODS, CSV or JSON document when none is stored: a draft
    rendered for the staff who may preview it (or a published version stored without its
    documents). Stored bytes never reach here: `reports.documents.StoredDocumentMiddleware`
    answers them, the one path of a stored document."""
    try:
        review = get_review_for_user(request, year)
    except Http404:
        return review_not_found(request, year)
    latest = review.latest_version()
    draft = latest is None
    content = export_review(review, fmt, base_url=settings.SITE_URL)
    response = HttpResponse(content, content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = content_disposition_header(
        fmt not in INLINE_FORMATS, filename(year, fmt, number=latest.number if latest else None, draft=draft)
    )
    return _keep_drafts_private(response, draft)


@cache_public_page()
def review_version_document(request, year: int, number: int, fmt: str):
    """A document of one published version (`/bilans/2025/v1.pdf`): the same bytes forever,
    answered by `reports.documents.StoredDocumentMiddleware` when stored; here, it is not."""
    return review_not_found(request, year)


DELIBERATION_COLUMNS = ["body", "date", "reference", "url", "recorded_on", "addition"]


@cache_public_page()
def review_deliberations(request, year: int, data_format: str):
    """Every deliberation of a published review's latest version, served live: those it
    published, then those recorded after it (`addition`), each with the date it was recorded
    (`recorded_on`). The stored documents never change; this is where the additions are."""
    review = AnnualReview.objects.published().filter(year=year).first()
    if review is None:
        return review_not_found(request, year)
    version = review.latest_version()
    rows = version.deliberation_rows()
    if data_format == "json":
        data = {"year": year, "version": version.number, "deliberations": rows}
        return HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    dataset = tablib.Dataset(headers=DELIBERATION_COLUMNS)
    for row in rows:
        dataset.append(
            neutralise_row(str(row[name]).lower() if name == "addition" else row[name] for name in DELIBERATION_COLUMNS)
        )
    response = HttpResponse("\ufeff" + dataset.export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, f"deliberations-{year}.csv")
    return response
