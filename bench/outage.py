"""PostgreSQL stops under load, then comes back: the site answers 503 meanwhile and recovers
by itself, without restarting gunicorn.

Run by `make outage` inside bin/with-postgres (which exports PGDATA and PGPORT). Loopback
only, bounded: 4 threads request uncached pages for about 12 seconds; the database is
stopped after 3 s and started again after 7 s. Prints the count of each status code per
phase and exits non-zero if anything but 200 and 503 was seen, or if the site did not
recover.
"""

import collections
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from pages import Server, manage  # noqa: E402

PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
PATHS = [
    "/propositions/",
    "/propositions/?statut=implemented",
    "/bilans/2025.json",
    "/propositions/eco-vegetalisation/",
]


def pg_ctl(action: str) -> None:
    command = [f"{PGBIN}/pg_ctl", "-D", os.environ["PGDATA"], "-w", "-m", "fast", action]
    if action == "start":
        command += [
            "-l",
            f"{os.environ['PGDATA']}/log",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {os.environ['PGPORT']}",
        ]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    manage("migrate", "--noinput", "-v0")
    manage("seed", "clermont", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    # Uncached, so that every request needs the database.
    server = Server(DJANGO_PAGE_CACHE_SECONDS="0")
    phase = ["before"]
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    bodies_503 = []
    stop = threading.Event()

    def load(worker: int) -> None:
        n = 0
        while not stop.is_set():
            path = PATHS[(n + worker) % len(PATHS)]
            request = urllib.request.Request(server.base + path, headers={"X-Forwarded-Proto": "https"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
                if status == 503 and len(bodies_503) < 1:
                    bodies_503.append(error.read().decode())
            except OSError:
                status = "no answer"
            counts[phase[0]][status] += 1  # the phase the answer arrived in
            n += 1

    threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(3)
        phase[0] = "database stopped"
        pg_ctl("stop")
        time.sleep(4)
        phase[0] = "database restarted"
        pg_ctl("start")
        time.sleep(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        server.stop()

    for name in ["before", "database stopped", "database restarted"]:
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts[name].items(), key=str))
        print(f"{name}: {summary}")
    if bodies_503:
        page = bodies_503[0]
        print("503 page in French:", "momentanément indisponible" in page, "| traceback shown:", "Traceback" in page)
    unexpected = {status for c in counts.values() for status in c if status not in (200, 503)}
    recovered = counts["database restarted"][200] > 0
    print(f"recovered without restarting gunicorn: {recovered}; unexpected statuses: {sorted(unexpected, key=str)}")
    return 0 if recovered and not unexpected and counts["database stopped"][503] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
