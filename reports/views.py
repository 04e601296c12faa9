from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import AnnualReview
from .summary import review_summary


def get_review_for_user(request, year: int) -> AnnualReview:
    """The review of `year` if this user may see it: 404 for an unpublished year,
    unless the user may preview drafts."""
    return get_object_or_404(AnnualReview.objects.visible_to(request.user), year=year)


@require_safe
def review_list(request):
    reviews = AnnualReview.objects.published()
    return render(request, "reports/review_list.html", {"reviews": reviews})


@require_safe
def review_detail(request, year: int):
    review = get_review_for_user(request, year)
    return render(request, "reports/review_detail.html", {"review": review, "summary": review_summary(year)})


@require_safe
def review_json(request, year: int):
    review = get_review_for_user(request, year)
    data = {"year": review.year, "final": review.is_final, **review_summary(year).as_dict()}
    if not review.is_published:
        data["draft"] = True
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
