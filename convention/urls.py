from django.contrib import admin
from django.urls import include, path

from accounts.views import PasswordResetView
from follow.views import privacy

from . import views
from .admin import view_on_site

urlpatterns = [
    # The public site (`public_site:…`): the proposals' and the reviews' pages, the feed, the sitemap.
    path("", include("public_site.urls")),
    path("suivre/", include("follow.urls")),
    path("donnees-personnelles/", privacy, name="privacy"),
    path("sante/", views.health, name="health"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    # Before the admin's own: its «view on site» shortcut, for what the user may view only.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    # Staff accounts: invitations, password reset, the second factor. The reset form's name is
    # the one the admin's log-in page links to («Mot de passe oublié ?»).
    path("comptes/mot-de-passe/", PasswordResetView.as_view(), name="admin_password_reset"),
    path("comptes/", include("accounts.urls")),
    # Passkeys (django-otp-webauthn): the JSON steps its script calls, and its messages.
    path("comptes/webauthn/", include("accounts.webauthn_urls", namespace="otp_webauthn")),
    path("admin/", admin.site.urls),
]

handler400 = "public_site.views.bad_request"
handler404 = "public_site.views.page_not_found"
handler500 = "public_site.views.server_error"
