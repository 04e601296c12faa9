from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from proposals.feeds import StatusFeed
from proposals.sitemaps import SITEMAPS

from . import views
from .cache import cache_public_page

urlpatterns = [
    path("", include("proposals.urls")),
    path("bilans/", include("reports.urls")),
    path("flux/", cache_public_page()(StatusFeed()), name="feed"),
    path("sitemap.xml", cache_public_page("p")(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sante/", views.health, name="health"),
    path("admin/", admin.site.urls),
]

handler404 = "proposals.views.page_not_found"
handler500 = "proposals.views.server_error"
