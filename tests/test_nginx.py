"""nginx in front of the site, with the repository's own proxy rules (deploy/nginx/proxy.conf):
it keeps anonymous public pages and nothing else. Debian's nginx (make test installs it)
proxies to pytest-django's live server on loopback."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.factory import make_convention, make_review
from tests.snapshots import replayed

PROXY_RULES = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "proxy.conf"

pytestmark = [
    pytest.mark.skipif(not shutil.which("nginx"), reason="needs nginx (make test installs nginx-light)"),
    pytest.mark.django_db(transaction=True),  # the live server reads what the test wrote
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(live_server):
    """The base URL of nginx proxying to the live server, with its cache in a temporary folder."""
    port = free_port()
    upstream = live_server.url.removeprefix("http://")
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        user = "user root;" if os.geteuid() == 0 else ""
        Path(work, "nginx.conf").write_text(f"""
daemon on; pid {work}/nginx.pid; error_log {work}/error.log; {user}
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    proxy_cache_path {work}/cache levels=1:2 keys_zone=pages:1m use_temp_path=off;
    upstream web {{ server {upstream}; }}
    server {{ listen 127.0.0.1:{port}; include {PROXY_RULES}; }}
}}
""")
        command = ["nginx", "-c", f"{work}/nginx.conf", "-p", work]
        subprocess.run(command, check=True, capture_output=True)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            subprocess.run([*command, "-s", "stop"], check=False, capture_output=True)
            for _ in range(50):  # let it go before its folder does
                if not Path(work, "nginx.pid").exists():
                    break
                time.sleep(0.05)


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
