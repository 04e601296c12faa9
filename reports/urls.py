from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("<int:year>/", views.review_detail, name="review-detail"),
    # One document per format: `reports:review-pdf`, `reports:review-xlsx`, … `reports:review-json`.
    *[
        path(f"<int:year>.{fmt}", views.review_document, {"fmt": fmt}, name=f"review-{fmt}")
        for fmt in ("pdf", "xlsx", "ods", "csv", "json")
    ],
]
