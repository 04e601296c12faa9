"""Single sign-on through a real OpenID Connect provider (django-oauth-toolkit's, started by the
test in its own process on loopback): a known address signs in with its roles; an unknown one
gets no access until a superuser grants a role; local passwords may be turned off; without
OIDC_ENABLED the way is closed."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client

from accounts.oidc import StaffOIDCBackend
from tests.accounts.helpers import text

pytestmark = pytest.mark.django_db

PROVIDER = Path(__file__).with_name("oidc_provider.py")
CALLBACK = "http://testserver/comptes/sso/retour/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider's base address, for the whole module."""
    directory = tmp_path_factory.mktemp("oidc")
    process = subprocess.Popen(
        [sys.executable, str(PROVIDER), str(directory), CALLBACK], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, provider):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "convention"
    settings.OIDC_RP_CLIENT_SECRET = "secret-convention"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/o/.well-known/jwks.json"
    return provider


def sign_in_through_the_provider(provider: str) -> Client:
    """The browser's way: here, to the provider, its log-in, and back with the code."""
    client = Client()
    start = client.get("/comptes/sso/?next=/admin/")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider}/o/authorize/")
    browser = requests.Session()
    login = browser.post(
        f"{provider}/connexion/",
        {"username": "agent", "password": "mot-de-passe-agent"},
        params={"next": urlsplit(start["Location"]).path + "?" + urlsplit(start["Location"]).query},
        allow_redirects=False,
        timeout=10,
    )
    authorize = browser.get(provider + login.headers["Location"], allow_redirects=False, timeout=10)
    back = authorize.headers["Location"]
    assert back.startswith(CALLBACK), back
    assert "code" in parse_qs(urlsplit(back).query)
    client.get(back.removeprefix("http://testserver"))
    return client


def test_a_known_address_signs_in_with_its_roles(sso, editor):
    editor.email = "Agent@ville.example"
    editor.save()

    client = sign_in_through_the_provider(sso)

    assert client.session["_auth_user_id"] == str(editor.pk)
    assert client.get("/admin/").status_code == 200
    editor.refresh_from_db()
    assert editor.has_usable_password()  # local passwords kept by default


def test_an_unknown_person_gets_no_access_until_a_superuser_grants_a_role(sso, db):
    client = sign_in_through_the_provider(sso)

    user = User.objects.get(email="agent@ville.example")
    assert not user.is_staff and not user.groups.exists()
    assert not user.has_usable_password()
    assert client.get("/admin/").status_code == 302
    # A superuser grants a role: the next sign-in reaches the back office.
    user.is_staff = True
    user.save()
    assert sign_in_through_the_provider(sso).get("/admin/").status_code == 200


def test_local_passwords_can_be_turned_off(sso, editor, settings):
    settings.OIDC_LOCAL_PASSWORDS = False
    editor.email = "agent@ville.example"
    editor.save()

    sign_in_through_the_provider(sso)

    editor.refresh_from_db()
    assert not editor.has_usable_password()
    response = Client().post("/admin/login/", {"username": editor.username, "password": "motdepasse-test"})
    assert response.status_code == 200  # refused: the form again


def test_the_log_in_page_offers_the_provider_only_when_on(sso, citizen, settings):
    assert "Se connecter avec le compte de la collectivité" in text(citizen.get("/admin/login/"))

    settings.OIDC_ENABLED = False

    assert "compte de la collectivité" not in text(citizen.get("/admin/login/"))
    assert citizen.get("/comptes/sso/").status_code == 404
    assert citizen.get("/comptes/sso/retour/?code=x&state=y").status_code == 404


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({"email": "agent@ville.example", "email_verified": True}, True),
        ({"email": "agent@ville.example"}, True),  # a provider that manages every address itself
        ({"email": "agent@ville.example", "email_verified": False}, False),
        ({"email": "agent@ville.example", "email_verified": "false"}, False),
        ({"email_verified": True}, False),
    ],
)
def test_an_address_the_provider_has_not_verified_opens_no_account(settings, editor, claims, accepted):
    """A provider where people type their own address without proving it must not let one of
    them sign in as a member of the staff who has that address."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "convention"
    settings.OIDC_RP_CLIENT_SECRET = "secret-convention"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://sso.ville.example/token/"
    settings.OIDC_OP_USER_ENDPOINT = "https://sso.ville.example/userinfo/"
    editor.email = "Agent@ville.example"
    editor.save()

    assert StaffOIDCBackend().verify_claims(claims) is accepted
