"""A real SMTP server on loopback (aiosmtpd) and the real worker (`manage.py db_worker`), for
the followers' messages."""

import email
import email.policy
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from follow.models import Follower, Subscription
from tests.factory import run_ready_tasks


@dataclass
class Mailbox:
    """What the SMTP server received, and the addresses it refuses once (451) or always."""

    received: list = field(default_factory=list)
    fail_once: set = field(default_factory=set)
    fail_always: set = field(default_factory=set)
    refuse_always: set = field(default_factory=set)  # at RCPT, for good (550), naming the address
    # Called with the count of messages received so far, before each is accepted.
    before_accepting: Callable[[int], None] | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_always:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.before_accepting is not None:
            self.before_accepting(len(self.received))
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


@contextmanager
def hung_smtp_server(settings) -> Iterator[list]:
    """A mail server that accepts connections and never answers (a hung host): the site sends
    through it; yields the list of connections it accepted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:  # closed: the test is over
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = listener.getsockname()[1]
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    try:
        yield accepted
    finally:
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept(): close() alone leaves it listening
        listener.close()
        for connection in accepted:
            connection.close()


def closed_port() -> int:
    """A port nobody listens on (a mail server stopped)."""
    return _free_port()


def run_queued_tasks() -> None:
    """The queued tasks that are due, run here as the worker process would (tests/factory.py
    `run_ready_tasks`); a task that failed fails the test."""
    run_ready_tasks()


def delivered() -> list:
    """The confirmation messages the worker sends (locmem backend), once it has run."""
    run_queued_tasks()
    return mail.outbox


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
