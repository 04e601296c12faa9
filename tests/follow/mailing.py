"""A real SMTP server on loopback (aiosmtpd) and the real worker (`manage.py db_worker`), for
the followers' messages."""

import email
import email.policy
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from follow.models import Follower, Subscription


@dataclass
class Mailbox:
    """What the SMTP server received, and the addresses it refuses once (451) or always."""

    received: list = field(default_factory=list)
    fail_once: set = field(default_factory=set)
    fail_always: set = field(default_factory=set)

    async def handle_DATA(self, server, session, envelope):
        recipients = set(envelope.rcpt_tos)
        if recipients & self.fail_always:
            return "451 4.3.0 Try again later"
        if recipients & self.fail_once:
            self.fail_once -= recipients
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        return [message for message in self.received if message["To"] == address]

    def recipients(self) -> list[str]:
        return sorted(message["To"] for message in self.received)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(settings) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 (a free port), the site sending through it; retries at once."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "suivi@example.org"
    settings.FOLLOW_RETRY_SECONDS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    try:
        yield mailbox
    finally:
        controller.stop()


def run_worker(max_tasks: int | None = None, *, failures_expected: bool = False) -> None:
    """The real worker, in batch mode: it runs every task ready (those it queues too; at most
    `max_tasks`), then stops. A task that failed fails the test, with its traceback."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    started = timezone.now()
    try:
        limit = ["--max-tasks", str(max_tasks)] if max_tasks else []
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", *limit, verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    failed = DBTaskResult.objects.filter(status="FAILED", finished_at__gte=started)
    assert failures_expected or not failed.exists(), "\n".join(task.traceback for task in failed)


def make_follower(address: str, *things, confirmed: bool = True) -> Follower:
    """A follower of `things` (proposals, axes, or None for every review)."""
    person = Follower.objects.create(email=address, confirmed_at=timezone.now() if confirmed else None)
    for thing in things:
        if thing is None:
            Subscription.objects.create(follower=person)
        elif thing._meta.model_name == "axis":
            Subscription.objects.create(follower=person, axis=thing)
        else:
            Subscription.objects.create(follower=person, proposal=thing)
    return person
