"""A cluster on this machine: two gunicorn servers sharing PostgreSQL and Redis, nginx in front.

Run by `make cluster-bench` inside bin/with-postgres and bin/with-redis (DATABASE_URL and
REDIS_URL point at throwaway servers), on loopback only, with the Clermont data. Prints:

1. requests per second and p99 of the table through nginx, beside one server alone, and a
   static file of the same size served by nginx itself (target: the page ≥ 0.8 of the file);
2. a change made in the back office of server A: seconds until server B and nginx show it,
   beside the documented bound (PAGE_CACHE_GENERATION_TTL, then max-age + stale-while-revalidate);
3. a review published while wrk holds 200 connections on the public pages through nginx:
   p99 and errors over the minute (targets: p99 ≤ 100 ms, no error);
4. a rolling restart of the two servers (A stopped and started again, then B) while wrk sends
   requests that all reach a server through nginx: the errors and 502s (target: 0).

nginx finds the servers as docker-compose.yml's finds the `web` replicas: a name that a DNS
server on loopback answers with each server's address (127.0.0.2 and 127.0.0.3, one port).
About three minutes; `bench/cluster.py rolling` runs the rolling restart alone (under a minute).
Stops everything it started, whatever happens.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

from pages import HEADERS, PYTHON, ROOT, Server, env, free_port, manage

sys.path.insert(0, str(ROOT))
from tests.loopback_dns import LoopbackDNS  # noqa: E402

SECRET_KEY = secrets.token_urlsafe(50)  # one for the whole cluster: sessions and forms cross servers
PASSWORD = secrets.token_urlsafe(16)
# The defaults of convention/settings.py: the staleness bounds the README documents.
GENERATION_TTL, MAX_AGE, STALE = 1.0, 60, 30
PUBLIC_PAGES = [
    "/",
    "/propositions/",
    "/propositions/?statut=implemented",
    "/propositions/?axe=ecologique",
    "/propositions/eco-vegetalisation/",
    "/projets/",
    "/bilans/",
    "/bilans/2025/",
    "/donnees/",
]


SERVICE = "web.cluster"  # the name the DNS on loopback answers with every server's address
ADDRESSES = ("127.0.0.2", "127.0.0.3")


class Replica(Server):
    """gunicorn through bin/start (2 workers) on its own loopback address, as a `web` replica:
    stopped (gracefully, as `docker compose restart` does) and started again on the same port."""

    def __init__(self, address: str, port: int, **extra):
        super().__init__(address, port, DJANGO_ALLOWED_HOSTS=",".join(("127.0.0.1", *ADDRESSES)), **extra)


class Nginx:
    """Debian's nginx with the repository's proxy rules (deploy/nginx/proxy.conf), its
    configuration, cache and temporary files in `work`; the servers found through `dns`. Every
    answer other than 2xx/3xx is logged (status and the servers tried) to errors.log."""

    def __init__(self, work: Path, dns: LoopbackDNS, port: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.errors = work / "errors.log"
        user = "user root;" if os.geteuid() == 0 else ""
        (work / "nginx.conf").write_text(f"""
