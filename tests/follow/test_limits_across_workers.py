"""The per-client limit on requests to follow holds across processes and time: counted in the
database (every worker sees it; no cache, local or shared, can lose or evict it), over a
sliding hour (no boundary lets a client send the limit twice in a row), a client's IPv6
addresses counted per /64; and a cache that does not answer stops nobody."""

import datetime
import socket
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from follow.models import ClientRequest

from .mailing import delivered

pytestmark = pytest.mark.django_db

HOUR = datetime.datetime(2026, 12, 7, 11, 0, tzinfo=datetime.UTC)


def follow(email: str, client: str = "198.51.100.4"):
    return Client(REMOTE_ADDR=client).post("/suivre/inscription/", {"adresse": email})


def sent() -> list[str]:
    """The addresses the worker sent a confirmation to."""
    return sorted(message.to[0] for message in delivered())


@pytest.fixture
def clock(monkeypatch):
    """Set the time every part of the site reads (the wall clock and Django's)."""

    def at(moment: datetime.datetime) -> None:
        monkeypatch.setattr(time, "time", moment.timestamp)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return at


def test_another_process_or_a_cache_filled_with_pages_forgets_no_request(settings):
    """With the local-memory cache, each process had a counter of its own (30 posts gave 20
    messages with 2 workers), and a cache filled with other pages evicted the counters: both
    are a cache that no longer holds them."""
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 2

    for n in range(4):
        follow(f"p{n}@example.org")
        cache.clear()  # the next request reaches another worker, or pages pushed the counter out

    assert sent() == ["p0@example.org", "p1@example.org"]


def test_the_window_slides_no_hour_boundary_resets_it(settings, clock):
    """A fixed hourly window let a client send the limit before the hour and again after it."""
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 2
    clock(HOUR - datetime.timedelta(minutes=1))
    follow("p0@example.org")
    follow("p1@example.org")
    clock(HOUR + datetime.timedelta(minutes=1))
    follow("p2@example.org")
    assert sent() == ["p0@example.org", "p1@example.org"]

    clock(HOUR + datetime.timedelta(minutes=59, seconds=1))  # an hour after the first two
    follow("p3@example.org")
    follow("p4@example.org")
    follow("p5@example.org")

    assert sent() == ["p0@example.org", "p1@example.org", "p3@example.org", "p4@example.org"]


def test_a_client_s_ipv6_addresses_are_one_client_per_64(settings):
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 2
    for n, client in enumerate(["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::abcd"]):
        follow(f"p{n}@example.org", client)
    follow("ailleurs@example.org", "2001:db8:1:3::1")  # another network
    follow("v4@example.org", "::ffff:192.0.2.8")  # an IPv4 client seen through IPv6
    follow("v4bis@example.org", "192.0.2.8")
    follow("v4ter@example.org", "192.0.2.8")

    assert sent() == ["ailleurs@example.org", "p0@example.org", "p1@example.org", "v4@example.org", "v4bis@example.org"]


def test_the_count_keeps_no_address_and_no_more_rows_than_the_limit(settings, clock):
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 3
    clock(HOUR)
    for n in range(20):
        follow(f"p{n}@example.org", "203.0.113.9")

    assert ClientRequest.objects.count() == 3
    assert not ClientRequest.objects.filter(client__contains="203.0.113").exists()

    clock(HOUR + datetime.timedelta(hours=1, seconds=1))
    follow("plus-tard@example.org", "192.0.2.1")

    assert ClientRequest.objects.count() == 1  # the hour past is forgotten


def test_a_cache_that_does_not_answer_neither_stops_anyone_nor_lifts_the_limit(settings):
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

    answers = [follow("lea@example.org"), follow("lea@example.org", "192.0.2.2"), follow("max@example.org")]

    assert {answer.status_code for answer in answers} == {200}
    assert sent() == ["lea@example.org"]
