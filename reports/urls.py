from django.urls import path

from . import views

app_name = "reports"

FORMATS = ("pdf", "xlsx", "ods", "csv", "json")

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("<int:year>/", views.review_detail, name="review-detail"),
    # One document per format: `reports:review-pdf`, `reports:review-xlsx`, … `reports:review-json`
    # (the latest published version), and each version's own: `reports:review-version-pdf`…
    *[path(f"<int:year>.{fmt}", views.review_document, {"fmt": fmt}, name=f"review-{fmt}") for fmt in FORMATS],
    *[
        path(
            f"<int:year>/v<int:number>.{fmt}", views.review_version_document, {"fmt": fmt}, name=f"review-version-{fmt}"
        )
        for fmt in FORMATS
    ],
]