daemon on; pid {work}/nginx.pid; error_log {work}/error.log; {user}
worker_processes auto;
worker_rlimit_nofile 4096;
events {{ worker_connections 2048; }}
http {{
    map $status $failed {{ ~^[23] 0; default 1; }}
    log_format failed '$status $upstream_addr $upstream_status';
    access_log {self.errors} failed if=$failed;
    sendfile on;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    proxy_cache_path {work}/cache levels=1:2 keys_zone=pages:10m max_size=256m inactive=10m use_temp_path=off;
    resolver 127.0.0.1:{dns.port} valid=1s ipv6=off;
    resolver_timeout 2s;
    server {{
        listen 127.0.0.1:{self.port};
        location /bench-static/ {{ alias {work}/static/; }}
        set $app_servers {SERVICE}:{port};
        set $maintenance_page {ROOT}/deploy/nginx/maintenance.html;
        include {ROOT}/deploy/nginx/proxy.conf;
    }}
}}
""")
        self.command = ["nginx", "-c", f"{work}/nginx.conf", "-p", str(work)]
        subprocess.run(self.command, check=True)

    def failed(self) -> list[str]:
        return self.errors.read_text().splitlines() if self.errors.exists() else []

    def stop(self):
        subprocess.run([*self.command, "-s", "stop"], check=False, capture_output=True)


def request(url: str, data: dict | None = None, cookies: dict | None = None) -> tuple[int, dict, str]:
    """(status, cookies set, body) without following redirects; the TLS proxy's header and,
    for a form, the Origin that Django's CSRF check expects over HTTPS."""
    headers = dict(HEADERS)
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        headers["Origin"] = "https://" + urllib.parse.urlsplit(url).netloc

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return response.status, {name: morsel.value for name, morsel in jar.items()}, response.read().decode()


