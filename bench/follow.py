"""Publishing with 10,000 followers is as fast as with none; then how fast the worker sends.

Run by `make bench-follow` (PostgreSQL, inside bin/with-postgres) or `.venv/bin/python
bench/follow.py` (a throwaway SQLite file). Not a test: pytest does not collect it. Loopback only.
1. The Clermont data; the 2025 review published again as a rectificatif (documents rendered, one
   status corrected each time), ROUNDS times with no follower and ROUNDS times with 10,000
   confirmed followers (spread over proposals, axes and every review), alternately: the median
   time of each, and their ratio.
2. The real worker (`manage.py db_worker --batch`, its own process) runs the tasks the ten
   publications queued: it plans their messages (for the followers there are then) and sends
   them to a local SMTP server (aiosmtpd): messages per second.
3. The mail server stopped for «an hour», then back: one more rectificatif published while it
   is away. Shortened 60 times so that it runs in about two minutes: the server is away one
   minute, and the retry delays are a sixtieth of the real ones (FOLLOW_RETRY_SECONDS=1,
   FOLLOW_RETRY_MAX_SECONDS=360 for 60 and 6 hours). The worker runs as in production
   (`db_worker`, its own process); gunicorn serves the site beside it (pages uncached).
4. A mail server that accepts connections and never answers for 45 s (and until the worker,
   waiting on it, got a TERM and was started again), then is replaced by one that works;
   FOLLOW_SMTP_TIMEOUT=5 (10 by default).
In 3 and 4, every few seconds: how long a project's announcement task waited in the queue,
the time of an uncached page and of the answer to a request to follow (median, and the same
before the scenario), then: messages planned, sent, failed, received by the SMTP server, and
received twice (by Message-ID).
"""

