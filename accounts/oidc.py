"""Single sign-on through the city's OpenID Connect provider (mozilla-django-oidc), when OIDC_ENABLED.

The provider says who the person is (their e-mail address); what they may do stays granted
here: a known address signs in to its account with its roles; an unknown one gets an account
without any role or staff access, until a superuser grants one. With OIDC_LOCAL_PASSWORDS off,
an account that signs in this way loses its local password (no reset either)."""

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


class StaffOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        """An address the provider says it has not verified (`email_verified` false) signs in to
        nothing: on a provider where anyone types their own address, it would open the account
        of the member of staff who has it. A provider that sends no such claim manages the
        addresses itself (a city's directory)."""
        if "email_verified" in claims and claims["email_verified"] is not True:
            return False
        return super().verify_claims(claims)

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims):
        """An unknown person: an account with no staff access and no role (a superuser decides)."""
        email = claims["email"].strip()
        user = self.UserModel(username=email, email=email, is_staff=False)
        user.set_unusable_password()
        user.save()
        return user

    def update_user(self, user, claims):
        if not settings.OIDC_LOCAL_PASSWORDS and user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


# The views read their settings when built: built per request, once OIDC_ENABLED is checked, so
# that a site without single sign-on (no endpoints set) answers 404 rather than failing.
def authenticate(request):
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request):
    if not settings.OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)
