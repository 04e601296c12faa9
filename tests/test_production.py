"""Production start-up: settings from the environment, `check --deploy`, bin/start's headers."""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **overrides) -> dict:
    # Not the test run's own switches (pytest's marker, the browser tests' async permission).
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="https://suivi.example.org",
        # The suite's PostgreSQL cluster when there is one (its `app` database, not the test one).
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(cwd, env, *args) -> subprocess.CompletedProcess:
    """manage.py from `cwd`: a temporary directory, where no developer's .env is read."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.engine_independent("settings read from the environment, in a process of its own")
def test_check_deploy_is_clean_with_the_required_variables(tmp_path):
    result = manage(tmp_path, production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.engine_independent("settings read from the environment, in a process of its own")
@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL"])
def test_a_missing_required_variable_stops_the_start_clearly(tmp_path, variable):
    result = manage(tmp_path, production_env(tmp_path, **{variable: None}), "check")

    assert result.returncode != 0
    assert f"{variable} is required" in result.stderr


@pytest.mark.engine_independent("settings read from the environment, in a process of its own")
def test_the_former_name_of_the_generation_ttl_stops_the_start_naming_the_new_one(tmp_path):
    """DJANGO_PAGE_CACHE_VERSION_TTL is DJANGO_PAGE_CACHE_GENERATION_TTL now: a deployment that
    still sets the old name is told which to set, rather than silently given the default."""
    former = manage(tmp_path, production_env(tmp_path, DJANGO_PAGE_CACHE_VERSION_TTL="5"), "check")

    assert former.returncode != 0
    assert "DJANGO_PAGE_CACHE_VERSION_TTL is replaced by DJANGO_PAGE_CACHE_GENERATION_TTL" in former.stderr

    code = "from django.conf import settings; print(settings.PAGE_CACHE_GENERATION_TTL)"
    renamed = manage(
        tmp_path, production_env(tmp_path, DJANGO_PAGE_CACHE_GENERATION_TTL="5"), "shell", "-v", "0", "-c", code
    )
    assert renamed.returncode == 0, renamed.stderr
    assert renamed.stdout.strip() == "5.0"


@pytest.mark.engine_independent("settings read from the environment, in a process of its own")
def test_a_mistyped_boolean_stops_the_start(tmp_path):
    result = manage(tmp_path, production_env(tmp_path, DJANGO_DEBUG="yes"), "check")

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 'true' or 'false'" in result.stderr


@pytest.mark.engine_independent("settings read from the environment, in a process of its own")
def test_a_plain_http_trial_turns_https_off_only_when_asked(tmp_path):
    """The trial of docker-compose.yml and the README: DJANGO_HTTPS=false with the plain-HTTP
    address it is reached at (passkeys then work only at http://localhost on that port)."""
    show = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    trial = production_env(tmp_path, DJANGO_HTTPS="false", SITE_URL="http://127.0.0.1:8000")

    check = manage(tmp_path, trial, "check", "--deploy", "--fail-level", "WARNING")

    assert check.returncode == 0, check.stderr
    assert manage(tmp_path, trial, "shell", "-v", "0", "-c", show).stdout.split() == ["False", "0", "False"]
    assert manage(tmp_path, production_env(tmp_path), "shell", "-v", "0", "-c", show).stdout.split() == [
        "True",
        "31536000",
        "True",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# The proxies the started site trusts: this machine's 127.0.0.1 (the tests' requests come from
# there, as from a proxy on the same host) and two addresses of its own, so that one start also
# shows gunicorn getting the app's list (a second start cost 35 to 40 s of each pass).
TRUSTED_PROXY_IPS = "127.0.0.1,10.9.8.0/24,192.0.2.7"


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """bin/start (migrate, load the Clermont data, gunicorn) on a loopback port: its address and
    the process's id (bin/start ends by exec-ing gunicorn)."""
    port = free_port()
    env = production_env(
        tmp_path_factory.mktemp("site"),
        PORT=str(port),
        BIND="127.0.0.1",
        WEB_CONCURRENCY="1",
        DJANGO_LOAD_FIXTURES="clermont",
        DJANGO_TRUSTED_PROXY_IPS=TRUSTED_PROXY_IPS,
    )
    process = subprocess.Popen(
        ["bin/start"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if fetch(f"{base}/sante/")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"bin/start did not answer:\n{process.stdout.read().decode()}")
    yield base, process.pid
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def started_site(started) -> str:
    return started[0]


def test_bin_start_serves_the_data_with_the_security_headers(started_site):
    status, headers, body = fetch(f"{started_site}/bilans/2025.json", {"X-Forwarded-Proto": "https"})

    assert status == 200
    assert b'"rate": 85.0' in body
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]  # a stored document loads nothing
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["ETag"]


def test_bin_start_redirects_plain_http_but_not_the_health_check(started_site):
    status, headers, _ = fetch(f"{started_site}/propositions/")

    assert status == 301
    assert headers["Location"].startswith("https://")
    assert fetch(f"{started_site}/sante/")[0] == 200


def test_bin_start_serves_hashed_static_files_cached_for_a_year(started_site):
    _, _, page = fetch(f"{started_site}/propositions/", {"X-Forwarded-Proto": "https"})
    css = next(part.split('"')[0] for part in page.decode().split('href="') if part.startswith("/static/css/site."))

    status, headers, _ = fetch(f"{started_site}{css}", {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"})

    assert status == 200
    assert "max-age=31536000" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"


def test_bin_start_gives_gunicorn_the_apps_own_trusted_proxies(started):
    """One setting, DJANGO_TRUSTED_PROXY_IPS, for gunicorn (`--forwarded-allow-ips`) and the app:
    from any other address (here 127.0.0.2, this machine too, not declared), X-Forwarded-Proto
    is not believed."""
    base, pid = started
    # bin/start ends by exec-ing gunicorn: its arguments are the process's own.
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    assert arguments[arguments.index("--forwarded-allow-ips") + 1] == TRUSTED_PROXY_IPS
    host_port = urlsplit(base).netloc
    connection = http.client.HTTPConnection(host_port, timeout=10, source_address=("127.0.0.2", 0))
    try:
        connection.request("GET", "/propositions/", headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        assert response.status == 301 and response.headers["Location"].startswith("https://")
    finally:
        connection.close()
    # From a declared address (127.0.0.1), the same request is believed: no redirect.
    assert fetch(f"{base}/propositions/", {"X-Forwarded-Proto": "https"})[0] == 200


def test_bin_start_refuses_the_former_forwarded_allow_ips(tmp_path):
    env = production_env(tmp_path, FORWARDED_ALLOW_IPS="*")

    result = subprocess.run(["bin/start"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXY_IPS" in result.stderr
