from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from proposals.feeds import StatusFeed
from proposals.sitemaps import SITEMAPS

from . import views
from .cache import cache_public_page

urlpatterns = [
    path("", include("proposals.urls")),
    path("", include("public.embed_urls")),
    path("bilans/", include("reports.urls")),
    # GET and HEAD only, as every other public page.
    path("flux/", require_safe(cache_public_page()(StatusFeed())), name="feed"),
    path("sitemap.xml", require_safe(cache_public_page("p")(sitemap)), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("suivre/", include("follow.urls")),
    path("sante/", views.health, name="health"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("admin/", admin.site.urls),
]

handler400 = "proposals.views.bad_request"
handler404 = "proposals.views.page_not_found"
handler500 = "proposals.views.server_error"
