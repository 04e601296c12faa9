"""/.well-known/security.txt (RFC 9116): whom to tell about a vulnerability."""

import datetime

import pytest

pytestmark = pytest.mark.django_db
URL = "/.well-known/security.txt"


def fields(response) -> list[tuple[str, str]]:
    lines = [line for line in response.content.decode().splitlines() if line and not line.startswith("#")]
    return [tuple(line.split(": ", 1)) for line in lines]


def test_it_gives_the_contact_from_the_environment(citizen, settings):
    settings.SECURITY_CONTACT = ["mailto:securite@example.org", "https://example.org/signaler"]
    settings.SITE_URL = "https://suivi.example.org"

    response = citizen.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    values = fields(response)
    assert ("Contact", "mailto:securite@example.org") in values
    assert ("Contact", "https://example.org/signaler") in values
    assert ("Preferred-Languages", "fr, en") in values
    assert ("Canonical", "https://suivi.example.org/.well-known/security.txt") in values
    expires = datetime.datetime.fromisoformat(dict(values)["Expires"].replace("Z", "+00:00"))
    now = datetime.datetime.now(datetime.UTC)
    assert now + datetime.timedelta(days=30) < expires < now + datetime.timedelta(days=365)


def test_an_address_alone_becomes_a_mailto(citizen, settings):
    settings.SECURITY_CONTACT = ["securite@example.org"]
    settings.SITE_URL = ""

    values = fields(citizen.get(URL))

    assert ("Contact", "mailto:securite@example.org") in values
    assert "Canonical" not in dict(values)


def test_without_a_contact_there_is_no_file(citizen, settings):
    settings.SECURITY_CONTACT = []

    assert citizen.get(URL).status_code == 404


def test_it_only_answers_get_and_head(citizen, settings):
    settings.SECURITY_CONTACT = ["mailto:securite@example.org"]

    assert citizen.post(URL).status_code == 405
