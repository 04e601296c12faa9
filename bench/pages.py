"""Requests per second and p99 latency of the public pages, beside a static file of the same size.

Run by `make bench` inside bin/with-postgres (DATABASE_URL points at a throwaway cluster):
for the Clermont data and for a generated convention of 4,000 proposals, with the page cache
on and off, gunicorn on 127.0.0.1 serves the site and wrk (Debian's) measures each page for a
few seconds (the table, filtered, and three searches: a word found everywhere, one found
nowhere, eight words). Prints one line per page:

    ratio <page>/static: X.XX (N req/s, p99 M ms)

and for the PDF asked with a new random `?q=` each time (a parameter it does not read), its
ratio to the cached PDF: `ratio pdf?q=<random>/pdf`.

Loopback only, bounded: about five minutes in all (BENCH_ONLY=clermont: the first half;
BENCH_PAGES=home,table: those pages only, e.g. to measure one change quickly).
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DURATION = os.environ.get("BENCH_SECONDS", "3")
HEADERS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front would send


def pages(dataset: str) -> dict[str, str]:
    proposal = "eco-vegetalisation" if dataset == "clermont" else "proposition-2"
    return {
        "home": "/",
        "table": "/propositions/",
        "filtered": "/propositions/?axe=ecologique&statut=implemented",
        # Three searches: a word in every generated proposal, a word in none, eight words.
        "search-everywhere": "/propositions/?q=proposition",
        "search-nowhere": "/propositions/?q=ornithorynque",
        "search-8-words": "/propositions/?q=proposition+g%C3%A9n%C3%A9r%C3%A9e+num%C3%A9ro+mesurer+site+"
        "r%C3%A9sum%C3%A9+langage+clair",
        "proposal": f"/propositions/{proposal}/",
        "review": "/bilans/2025/",
        "pdf": "/bilans/2025.pdf",
        "xlsx": "/bilans/2025.xlsx",
        "ods": "/bilans/2025.ods",
    }


def env(**extra) -> dict:
    values = dict(os.environ)
    values.pop("PYTEST_VERSION", None)
    values.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://127.0.0.1",  # an allowed host: publication warms the pages under it
        DJANGO_LOG_LEVEL="ERROR",
    )
    values.update(extra)
    return values


def manage(*args, **extra) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env(**extra), check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=180) as response:
        return response.read()


class Server:
    """gunicorn through bin/start (2 workers, access log off for the measure), on `address` and
    `port` (a free one by default); `start()` again after `stop()` serves the same address."""

    def __init__(self, address: str = "127.0.0.1", port: int | None = None, **extra):
        self.address, self.port, self.extra = address, port or free_port(), extra
        self.base = f"http://{address}:{self.port}"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["bin/start"],
            cwd=ROOT,
            env=env(BIND=self.address, PORT=str(self.port), WEB_CONCURRENCY="2", **self.extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch(f"{self.base}/sante/")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            # A worker still rendering a large PDF outlives gunicorn's graceful stop.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# Each request asks for the URL with a new random `q`: a parameter the page does not read;
# beside it, the same Lua hook asking for the URL itself, so that both pay wrk's Lua cost.
RANDOM_QUERY = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. "?q=" .. id .. "-" .. n .. "-" .. math.random(1, 1000000000))
end
"""
SAME_QUERY = """
request = function()
  return wrk.format(nil, wrk.path)
end
"""


