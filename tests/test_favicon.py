import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_with_the_sites_icon(citizen):
    response = citizen.get("/favicon.ico")

    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/favicon.ico">' in citizen.get("/").content.decode()


def test_the_back_office_names_the_same_icon(citizen):
    assert '<link rel="icon" href="/favicon.ico">' in citizen.get("/admin/login/").content.decode()


def test_the_icon_never_touches_the_session_cookie(citizen):
    """Browsers ask for the icon beside each page, with the session cookie, while the page's
    form may be signing in: a signing-in replaces the session (its key changes), and an answer
    for the old key that deleted the cookie would arrive after the new one and sign the person
    out. The icon is served before the sessions are read."""
    citizen.cookies[settings.SESSION_COOKIE_NAME] = "a-session-signing-in-just-replaced"

    response = citizen.get("/favicon.ico")

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