class FormFields(HTMLParser):
    """The fields of the page's form with `id`, as a browser would post them."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields, self.textarea = form_id, False, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif self.inside and tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "checkbox"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self.inside and tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def change_through_back_office(base: str, marker: str) -> None:
    """Log in on this server's back office and add `marker` to the convention's presentation
    (shown on the home page), as an editor would."""
    _, cookies, page = request(f"{base}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, new, _ = request(
        f"{base}/admin/login/",
        {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"},
        cookies,
    )
    cookies |= new
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"the back office log-in failed ({status})")
    change = f"{base}/admin/proposals/convention/1/change/"
    parser = FormFields("convention_form")
    parser.feed(request(change, cookies=cookies)[2])
    fields = parser.fields | {"_save": "Enregistrer"}
    fields["introduction"] = fields["introduction"].strip() + f"\n\n{marker}"
    status, _, _ = request(change, fields, cookies)
    if status != 302:
        raise SystemExit(f"the change was refused ({status})")


def seconds_until(url: str, marker: str, limit: float, interval: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if marker in request(url)[2]:
            return time.monotonic() - started
        time.sleep(interval)
    return None


def wrk_command(url: str, *, connections: int, seconds: int, script: Path | None = None, timeout: int = 5) -> list[str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", f"{timeout}s"]
    return command + ["-H", "X-Forwarded-Proto: https"] + (["-s", str(script)] if script else []) + [url]


def wrk_figures(out: str) -> dict:
    """Requests per second, p99 (ms), requests, and errors: sockets (connect, read, write,
    time-outs) and answers other than 2xx or 3xx."""
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99": float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit],
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": (sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(non_2xx.group(1)) if non_2xx else 0),
        "socket_errors": socket_errors.group(0) if socket_errors else "no socket error",
    }


def wrk(url: str, *, connections: int, seconds: int) -> dict:
    command = wrk_command(url, connections=connections, seconds=seconds)
    return wrk_figures(subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout)


def line(label: str, result: dict) -> str:
    return f"{label}: {result['rps']:.0f} req/s, p99 {result['p99']:.1f} ms"


def throughput(a: Replica, proxy: Nginx, work: Path) -> None:
    page = "/propositions/"
    size = len(request(proxy.base + page)[2].encode())
    (work / "static").mkdir()
    (work / "static" / "page.txt").write_bytes(b"x" * size)
    request(a.base + page)
    print(f"== throughput: {page} ({size} bytes), 2 threads, 32 connections", flush=True)
    alone = wrk(a.base + page, connections=32, seconds=5)
    # The machine is shared: the page and the file take turns, and each keeps its best round.
    rounds = [
        (
            wrk(proxy.base + page, connections=32, seconds=3),
            wrk(f"{proxy.base}/bench-static/page.txt", connections=32, seconds=3),
        )
        for _ in range(3)
    ]
    through = max((pair[0] for pair in rounds), key=lambda result: result["rps"])
    static = max((pair[1] for pair in rounds), key=lambda result: result["rps"])
    print(line("one server alone (Django's page cache), 5 s", alone))
    print(
        line("through nginx (its cache), best of 3 × 3 s", through)
        + f" = {through['rps'] / alone['rps']:.1f} × one server"
    )
    print(line("a static file of the same size from nginx, best of 3 × 3 s", static))
    print(f"ratio cached page / static file through nginx: {through['rps'] / static['rps']:.2f} (target ≥ 0.8)")


def propagation(a: Replica, b: Replica, proxy: Nginx) -> None:
    marker = f"Changement {secrets.token_hex(4)}"
    print("== a change made in the back office of server A", flush=True)
    for base in (b.base, proxy.base):
        request(base + "/")  # both hold the home page before the change
    change_through_back_office(a.base, marker)
    started = time.monotonic()
    on_a = seconds_until(a.base + "/", marker, limit=10, interval=0.05)
    on_b = seconds_until(b.base + "/", marker, limit=10, interval=0.05)
    through = seconds_until(proxy.base + "/", marker, limit=MAX_AGE + STALE + 10, interval=0.5)
    elapsed = time.monotonic() - started

    def said(seconds):
        return f"{seconds:.1f} s" if seconds is not None else f"not within {elapsed:.0f} s"

    print(f"server A: {said(on_a)} (its other worker may hold the generation for up to {GENERATION_TTL:.0f} s)")
    print(f"server B: {said(on_b)} (bound: {GENERATION_TTL:.0f} s, the content generation's time to live)")
    bound = MAX_AGE + STALE + GENERATION_TTL
    print(f"through nginx: {said(through)} (bound: {bound:.0f} s = max-age + stale + generation)")


def publication(proxy: Nginx, work: Path) -> None:
    year = 2026
    django = "from reports.models import AnnualReview as R; import datetime as d; "
    shell = [PYTHON, "manage.py", "shell", "--no-imports", "-c"]
    subprocess.run(
        [*shell, django + f"R.objects.create(year={year}, situation_date=d.date({year}, 12, 31))"],
        cwd=ROOT,
        env=env(DJANGO_SECRET_KEY=SECRET_KEY),
        check=True,
    )
    script = work / "pages.lua"
    paths = ", ".join(f'"{path}"' for path in PUBLIC_PAGES)
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    )
    for path in PUBLIC_PAGES:
        request(proxy.base + path)
    print(
        f"== the {year} review published while wrk holds 200 connections on {len(PUBLIC_PAGES)} public pages "
        "through nginx for 60 s",
        flush=True,
    )
    load = subprocess.Popen(
        wrk_command(proxy.base, connections=200, seconds=60, script=script), stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(3)
        started = time.monotonic()
        # The publication, then the pages it changes rendered into the shared cache.
        warmed = subprocess.run(
            [
                *shell,
                django + f"R.objects.get(year={year}).publish(); "
                "from core.cache import warm_public_pages as w; "
                f"print(sum(s == 200 for s in w({PUBLIC_PAGES + [f'/bilans/{year}/']!r}).values()))",
            ],
            cwd=ROOT,
            env=env(DJANGO_SECRET_KEY=SECRET_KEY),
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        published = time.monotonic() - started
        seen = seconds_until(f"{proxy.base}/bilans/", f"/bilans/{year}/", limit=MAX_AGE + STALE + 5, interval=1)
        out, _ = load.communicate(timeout=120)
    finally:
        if load.poll() is None:
            load.kill()
    during = wrk_figures(out)
    print(
        f"publication and warming ({warmed} pages) took {published:.1f} s; the review list through nginx "
        + (f"showed it {published + seen:.0f} s after" if seen is not None else "did not show it within the bound")
    )
    print(
        f"during the minute: {during['requests']} requests ({during['rps']:.0f} req/s), p99 {during['p99']:.1f} ms, "
        f"{during['errors']} errors (targets: p99 ≤ 100 ms, 0 errors)"
    )


# Requests that always reach a server: never from nginx's cache (a session cookie's shape; the
# app ignores the unknown session and answers from its own cache).
STAFF_COOKIE = "Cookie: sessionid=abcdefghijklmnopqrstuvwxyz012345"


def rolling_restart(a: Replica, b: Replica, proxy: Nginx, work: Path) -> None:
    script = work / "rolling.lua"
    paths = ", ".join(f'"{path}"' for path in [*PUBLIC_PAGES, "/sante/"])
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    )
    print(
        "== a rolling restart of the servers (A stopped and started again, then B) while wrk sends "
        "requests that all reach a server, 8 connections through nginx",
        flush=True,
    )
    # A visitor waits for a page while a server starts beside the other on this shared machine:
    # an answer within 60 s counts (nginx's own limit is 120 s); what counts is how many fail.
    command = wrk_command(proxy.base, connections=8, seconds=300, script=script, timeout=60)
    command[-1:-1] = ["-H", STAFF_COOKIE]
    before = len(proxy.failed())
    load = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(2)
        started = time.monotonic()
        for replica in (a, b):
            replica.stop()
            replica.start()
            time.sleep(1)  # traffic on it again before the next one goes
        restarted = time.monotonic() - started
        time.sleep(1)
        load.send_signal(signal.SIGINT)  # wrk stops and prints its figures
        out, _ = load.communicate(timeout=30)
    finally:
        if load.poll() is None:
            load.kill()
    during = wrk_figures(out)
    failed = proxy.failed()[before:]
    bad_gateway = sum(line.startswith("502 ") for line in failed)
    print(
        f"both restarted one after the other in {restarted:.0f} s; during it: {during['requests']} requests "
        f"({during['rps']:.0f} req/s, p99 {during['p99']:.0f} ms), {during['errors']} errors "
        f"({during['socket_errors']}; {len(failed)} answers other than 2xx/3xx, {bad_gateway} × 502; target: 0 errors)"
    )
    for line in failed[:5]:
        print(f"  nginx answered: {line}")


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql") or not os.environ.get("REDIS_URL"):
        raise SystemExit("Run through `make cluster-bench` (bin/with-postgres and bin/with-redis).")
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: make system-deps")
    only_rolling = sys.argv[1:] == ["rolling"]
    # A `kill` stops the cluster as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    started = time.monotonic()
    # The static files first: the seed publishes reviews and renders their pages.
    manage("collectstatic", "--noinput", "-v0")
    manage("migrate", "--noinput", "-v0")
    manage("seed", "clermont", "-v0")
    manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "bench",
        "--email",
        "bench@example.org",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    running = []
    work = Path(tempfile.mkdtemp(prefix="cluster."))
    work.chmod(0o755)
    dns = LoopbackDNS(SERVICE, list(ADDRESSES))
    try:
        with socket.socket() as sock:
            sock.bind((ADDRESSES[0], 0))
            port = sock.getsockname()[1]
        a = Replica(ADDRESSES[0], port, DJANGO_SECRET_KEY=SECRET_KEY, DJANGO_MIGRATE="false")
        running.append(a)
        b = Replica(ADDRESSES[1], port, DJANGO_SECRET_KEY=SECRET_KEY, DJANGO_MIGRATE="false")
        running.append(b)
        proxy = Nginx(work, dns, port)
        running.append(proxy)
        print(
            f"cluster: server A {a.address}:{port}, server B {b.address}:{port} (2 gunicorn workers each), "
            f"nginx :{proxy.port}, PostgreSQL and Redis, all on loopback",
            flush=True,
        )
        if not only_rolling:
            throughput(a, proxy, work)
            propagation(a, b, proxy)
            publication(proxy, work)
        rolling_restart(a, b, proxy, work)
    finally:
        for process in reversed(running):
            process.stop()
        dns.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
