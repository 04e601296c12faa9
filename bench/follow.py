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
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000)
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
        return 0 if sent == planned == counter.received else 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
