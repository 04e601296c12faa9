import json

import tablib
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from core.cache import cache_public_page
from proposals.spreadsheets.cells import neutralise_row
from reports.documents import INLINE_FORMATS, document_response, filename, stored_document
from reports.formats import FORMATS
from reports.models import AnnualReview
from reports.summary import review_report, year_summaries
from reports.years import public_years

from .document_parts import review_context
from .exports import export_review

# A published review's page lists this many proposals of each status not implemented (the first,
# in the convention's order) and links to the table for the others; its documents list them all.
REVIEW_PAGE_LISTED = 50


def get_review_for_user(request, year: int) -> AnnualReview:
    """The review of `year` if this user may see it: 404 for an unpublished year,
    unless the user may preview drafts (`reports.preview_annualreview`)."""
    return get_object_or_404(AnnualReview.objects.visible_to(request.user), year=year)


def review_not_found(request, year: int):
    """A French page that says the year has no published review and lists those that do."""
    reviews = AnnualReview.objects.published()
    return render(request, "reports/review_not_found.html", {"year": year, "reviews": reviews}, status=404)


def _keep_drafts_private(response, report_is_draft: bool):
    """No shared cache may keep a draft and hand it to the public."""
    if report_is_draft:
        patch_cache_control(response, private=True, no_store=True)
    return response


@cache_public_page()
@require_safe
def review_list(request):
    years = public_years()
    summaries = year_summaries(years)
    reviews = AnnualReview.objects.in_bulk([year.year for year in years], field_name="year")
    entries = [(reviews[year.year], summaries[year.year].totals) for year in years]
    return render(request, "reports/review_list.html", {"entries": entries})


@cache_public_page()
@require_safe
def review_detail(request, year: int):
    try:
        review = get_review_for_user(request, year)
    except Http404:
        return review_not_found(request, year)
    # Staff preview a rectificatif in preparation with ?apercu=rectificatif; everyone else, and
    # by default, reads the published record.
    preview_correction = request.GET.get("apercu") == "rectificatif" and review.shows_correction_to(request.user)
    report = review_report(review, live=preview_correction, listed=REVIEW_PAGE_LISTED)
    context = review_context(report)
    if report.additions:
        context["deliberations_json"] = reverse("reports:review-deliberations-json", args=[year])
        context["deliberations_csv"] = reverse("reports:review-deliberations-csv", args=[year])
    if report.is_draft:
        context["documents"] = [
            (fmt, reverse(f"reports:review-{fmt}", args=[year]), filename(year, fmt, draft=True)) for fmt in FORMATS
        ]
    response = render(request, "reports/review_detail.html", context)
    return _keep_drafts_private(response, report.is_draft)


@cache_public_page()
@require_safe
def review_document(request, year: int, fmt: str):
    """The review as a PDF, XLSX, ODS, CSV or JSON document: a published review's stored bytes
    (usually answered by `documents.StoredDocumentMiddleware` before reaching here), a draft
    rendered for the staff who may preview it."""
    document = stored_document(year, fmt)
    if document is not None:
        return document_response(document, by_version=False)
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
@require_safe
def review_version_document(request, year: int, number: int, fmt: str):
    """A document of one published version (`/bilans/2025/v1.pdf`): the same bytes forever."""
    document = stored_document(year, fmt, number)
    if document is None:
        return review_not_found(request, year)
    return document_response(document, by_version=True)


DELIBERATION_COLUMNS = ["body", "date", "reference", "url", "recorded_on", "addition"]


@cache_public_page()
@require_safe
def review_deliberations(request, year: int, data_format: str):
    """Every deliberation of a published review's latest version, served live: those it
    published, then those recorded after it (`addition`), each with the date it was recorded
    (`recorded_on`). The stored documents never change; this is where the additions are."""
    review = AnnualReview.objects.published().filter(year=year).first()
    if review is None:
        return review_not_found(request, year)
    version = review.latest_version()
    records = version.deliberation_records()
    if data_format == "json":
        data = {"year": year, "version": version.number, "deliberations": records}
        return HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    dataset = tablib.Dataset(headers=DELIBERATION_COLUMNS)
    for record in records:
        dataset.append(
            neutralise_row(
                str(record[name]).lower() if name == "addition" else record[name] for name in DELIBERATION_COLUMNS
            )
        )
    response = HttpResponse("\ufeff" + dataset.export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, f"deliberations-{year}.csv")
    return response
