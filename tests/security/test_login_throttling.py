"""Log-in throttling (django-axes): after a few failures, an account is locked out from the
address that failed, for a while, with a French message; a superuser can lift the lockout.
Nobody elsewhere is blocked for someone else's failures, including behind the proxies of the
docker-compose deployment."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

PASSWORD = "motdepasse-test"
LOGIN_URL = "/admin/login/?next=/admin/"
ROOT = Path(__file__).resolve().parent.parent.parent


def log_in(username, password, address="203.0.113.1"):
    """The real log-in form, from `address`: the response and the client."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN_URL, {"username": username, "password": password})
    return response, client


def is_logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(username, times, address="203.0.113.1"):
    for _ in range(times):
        response, _client = log_in(username, "mauvais-mot-de-passe", address)
    return response


def test_the_right_password_still_works_after_a_few_failures(editor):
    fail(editor.username, settings.AXES_FAILURE_LIMIT - 1)

    assert is_logged_in(log_in(editor.username, PASSWORD)[0])


def test_an_account_is_locked_out_after_the_failure_limit(editor):
    response = fail(editor.username, settings.AXES_FAILURE_LIMIT)

    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    # Even the right password is refused now, from this address.
    response, client = log_in(editor.username, PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not logged in


def test_an_account_under_attack_still_logs_in_from_another_address(editor):
    fail(editor.username, settings.AXES_FAILURE_LIMIT * 3, address="203.0.113.66")

    assert is_logged_in(log_in(editor.username, PASSWORD, address="198.51.100.7")[0])


def test_failures_from_many_addresses_lock_each_of_them_only(editor):
    for index in range(settings.AXES_FAILURE_LIMIT):
        fail(editor.username, settings.AXES_FAILURE_LIMIT, address=f"198.51.100.{index + 1}")

    assert log_in(editor.username, PASSWORD, address="198.51.100.1")[0].status_code == 429
    assert is_logged_in(log_in(editor.username, PASSWORD, address="192.0.2.1")[0])


def test_an_address_guessing_many_accounts_blocks_nobody_else(editor, clerk):
    for index in range(settings.AXES_FAILURE_LIMIT):
        fail(f"inconnu-{index}", settings.AXES_FAILURE_LIMIT)
    fail(clerk.username, settings.AXES_FAILURE_LIMIT)

    assert log_in(clerk.username, PASSWORD)[0].status_code == 429
    # Another account at that address, and the same account elsewhere, log in as usual.
    assert is_logged_in(log_in(editor.username, PASSWORD)[0])
    assert is_logged_in(log_in(clerk.username, PASSWORD, address="192.0.2.1")[0])


def test_the_lockout_page_is_french_and_says_how_long(editor):
    response = fail(editor.username, settings.AXES_FAILURE_LIMIT)

    page = response.content.decode()
    assert '<html lang="fr"' in page
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert "administrateur" in page


def test_the_lockout_ends_after_the_cool_off_period(editor):
    fail(editor.username, settings.AXES_FAILURE_LIMIT)

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))

    assert is_logged_in(log_in(editor.username, PASSWORD)[0])


def test_a_superuser_lifts_a_lockout_in_the_back_office(editor, superuser_client):
    fail(editor.username, settings.AXES_FAILURE_LIMIT)
    attempts = superuser_client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200
    assert editor.username in attempts.content.decode()

    for attempt in AccessAttempt.objects.all():
        response = superuser_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302

    assert is_logged_in(log_in(editor.username, PASSWORD)[0])


def test_editors_cannot_see_or_lift_lockouts(editor_client):
    assert editor_client.get("/admin/axes/accessattempt/").status_code == 403


def test_the_axes_reset_command_lifts_every_lockout(editor):
    fail(editor.username, settings.AXES_FAILURE_LIMIT)

    call_command("axes_reset", verbosity=0)

    assert is_logged_in(log_in(editor.username, PASSWORD)[0])


def test_the_client_address_is_remote_addr_unless_proxies_are_declared(clerk, settings):
    # A forged X-Forwarded-For changes nothing by default: the lockout holds for REMOTE_ADDR.
    for index in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}").post(
            LOGIN_URL, {"username": clerk.username, "password": "x"}
        )
    assert log_in(clerk.username, PASSWORD)[0].status_code == 429


def test_behind_one_declared_proxy_the_forwarded_address_counts(clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Every request comes from the proxy (127.0.0.1); the proxy appends the real address.
    for index in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{index}, 203.0.113.1").post(
            LOGIN_URL, {"username": clerk.username, "password": "x"}
        )
    blocked = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7")
    assert blocked.post(LOGIN_URL, {"username": clerk.username, "password": PASSWORD}).status_code == 429
    assert is_logged_in(other.post(LOGIN_URL, {"username": clerk.username, "password": PASSWORD}))


def compose_proxy_count() -> int:
    """The trusted proxy count docker-compose.yml gives the app servers by default."""
    compose = (ROOT / "docker-compose.yml").read_text()
    match = re.search(r"^\s+DJANGO_TRUSTED_PROXY_COUNT: \$\{DJANGO_TRUSTED_PROXY_COUNT:-(\d+)\}$", compose, re.M)
    assert match, "docker-compose.yml does not pass DJANGO_TRUSTED_PROXY_COUNT to the app"
    return int(match.group(1))


def compose_proxy_addresses() -> list[str]:
    """The addresses docker-compose.yml trusts proxies from by default."""
    compose = (ROOT / "docker-compose.yml").read_text()
    match = re.search(r"^\s+DJANGO_TRUSTED_PROXY_IPS: \$\{DJANGO_TRUSTED_PROXY_IPS:-(.+)\}$", compose, re.M)
    assert match, "docker-compose.yml does not pass DJANGO_TRUSTED_PROXY_IPS to the app"
    return match.group(1).split(",")


def test_docker_compose_behind_its_tls_proxy_blocks_only_the_attacker(clerk, settings):
    """The README's topology: TLS proxy → nginx → gunicorn. The TLS proxy appends the client's
    address, nginx appends the TLS proxy's (`$proxy_add_x_forwarded_for`); gunicorn sees nginx."""
    settings.TRUSTED_PROXY_COUNT = compose_proxy_count()
    settings.TRUSTED_PROXY_IPS = compose_proxy_addresses()

    def through_proxies(client_address, forged=""):
        forwarded = ", ".join(part for part in (forged, client_address, "172.18.0.2") if part)
        return Client(REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR=forwarded)

    for index in range(settings.AXES_FAILURE_LIMIT):
        through_proxies("203.0.113.66", forged=f"192.0.2.{index}").post(
            LOGIN_URL, {"username": clerk.username, "password": "x"}
        )

    attacker = through_proxies("203.0.113.66", forged="192.0.2.200")
    assert attacker.post(LOGIN_URL, {"username": clerk.username, "password": PASSWORD}).status_code == 429
    assert is_logged_in(
        through_proxies("198.51.100.7").post(LOGIN_URL, {"username": clerk.username, "password": PASSWORD})
    )


@pytest.mark.engine_independent("settings read from the environment, in a process of its own")
def test_the_limits_come_from_the_environment():
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(DJANGO_DEBUG="true", DJANGO_LOGIN_FAILURE_LIMIT="3", DJANGO_LOGIN_COOLOFF_MINUTES="45")
    code = "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.split() == ["3", "0:45:00"], result.stderr
