"""How long Django takes to render each public page, in process, without the page cache.

    .venv/bin/python bench/render.py [requests per page, default 50] [rounds, default 3]

A throwaway SQLite database in a temporary directory (or the DATABASE_URL given, which it fills:
a throwaway one only, as bin/with-postgres gives) with the Clermont data, DEBUG off,
the page cache off, the Django test client. Prints, per page, the median over the rounds of
the mean milliseconds per request, in CPU time of this process (SQLite runs in it too) and in
wall-clock time: when another process shares the cores, the wall-clock figure grows and the
CPU figure much less. No network, no gunicorn: `make bench` measures those.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    "/",
    "/propositions/",
    "/propositions/?axe=ecologique&statut=implemented",
    "/propositions/eco-vegetalisation/",
    "/projets/",
    "/bilans/2025/",
]


def main(requests: int, rounds: int) -> None:
    tmp = tempfile.TemporaryDirectory()
    # PostgreSQL with `bin/with-postgres .venv/bin/python bench/render.py` (a throwaway cluster).
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="render-bench-only-not-a-secret",
        DJANGO_ALLOWED_HOSTS="testserver",
        SITE_URL="https://testserver",  # required with DEBUG off
        DJANGO_PAGE_CACHE_SECONDS="0",
        DJANGO_SETTINGS_MODULE="convention.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed", "clermont", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # the hashed names, as in production

    client = Client(headers={"X-Forwarded-Proto": "https"})  # as the TLS proxy sends it
    for url in PAGES:
        assert client.get(url).status_code == 200, url  # warm up: templates, URL resolver

    cpu = {url: [] for url in PAGES}
    wall = {url: [] for url in PAGES}
    for _round in range(rounds):
        for url in PAGES:
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            for _ in range(requests):
                client.get(url)
            cpu[url].append((time.process_time() - cpu_start) * 1000 / requests)
            wall[url].append((time.perf_counter() - wall_start) * 1000 / requests)

    print("    cpu     wall  (ms per request, median of the rounds)")
    for url in PAGES:
        print(f"{statistics.median(cpu[url]):7.2f}  {statistics.median(wall[url]):7.2f}  {url}")
    tmp.cleanup()


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
