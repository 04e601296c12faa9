"""A small OpenID Connect provider (django-oauth-toolkit) in a process of its own, on loopback:
`python oidc_provider.py DIRECTORY REDIRECT_URI` migrates a SQLite database in DIRECTORY, creates
a person (agent@ville.example / mot-de-passe-agent) and a client (id «convention», secret
«secret-convention», RS256, PKCE), serves on a free port of 127.0.0.1 and prints that port."""

import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

DIRECTORY, REDIRECT_URI = sys.argv[1], sys.argv[2]
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)

settings.configure(
    DEBUG=False,
    SECRET_KEY="provider-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "oauth2_provider",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": f"{DIRECTORY}/provider.sqlite3"}},
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    LOGIN_URL="/connexion/",
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    OAUTH2_PROVIDER={
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": KEY.decode(),
        "SCOPES": {"openid": "OpenID Connect", "email": "Adresse électronique"},
        "OAUTH2_VALIDATOR_CLASS": "__main__.EmailValidator",
        "PKCE_REQUIRED": True,
    },
)
django.setup()

from django.contrib.auth import authenticate, login  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse, HttpResponseRedirect  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402
from oauth2_provider.oauth2_validators import OAuth2Validator  # noqa: E402


class EmailValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email": "email"}

    def get_additional_claims(self, request):
        return {"email": request.user.email}


@csrf_exempt
def log_in(request):
    """The provider's own log-in (no template): a POST of username and password."""
    if request.method == "POST":
        user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
        if user is None:
            return HttpResponse("refusé", status=403)
        login(request, user)
        return HttpResponseRedirect(request.GET.get("next", "/"))
    return HttpResponse("connexion")


urlpatterns = [path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")), path("connexion/", log_in)]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    User.objects.create_user("agent", email="agent@ville.example", password="mot-de-passe-agent")
    Application.objects.create(
        client_id="convention",
        client_secret="secret-convention",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
        name="Suivi de la convention",
    )
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    print(server.server_port, flush=True)
    server.serve_forever()
