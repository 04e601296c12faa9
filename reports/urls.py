from django.urls import path, register_converter

from . import views

app_name = "reports"


class CanonicalNumber:
    """A year or a version number as the site writes it: no leading zero, no sign. `<int:…>`
    would also take `02025` or `v001`, each a new address for the same page or document, and a
    new entry in every cache."""

    regex = "[1-9][0-9]*"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(CanonicalNumber, "natural")

FORMATS = ("pdf", "xlsx", "ods", "csv", "json")

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("<natural:year>/", views.review_detail, name="review-detail"),
    # One document per format: `reports:review-pdf`, `reports:review-xlsx`, … `reports:review-json`
    # (the latest published version), and each version's own: `reports:review-version-pdf`…
    *[path(f"<natural:year>.{fmt}", views.review_document, {"fmt": fmt}, name=f"review-{fmt}") for fmt in FORMATS],
    *[
        path(
            f"<natural:year>/v<natural:number>.{fmt}",
            views.review_version_document,
            {"fmt": fmt},
            name=f"review-version-{fmt}",
        )
        for fmt in FORMATS
    ],
]