def wrk(url: str, script: str = "") -> tuple[float, float]:
    """(requests per second, p99 latency in ms) over DURATION seconds, 2 threads, 8 connections;
    `script`: wrk's Lua hooks."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        out = subprocess.run(
            ["wrk", "-t2", "-c8", f"-d{DURATION}s", "--latency", "-H", "X-Forwarded-Proto: https", "-s", lua.name, url],
            capture_output=True,
            text=True,
            check=True,
            timeout=int(DURATION) + 30,
        ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors under load:\n{out}")
    return rps, p99


def bench(dataset: str) -> None:
    static_dir = ROOT / "staticfiles" / "bench"
    manage("collectstatic", "--noinput", "-v0")
    # The static twin of each page: a file of the same size, served by the same whitenoise.
    probe = Server()
    try:
        urls = {}
        only = {name for name in os.environ.get("BENCH_PAGES", "").split(",") if name}
        for name, path in pages(dataset).items():
            if only and name not in only:
                continue
            try:
                body = fetch(probe.base + path)
            except OSError as error:
                print(f"{dataset}: {name} skipped ({error})")
                continue
            urls[name] = path
            static_dir.mkdir(parents=True, exist_ok=True)
            (static_dir / f"{name}.txt").write_bytes(b"x" * len(body))
            print(f"{dataset}: {name} {path} is {len(body):,} bytes".replace(",", " "))
    finally:
        probe.stop()
    first_seconds = {}  # how long the first request of each page took (cache empty)
    for label, extra in [("cached", {}), ("uncached", {"DJANGO_PAGE_CACHE_SECONDS": "0"})]:
        server = Server(**extra)
        print(f"== {dataset}, {label} (static files of the same size served by the same gunicorn)", flush=True)
        try:
            for name, path in urls.items():
                if label == "uncached" and first_seconds.get(name, 0) > 2:
                    # Known slow from the first (cache-filling) request: one request says it all;
                    # under wrk it would only time out.
                    print(f"{name}: one request takes {first_seconds[name]:.1f} s, not measured under load")
                    continue
                started = time.monotonic()
                fetch(server.base + path)  # warm the cache and the connections
                first = first_seconds.setdefault(name, time.monotonic() - started)
                if first > 2 and label == "uncached":
                    # wrk would see nothing but time-outs: one request says more.
                    print(f"{name}: one request takes {first:.1f} s, not measured under load")
                    continue
                # The static twin measured right before the page, in each mode: on a shared machine
                # the load changes from one minute to the next, and a ratio of two figures taken
                # minutes apart measured the load, not the page.
                static_rps, _ = wrk(f"{server.base}/static/bench/{name}.txt")
                rps, p99 = wrk(server.base + path)
                rate = f"{rps:.0f}" if rps >= 10 else f"{rps:.1f}"
                print(f"ratio {name}/static: {rps / static_rps:.2f} ({rate} req/s, p99 {p99:.1f} ms)", flush=True)
                if name == "pdf" and label == "cached":
                    # Taking turns, each keeping its best round: the machine is shared.
                    rounds = [
                        (wrk(server.base + path, SAME_QUERY), wrk(server.base + path, RANDOM_QUERY)) for _ in range(2)
                    ]
                    same_rps = max(pair[0][0] for pair in rounds)
                    busted_rps, busted_p99 = max(pair[1] for pair in rounds)
                    print(
                        f"ratio {name}?q=<random>/{name}: {busted_rps / same_rps:.2f} ({busted_rps:.0f} req/s, "
                        f"p99 {busted_p99:.1f} ms; target ≥ 0.9)",
                        flush=True,
                    )
        finally:
            server.stop()
    shutil.rmtree(static_dir, ignore_errors=True)


def publish(dataset: str, year: int = 2025) -> None:
    """Time the publication of the year's review: freezing it and storing its five documents
    (the Clermont fixture marks 2025 published without its record: this is its first version)."""
    started = time.monotonic()
    out = subprocess.run(
        [PYTHON, "manage.py", "publish_review", str(year)],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():  # each step as it started, with the seconds since the command's start
        print(f"{dataset}: {line}")
    print(f"{dataset}: publication of the {year} review (five documents) took {time.monotonic() - started:.1f} s")


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        raise SystemExit("Run through `make bench` (bin/with-postgres sets DATABASE_URL).")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    started = time.monotonic()
    manage("migrate", "--noinput", "-v0")
    # Before the publications: the pages they warm name the hashed static files (without the
    # manifest, each page warmed fails and logs its traceback: thousands at 4,000 proposals).
    manage("collectstatic", "--noinput", "-v0")
    manage("loaddata", "clermont", "-v0")
    publish("clermont")
    bench("clermont")
    if os.environ.get("BENCH_ONLY") != "clermont":
        manage("generate_convention", "--proposals", "4000", "--yes")
        publish("4000")
        bench("4000")
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
