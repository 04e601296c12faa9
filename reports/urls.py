from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("<int:year>/", views.review_detail, name="review-detail"),
    path("<int:year>.json", views.review_json, name="review-json"),
]
