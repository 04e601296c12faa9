from django.contrib import admin
from django.urls import include, path

from follow.views import privacy

from . import views
from .admin import view_on_site

urlpatterns = [
    # The public site: the proposals' and the reviews' pages, the feed, the sitemap.
    path("", include("public_site.urls")),
    path("suivre/", include("follow.urls")),
    path("donnees-personnelles/", privacy, name="privacy"),
    path("sante/", views.health, name="health"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    # Before the admin's own: its «view on site» shortcut, for what the user may view only.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
]

handler400 = "public_site.views.bad_request"
handler404 = "public_site.views.page_not_found"
handler500 = "public_site.views.server_error"