import argparse
import collections
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 5
QUERIES: list[int] = []


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url  # before django.setup(): read once
    # Production's settings (debug off: templates compiled once), inherited by the worker.
    os.environ.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://suivi.example.org",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Counter:
    """An SMTP handler that only counts what it accepts."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


class Recorder:
    """An SMTP handler that counts each Message-ID it accepts."""

    def __init__(self):
        self.ids = collections.Counter()

    async def handle_DATA(self, server, session, envelope):
        found = re.search(rb"^Message-ID: *(\S+)", envelope.content, re.MULTILINE | re.IGNORECASE)
        self.ids[found.group(1).decode() if found else "?"] += 1
        return "250 OK"


class HungServer:
    """Accepts connections on `port` and never answers (a hung mail host)."""

    def __init__(self, port: int):
        self.listener = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept(): close() alone leaves it listening
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def make_followers(count: int) -> int:
    from django.utils import timezone

    from follow.models import Follower, Subscription
    from proposals.models import Axis, Proposal

    rng = random.Random(21)
    proposals = list(Proposal.objects.values_list("pk", flat=True))
    axes = list(Axis.objects.values_list("pk", flat=True))
    now = timezone.now()
    followers = Follower.objects.bulk_create(
        (Follower(email=f"abonne-{n}@example.org", confirmed_at=now) for n in range(count)), batch_size=2000
    )
    subscriptions = []
    for n, follower in enumerate(followers):
        kind = n % 20
        if kind < 12:  # 60 %: one to three proposals
            for pk in rng.sample(proposals, rng.randint(1, 3)):
                subscriptions.append(Subscription(follower=follower, proposal_id=pk))
        elif kind < 17:  # 25 %: an axis
            subscriptions.append(Subscription(follower=follower, axis_id=rng.choice(axes)))
        else:  # 15 %: every review, some a proposal too
            subscriptions.append(Subscription(follower=follower))
            if kind == 19:
                subscriptions.append(Subscription(follower=follower, proposal_id=rng.choice(proposals)))
    Subscription.objects.bulk_create(subscriptions, batch_size=2000)
    return len(subscriptions)


def publish_rectificatif(round_number: int) -> float:
    """Correct one 2025 status (another proposal each time) and publish the rectificatif; the
    number of queries it made (its commit's work included) goes to QUERIES."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from proposals.models import Status, YearlyStatus
    from reports.models import AnnualReview
    from reports.publication import review_open_correction, review_publish

    review = AnnualReview.objects.get(year=2025)
    review_open_correction(review, reason=f"Correction {round_number}")
    statuses = list(YearlyStatus.objects.filter(year=2025).order_by("pk"))
    yearly = statuses[(round_number * 7) % len(statuses)]
    new = Status.UNDERWAY if yearly.status == Status.IMPLEMENTED else Status.IMPLEMENTED
    YearlyStatus.objects.filter(pk=yearly.pk).update(status=new)
    review = AnnualReview.objects.get(pk=review.pk)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        review_publish(review)
        elapsed = time.perf_counter() - start
    QUERIES.append(len(queries))
    return elapsed


def settle() -> None:
    """Statistics refreshed after the bulk writes of followers: no automatic ANALYZE (or
    VACUUM) starts in the middle of the next measure."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE follow_follower, follow_subscription")
        else:
            cursor.execute("ANALYZE")


def run_worker(env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - start


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", "-v0"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen) -> float:
    """TERM, and how long the worker took to stop."""
    start = time.perf_counter()
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        return float("inf")
    return time.perf_counter() - start


class Site:
    """gunicorn beside the worker (bench/pages.py's), its pages uncached; times in ms."""

    def __init__(self, database_url: str):
        sys.path.insert(0, str(ROOT / "bench"))
        from pages import Server

        self.server = Server(
            DATABASE_URL=database_url,
            DJANGO_WORKER="false",
            DJANGO_PAGE_CACHE_SECONDS="0",
            FOLLOW_MAX_REQUESTS_PER_HOUR="1000000",
            DJANGO_MIGRATE="false",
        )
        self.n = 0

    def _timed(self, request) -> float:
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            assert response.status == 200
        return (time.perf_counter() - start) * 1000

    def page(self) -> float:
        return self._timed(
            urllib.request.Request(self.server.base + "/propositions/", headers={"X-Forwarded-Proto": "https"})
        )

    def follow(self) -> float:
        self.n += 1
        data = urllib.parse.urlencode({"adresse": f"sonde-{self.n}@example.org"}).encode()
        headers = {"X-Forwarded-Proto": "https"}
        return self._timed(urllib.request.Request(self.server.base + "/suivre/inscription/", data, headers))

    def stop(self):
        self.server.stop()


def queue_probe() -> str:
    """A project's announcement task (for a project not delivered: it does nothing), queued now."""
    from follow.tasks import announce_project
    from proposals.models import Project, ProjectState

    project = Project.objects.exclude(state=ProjectState.DELIVERED).order_by("pk").first()
    return str(announce_project.enqueue(project.pk if project else 0, 0).id)


def probe_waits(ids: list[str]) -> list[float]:
    """How long each probe waited in the queue before a worker started it, in seconds."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(pk__in=ids)
    return [(row.started_at - row.enqueued_at).total_seconds() for row in rows if row.started_at]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


SEND = "follow.tasks.send_batch"


def scenario(name: str, *, site: Site, env: dict, round_number: int, away: float, away_server, term=False) -> bool:
    """Publish a rectificatif while the mail server is away (`away_server`: None, stopped, or a
    hung one) for `away` seconds, then a working one on the same port; probe meanwhile. With
    `term`, TERM the worker at the end of that time, once a batch is waiting on the server (and
    start another), before the working server comes."""
    from aiosmtpd.controller import Controller
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    from follow.models import Announcement, Message
    from reports.models import ReviewVersion

    before_pages = [site.page() for _ in range(10)]
    before_follow = [site.follow() for _ in range(10)]
    workers = [start_worker(env)]
    controller = None
    try:
        publish_rectificatif(round_number)
        number = ReviewVersion.objects.filter(review__year=2025).order_by("-number")[0].number
        key = f"review-2025-{number}"
        start = time.monotonic()
        probes, pages, follows, term_seconds, in_hand = [], [], [], None, False
        while time.monotonic() - start < away:
            probes.append(queue_probe())
            for _ in range(3):
                pages.append(site.page())
                follows.append(site.follow())
            time.sleep(2)
        if term:  # once a batch is waiting on the server: the worker has a message in hand
            in_hand = wait_for(DBTaskResult.objects.filter(status="RUNNING", task_path=SEND).exists, 90)
            term_seconds = stop_worker(workers[-1])
            workers.append(start_worker(env))
        if away_server is not None:
            away_server.close()
        recorder = Recorder()
        controller = Controller(recorder, hostname="127.0.0.1", port=int(env["EMAIL_PORT"]))
        controller.start()
        back = time.monotonic()
        close_old_connections()
        wait_for(lambda: Announcement.objects.filter(key=key).exists(), 120)
        announcement = Announcement.objects.get(key=key)
        messages = Message.objects.filter(announcement=announcement)
        done = wait_for(lambda: not messages.filter(state__in=["pending", "sending"]).exists(), 600)
        delivered_after = time.monotonic() - back
        probes.append(queue_probe())
        wait_for(lambda: len(probe_waits(probes)) == len(probes), 60)
    finally:
        stop_worker(workers[-1])
        if controller is not None:
            controller.stop()
    planned = messages.count()
    sent = messages.filter(state=Message.State.SENT).count()
    failed = messages.filter(state=Message.State.FAILED).count()
    mine = {mid: n for mid, n in recorder.ids.items() if mid.startswith(f"<follow.{announcement.pk}.")}
    twice = sum(1 for n in mine.values() if n > 1)
    waits = probe_waits(probes)
    print(
        f"{name}: {planned} messages planned, {sent} sent, {failed} failed, {sum(mine.values())} received, "
        f"{twice} received twice; all sent {delivered_after:.0f} s after the server was back"
    )
    print(
        f"{name}: a project's announcement task waited in the queue {statistics.median(waits):.1f} s "
        f"(median of {len(waits)}), {max(waits):.1f} s at most"
    )
    print(
        f"{name}: uncached page {statistics.median(before_pages):.0f} ms before, "
        f"{statistics.median(pages):.0f} ms meanwhile (max {max(pages):.0f}); "
        f"request to follow {statistics.median(before_follow):.0f} ms before, "
        f"{statistics.median(follows):.0f} ms meanwhile (max {max(follows):.0f})"
    )
    if term_seconds is not None:
        print(
            f"{name}: TERM stopped the worker in {term_seconds:.1f} s",
            f"(a batch waiting on the server then: {'yes' if in_hand else 'no'};",
            f"FOLLOW_SMTP_TIMEOUT={env['FOLLOW_SMTP_TIMEOUT']})",
        )
    return done and sent == planned == sum(mine.values()) and not twice and failed == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--skip-outages", action="store_true", help="parts 1 and 2 only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        setup_django(database_url)
        from aiosmtpd.controller import Controller
        from django.core.management import call_command
        from django_tasks_db.models import DBTaskResult

        from follow.models import Follower, Message

        call_command("migrate", verbosity=0)
        call_command("seed", "clermont", verbosity=0)
        print(f"database: {database_url.split(':', 1)[0]}", flush=True)

        # Alternately without and with the followers, so that the machine's own drift (other
        # work on the same cores) weighs on both alike.
        without, with_followers, queued = [], [], 0
        for n in range(ROUNDS):
            if n:
                Follower.objects.all().delete()
                settle()
            without.append(publish_rectificatif(2 * n))
            subscriptions = make_followers(args.followers)
            settle()
            before = DBTaskResult.objects.count()
            with_followers.append(publish_rectificatif(2 * n + 1))
            queued += DBTaskResult.objects.count() - before
        print(f"{args.followers} followers, {subscriptions} subscriptions")
        print(f"tasks queued by {ROUNDS} publications with followers: {queued}")
        print("queries per publication, alternately without and with followers:", *QUERIES)
        print("seconds, without:", *(f"{t:.2f}" for t in without), " with:", *(f"{t:.2f}" for t in with_followers))
        before, after = statistics.median(without), statistics.median(with_followers)
        label = f"{args.followers} followers"
        print(f"publishing the 2025 rectificatif, {'no follower':>16}: {before * 1000:8.1f} ms (median of {ROUNDS})")
        print(f"publishing the 2025 rectificatif, {label:>16}: {after * 1000:8.1f} ms (median of {ROUNDS})")
        print(f"ratio: {after / before:.2f}", flush=True)

        counter = Counter()
        controller = Controller(counter, hostname="127.0.0.1", port=_free_port())
        controller.start()
        try:
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(controller.port),
                "DEFAULT_FROM_EMAIL": "suivi@example.org",
            }
            elapsed = run_worker(env)
        finally:
            controller.stop()
        sent = Message.objects.filter(state=Message.State.SENT).count()
        planned = Message.objects.count()
        print(f"worker: {planned} messages planned, {sent} sent, {counter.received} received by the SMTP server")
        print(f"worker: {elapsed:.1f} s in all (planning included): {sent / elapsed:.0f} messages per second")
        ok = sent == planned == counter.received

        if not args.skip_outages:
            site = Site(database_url)
            try:
                base = {
                    **os.environ,
                    "DATABASE_URL": database_url,
                    "EMAIL_HOST": "127.0.0.1",
                    "DEFAULT_FROM_EMAIL": "suivi@example.org",
                    "FOLLOW_RETRY_SECONDS": "1",  # 60 s / 60
                    "FOLLOW_RETRY_MAX_SECONDS": "360",  # 6 h / 60
                    "DJANGO_LOG_LEVEL": "ERROR",
                }
                port = _free_port()  # nobody listens: the server is stopped
                env = {**base, "EMAIL_PORT": str(port), "FOLLOW_SMTP_TIMEOUT": "10"}
                ok &= scenario(
                    "stopped 1 min («an hour»)", site=site, env=env, round_number=20, away=60, away_server=None
                )
                port = _free_port()
                hung = HungServer(port)
                env = {**base, "EMAIL_PORT": str(port), "FOLLOW_SMTP_TIMEOUT": "5"}
                ok &= scenario("hung 45 s", site=site, env=env, round_number=21, away=45, away_server=hung, term=True)
            finally:
                site.stop()
        return 0 if ok else 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
