"""nginx in front of the site, with the repository's own proxy rules (deploy/nginx/proxy.conf):
it keeps anonymous public pages and nothing else, and keeps answering while the app servers
start, stop and restart. Debian's nginx (make test installs it) proxies to app servers on
loopback (pytest-django's live server), found through a DNS server on loopback as compose's
nginx finds the `web` replicas."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from tests.factory import make_convention, make_review
from tests.loopback_dns import LoopbackDNS
from tests.snapshots import replayed

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
PROXY_RULES = DEPLOY / "proxy.conf"
SERVICE = "web.test"  # the compose service's name, as the DNS on loopback answers it

pytestmark = [
    pytest.mark.engine_independent("nginx's rules in front of the site: what it keeps and when"),
    pytest.mark.skipif(not shutil.which("nginx"), reason="needs nginx (make test installs nginx-light)"),
    pytest.mark.django_db(transaction=True),  # the live server reads what the test wrote
]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextmanager
def running_nginx(addresses: list[str], port: int):
    """nginx with the repository's proxy rules in front of the app servers at `addresses` (all on
    `port`), found as docker-compose.yml finds the `web` replicas: a name that a DNS server
    answers with every address, asked again as often. Yields (base URL, DNS, access log)."""
    dns = LoopbackDNS(SERVICE, addresses)
    listen = free_port()
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        user = "user root;" if os.geteuid() == 0 else ""
        # The compose file's resolver (how often names are asked again), as its entrypoint renders it.
        resolver = (DEPLOY / "resolver.conf.template").read_text()
        Path(work, "resolver.conf").write_text(resolver.replace("${COMPOSE_RESOLVER}", f"127.0.0.1:{dns.port}"))
        Path(work, "nginx.conf").write_text(f"""
