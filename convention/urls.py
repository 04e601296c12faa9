from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("proposals.urls")),
    path("bilans/", include("reports.urls")),
    path("sante/", views.health, name="health"),
    path("admin/", admin.site.urls),
]
