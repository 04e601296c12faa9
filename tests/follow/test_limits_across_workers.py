"""The per-client limit is counted in the cache: shared by every worker when it is Redis, and a
Redis that does not answer never stops a request (the one message per address per day holds)."""

import socket

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client

from core import cache_backends
from follow import services
from tests.test_cache_outage import ThrowawayRedis

from .mailing import delivered

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(tmp_path, settings):
    server = ThrowawayRedis(tmp_path)
    settings.CACHES = server.site_caches()
    cache_backends._circuits.clear()
    yield server
    server.stop()
    cache_backends._circuits.clear()


def follow(email: str):
    return Client(REMOTE_ADDR="198.51.100.4").post("/suivre/inscription/", {"adresse": email})


def test_two_workers_count_the_same_client(redis, settings, monkeypatch):
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 2
    workers = [caches.create_connection("default") for _ in range(2)]

    for n, worker in enumerate([*workers, workers[0]]):
        monkeypatch.setattr(services, "cache", worker)
        follow(f"p{n}@example.org")

    assert sorted(message.to[0] for message in delivered()) == ["p0@example.org", "p1@example.org"]


def test_a_cache_that_does_not_answer_stops_nobody(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nobody listens there once the probe is closed
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.FailFastRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
            "OPTIONS": django_settings.REDIS_CACHE_OPTIONS,
        }
    }
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 1

    answers = [follow("lea@example.org"), follow("lea@example.org"), follow("max@example.org")]

    assert {answer.status_code for answer in answers} == {200}
    assert sorted(message.to[0] for message in delivered()) == ["lea@example.org", "max@example.org"]
