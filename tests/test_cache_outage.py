"""A cache that fails fast: a Redis that hangs (stopped by SIGSTOP, as a frozen host would be)
makes pages slower, never stalls them; `/sante/` still answers 200 and says the cache is
degraded; an import, whose pending rows wait in the database, goes through.
Local memory holds a bounded number of bytes, however many different pages are asked.

Each test starts a throwaway redis-server of its own (as bin/with-redis does), so stopping it
disturbs no other test."""

import os
import signal
import socket
import subprocess
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

from core import cache, cache_backends
from proposals.models import YearlyStatus
from tests.backoffice.helpers import STATUS_HEADERS, confirm, spreadsheet, upload
from tests.factory import make_convention

pytestmark = pytest.mark.django_db


class ThrowawayRedis:
    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.pidfile = directory / "redis.pid"
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "yes", "--pidfile", str(self.pidfile), "--dir", str(directory)],
            check=True,
            capture_output=True,
        )
        for _ in range(50):
            ping = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
            if ping.stdout.strip() == "PONG":
                break
            time.sleep(0.1)
        self.pid = int(self.pidfile.read_text())
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def site_caches(self) -> dict:
        """The site's CACHES on this server, configured as in production, skipping it for a
        second after a failure."""
        options = {**django_settings.REDIS_CACHE_OPTIONS, "CIRCUIT_SECONDS": 1.0}
        backend = "core.cache_backends.FailFastRedisCache"
        return {"default": {"BACKEND": backend, "LOCATION": self.url, "OPTIONS": options}}

    def hang(self):
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.pid, signal.SIGCONT)

    def stop(self):
        self.resume()
        os.kill(self.pid, signal.SIGTERM)


@pytest.fixture
def redis(tmp_path, settings):
    """The site's cache on a Redis of this test's own, configured as in production, with the
    public page cache on."""
    server = ThrowawayRedis(tmp_path)
    settings.CACHES = server.site_caches()
    settings.PAGE_CACHE_SECONDS = 3600
    cache_backends._circuits.clear()
    cache._stamp = None
    yield server
    server.stop()
    cache_backends._circuits.clear()
    cache._stamp = None


def timed(function):
    started = time.monotonic()
    result = function()
    return result, time.monotonic() - started


def test_a_hung_redis_makes_pages_slower_never_stalled(redis, citizen):
    make_convention(6)
    assert citizen.get("/propositions/").status_code == 200  # rendered, then cached
    redis.hang()

    responses, elapsed = timed(lambda: [citizen.get(f"/propositions/?q=gen{i}") for i in range(6)])

    assert [response.status_code for response in responses] == [200] * 6
    # Before: a 1 s timeout for the get and another for the set, on every page (12 s here).
    assert elapsed < 2.5, elapsed


def test_the_cache_is_asked_again_once_it_answers(redis, citizen):
    make_convention(6)
    redis.hang()
    citizen.get("/propositions/")
    redis.resume()
    time.sleep(1.1)  # CIRCUIT_SECONDS

    citizen.get("/propositions/?q=gen1")

    assert caches["default"].is_available()
    assert any(key.startswith(b":") for key in _redis_keys(redis))


def _redis_keys(redis) -> list[bytes]:
    output = subprocess.run(["redis-cli", "-p", str(redis.port), "--no-raw", "keys", "*"], capture_output=True)
    return [line.split(b'"')[1] for line in output.stdout.splitlines() if b'"' in line]


def test_health_says_the_cache_is_degraded_and_answers_200(redis, citizen):
    assert citizen.get("/sante/").json().items() >= {"status": "ok", "database": True, "cache": True}.items()
    redis.hang()

    response, elapsed = timed(lambda: citizen.get("/sante/"))
    again, elapsed_again = timed(lambda: citizen.get("/sante/"))

    assert response.status_code == 200 and again.status_code == 200
    assert response.json().items() >= {"status": "dégradé", "database": True, "cache": False}.items()
    assert elapsed < 1 and elapsed_again < 0.2, (elapsed, elapsed_again)


def test_an_import_is_previewed_and_confirmed_while_the_cache_hangs(redis, editor_client):
    """The previewed rows wait in the database (proposals.spreadsheets.imports.PendingImportStorage), not in
    the cache: a hung cache slows nothing down and loses nothing."""
    make_convention(1)
    content = spreadsheet(
        STATUS_HEADERS, [["gen-2025-0", "2026", "underway", "", "Bilan", "", "R-1", "2026-01-10"]], "csv"
    )
    redis.hang()

    preview = upload(editor_client, "yearlystatus", content, "csv")
    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    response = confirm(editor_client, "yearlystatus", preview)

    assert response.status_code == 302
    assert YearlyStatus.objects.filter(year=2026, status="underway").count() == 1


def test_local_memory_holds_a_bounded_number_of_bytes(settings, citizen):
    bound = 60_000
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.BoundedLocMemCache",
            "LOCATION": "bounded-test",
            "OPTIONS": {**django_settings.LOCAL_CACHE_OPTIONS, "MAX_BYTES": bound},
        }
    }
    settings.PAGE_CACHE_SECONDS = 3600
    cache._stamp = None
    caches["default"].clear()
    make_convention(40)

    for i in range(40):  # every ?q= is its own page
        assert citizen.get(f"/propositions/?q=gen-2025-{i}").status_code == 200

    local = caches["default"]
    held = sum(len(value) for value in local._cache.values())
    assert 0 < held <= bound and held == local.bytes_used
    assert len(local._cache) < 40  # the oldest pages made room
    local.clear()
    cache._stamp = None
