"""Proxies are trusted only from the addresses they come from (DJANGO_TRUSTED_PROXY_IPS): the
app reads X-Forwarded-For and X-Forwarded-Proto only from them, and bin/start gives gunicorn
the same list (`--forwarded-allow-ips`). A gunicorn reached directly (bin/start binds 0.0.0.0)
with a trusted proxy count set (.env.example: 1) took a forged X-Forwarded-For: a new address
for each request, so neither the log-in lock-out nor the follow limit held."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from core.middleware import TrustedProxyMiddleware

from .test_login_throttling import LOGIN_URL, PASSWORD, is_logged_in

ROOT = Path(__file__).resolve().parent.parent.parent


def test_a_client_that_reaches_gunicorn_directly_cannot_forge_its_address(clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # as .env.example: one nginx in front, on this machine
    for index in range(settings.AXES_FAILURE_LIMIT + 1):
        Client(REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}").post(
            LOGIN_URL, {"username": clerk.username, "password": "x"}
        )

    forged = Client(REMOTE_ADDR="203.0.113.1", HTTP_X_FORWARDED_FOR="192.0.2.250")
    assert forged.post(LOGIN_URL, {"username": clerk.username, "password": PASSWORD}).status_code == 429
    # Through the proxy (loopback by default), another client still logs in.
    proxied = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert is_logged_in(proxied.post(LOGIN_URL, {"username": clerk.username, "password": PASSWORD}))


def test_the_forwarded_address_counts_from_a_declared_proxy_network(clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = ["10.0.0.0/24"]
    for index in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="10.0.0.4", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}, 203.0.113.1").post(
            LOGIN_URL, {"username": clerk.username, "password": "x"}
        )

    blocked = Client(REMOTE_ADDR="10.0.0.4", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert blocked.post(LOGIN_URL, {"username": clerk.username, "password": PASSWORD}).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert is_logged_in(other.post(LOGIN_URL, {"username": clerk.username, "password": PASSWORD}))


def test_the_scheme_is_believed_only_from_a_trusted_proxy(settings, rf):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request):
        seen[request.META["REMOTE_ADDR"]] = (request.is_secure(), request.META.get("HTTP_X_FORWARDED_FOR"))

    middleware = TrustedProxyMiddleware(view)
    for address in ("127.0.0.1", "::1", "203.0.113.1"):
        middleware(rf.get("/", REMOTE_ADDR=address, HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="192.0.2.1"))

    assert seen == {
        "127.0.0.1": (True, "192.0.2.1"),
        "::1": (True, "192.0.2.1"),
        "203.0.113.1": (False, None),
    }


def settings_of(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    environment.update(DJANGO_DEBUG="true", **env)
    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_IPS)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.mark.engine_independent("settings read from the environment, in a process of its own")
def test_the_proxy_addresses_come_from_the_environment_and_a_typo_stops_the_start():
    assert settings_of().stdout.strip() == "['127.0.0.1', '::1']"
    declared = settings_of(DJANGO_TRUSTED_PROXY_IPS="10.0.0.0/24, 192.0.2.7")
    assert declared.stdout.strip() == "['10.0.0.0/24', '192.0.2.7']"

    typo = settings_of(DJANGO_TRUSTED_PROXY_IPS="10.0.0.300")
    assert typo.returncode != 0 and "DJANGO_TRUSTED_PROXY_IPS" in typo.stderr
    none = settings_of(DJANGO_TRUSTED_PROXY_COUNT="1", DJANGO_TRUSTED_PROXY_IPS="")
    assert none.returncode != 0 and "DJANGO_TRUSTED_PROXY_IPS" in none.stderr