daemon on; pid {work}/nginx.pid; error_log {work}/error.log; {user}
events {{ worker_connections 64; }}
http {{
    log_format upstreams '$status $upstream_addr';
    access_log {work}/access.log upstreams;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    proxy_cache_path {work}/cache levels=1:2 keys_zone=pages:1m use_temp_path=off;
    include {work}/resolver.conf;
    server {{
        listen 127.0.0.1:{listen};
        set $app_servers {SERVICE}:{port};
        set $maintenance_page {DEPLOY}/maintenance.html;
        include {PROXY_RULES};
    }}
}}
""")
        command = ["nginx", "-c", f"{work}/nginx.conf", "-p", work]
        subprocess.run(command, check=True, capture_output=True)
        try:
            yield f"http://127.0.0.1:{listen}", dns, Path(work, "access.log")
        finally:
            subprocess.run([*command, "-s", "stop"], check=False, capture_output=True)
            dns.stop()
            for _ in range(50):  # let it go before its folder does
                if not Path(work, "nginx.pid").exists():
                    break
                time.sleep(0.05)


@pytest.fixture
def nginx(live_server):
    """The base URL of nginx proxying to the live server, with its cache in a temporary folder."""
    host, port = live_server.url.removeprefix("http://").split(":")
    with running_nginx([socket.gethostbyname(host)], int(port)) as (base, _, _):
        yield base


class Replica:
    """An app server on its own loopback address, as a `web` replica on the compose network:
    stopped and started again on the same address and port, or on another address."""

    def __init__(self, address: str, port: int):
        self.address, self.port, self.server = address, port, None
        self.start()

    def start(self, address: str | None = None) -> None:
        self.address = address or self.address
        self.server = LiveServer(f"{self.address}:{self.port}")

    def stop(self) -> None:
        if self.server:
            self.server.stop()
            self.server = None


@pytest.fixture
def replicas():
    """Two replicas of the site (127.0.0.2 and 127.0.0.3, one port) and nginx in front: yields
    (replicas, nginx's URL, the DNS, nginx's access log: status and upstream of each request)."""
    port = free_port("127.0.0.2")
    both = [Replica("127.0.0.2", port), Replica("127.0.0.3", port)]
    try:
        with running_nginx([replica.address for replica in both], port) as (base, dns, log):
            yield both, base, dns, log
    finally:
        for replica in both:
            replica.stop()


def build_site():
    """Three proposals and their published 2025 review (nginx keeps the stored documents too:
    tests/security); returns the proposals."""
    proposals = make_convention(3)
    make_review(2025, documents=True)
    return proposals


@pytest.fixture
def site(settings):
    settings.PAGE_HTTP_MAX_AGE = 60
    replayed(build_site)


def get(url: str, **headers) -> tuple[int, str, bytes]:
    """(status, X-Cache, body)"""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "http", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("X-Cache", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache", ""), error.read()


def test_nginx_keeps_anonymous_public_pages(site, nginx):
    status, first, body = get(f"{nginx}/propositions/")
    assert (status, first) == (200, "MISS")

    status, again, cached = get(f"{nginx}/propositions/")
    assert (status, again) == (200, "HIT")
    assert cached == body


def test_staff_always_reach_the_app_and_are_never_stored(site, nginx):
    get(f"{nginx}/propositions/")

    session = "sessionid=abcdefghijklmnopqrstuvwxyz012345"  # the shape of Django's session keys
    assert get(f"{nginx}/propositions/", Cookie=session)[1] == "BYPASS"
    assert get(f"{nginx}/bilans/", Cookie=session)[1] == "BYPASS"
    assert get(f"{nginx}/bilans/")[1] == "MISS"  # what staff got was not stored


@pytest.mark.parametrize("path", ["/admin/login/", "/nexiste-pas/", "/propositions/nexiste-pas/", "/sante/"])
def test_nginx_keeps_no_form_no_error_no_health_check(site, nginx, path):
    get(f"{nginx}{path}")

    assert get(f"{nginx}{path}")[1] == "MISS"


def test_a_disallowed_host_is_refused_through_nginx(site, nginx):
    get(f"{nginx}/propositions/")

    status, _, _ = get(f"{nginx}/propositions/", Host="evil.example")

    assert status == 400


# A request that always reaches an app server: never from nginx's cache (staff's cookie shape;
# the app ignores the unknown session).
STAFF = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}


def statuses(base: str, count: int = 6) -> list[int]:
    return [get(f"{base}{path}", **STAFF)[0] for _ in range(count) for path in ("/propositions/", "/sante/")]


def served_by(log: Path) -> list[tuple[str, str]]:
    """(status, the last upstream tried) of each request nginx logged so far."""
    return [(line.split(" ", 1)[0], line.split()[-1]) for line in log.read_text().splitlines()]


def test_a_rolling_restart_of_the_replicas_costs_no_request(site, replicas):
    (a, b), base, _, _ = replicas
    assert set(statuses(base)) == {200}

    # One after the other, as a deploy restarts them: A stops, comes back, then B.
    a.stop()
    assert set(statuses(base)) == {200}
    a.start()
    b.stop()
    # A refused connections a moment ago: nginx must not still count it as failed (it did,
    # for 10 s: every server marked failed, «no live upstreams», 502).
    assert set(statuses(base)) == {200}
    b.start()
    assert set(statuses(base)) == {200}


def test_a_replica_recreated_with_a_new_address_is_reached(site, replicas):
    (a, b), base, dns, log = replicas

    # B's container is recreated: stopped (gone from the DNS), then started on a new address.
    b.stop()
    dns.addresses = [a.address]
    assert set(statuses(base)) == {200}
    b.start("127.0.0.4")
    dns.addresses = [a.address, b.address]
    for _ in range(100):  # nginx asks the DNS again each second, as in docker-compose.yml
        if ("200", f"127.0.0.4:{b.port}") in served_by(log):
            break
        assert set(statuses(base, 1)) == {200}
        time.sleep(0.05)
    assert ("200", f"127.0.0.4:{b.port}") in served_by(log)

    # Then A, the same way: only the new address is left, and every request still succeeds.
    a.stop()
    dns.addresses = [b.address]
    assert set(statuses(base)) == {200}
    assert {status for status, _ in served_by(log)} == {"200"}


def test_a_rolling_restart_onto_new_addresses_as_documented_costs_no_request(site, replicas):
    """docs/operating.md's rolling restart, each replica's container recreated on a new address:
    the next one restarted 2 s after the previous is back. nginx's answer from the DNS must be
    fresher than that: one still holding A's old address and B's, once B stops, had no live
    address left (503 for everyone; names were asked every 5 s)."""
    (a, b), base, dns, _ = replicas
    assert set(statuses(base)) == {200}

    a.stop()
    dns.addresses = [b.address]
    assert set(statuses(base)) == {200}
    a.start("127.0.0.4")
    dns.addresses = [b.address, a.address]
    time.sleep(2)

    b.stop()
    dns.addresses = [a.address]
    assert set(statuses(base)) == {200}


def test_with_every_replica_down_a_page_nginx_holds_is_served_within_its_stale_window(site, replicas, settings):
    (a, b), base, dns, _ = replicas
    settings.PAGE_HTTP_MAX_AGE, settings.PAGE_HTTP_STALE_SECONDS = 1, 30
    status, _, page = get(f"{base}/propositions/")
    assert status == 200

    a.stop()
    b.stop()
    time.sleep(1.2)  # the copy's max-age is over: only its stale window is left

    status, cache, stale = get(f"{base}/propositions/")
    assert (status, stale) == (200, page)
    assert cache in ("STALE", "UPDATING")

    # What nginx does not hold: the French maintenance page, 503, to come back later.
    for path in ("/projets/", "/sante/"):
        status, _, body = get(f"{base}{path}")
        assert status == 503
        assert "Le site est momentanément indisponible" in body.decode()

    # Their containers gone, the name no longer resolves: the same.
    dns.addresses = []
    assert get(f"{base}/propositions/")[:3:2] == (200, page)
    assert get(f"{base}/projets/")[0] == 503


def test_a_page_is_never_served_older_than_its_max_age_and_stale_window(site, replicas, settings):
    (a, b), base, _, _ = replicas
    settings.PAGE_HTTP_MAX_AGE, settings.PAGE_HTTP_STALE_SECONDS = 1, 1
    assert get(f"{base}/propositions/")[0] == 200

    a.stop()
    b.stop()
    time.sleep(2.3)  # past max-age + stale-if-error

    status, _, body = get(f"{base}/propositions/")
    assert status == 503
    assert "Le site est momentanément indisponible" in body.decode()
