"""Mail that always arrives, and a worker no mail server can stall: no mail inside a request
(the confirmation goes through the queue and the outbox), retries over two days, a hung server
that pauses the batch while other tasks run, TERM after the message in hand, the tasks a dead
worker left running ended by the watchdog, and no follower's address in the log. Through a real
SMTP server (aiosmtpd) or a socket that never answers, and django-tasks-db's real worker."""

import datetime
import logging
import os
import signal

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from follow.models import Follower, Message
from follow.outbox import PAUSE_KEY, claim, retry_delay
from follow.tasks import watch_batch
from proposals.models import ProjectState
from tests.factory import make_project, make_proposal

from .mailing import closed_port, hung_smtp_server, make_follower, run_worker, smtp_server

SEND = "follow.tasks.send_batch"


def follow(address: str, **target):
    return Client().post("/suivre/inscription/", {"adresse": address, **target})


def deliver(project) -> None:
    project.state = ProjectState.DELIVERED
    project.save()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def smtp(settings):
    with smtp_server(settings) as mailbox:
        yield mailbox


@pytest.mark.django_db
def test_asking_to_follow_never_reaches_the_mail_server(settings):
    """A server that accepts and never answers held each request EMAIL_TIMEOUT, and the first
    request of the day for an address waited for it while the next did not."""
    proposal = make_proposal(key="velo")
    settings.EMAIL_TIMEOUT = settings.FOLLOW_SMTP_TIMEOUT = 1
    with hung_smtp_server(settings) as connections:
        answers = [
            follow("lea@example.org", proposition="velo"),  # the first of the day for this address
            follow("lea@example.org", proposition="velo"),  # its message of the day is planned already
            follow("max@example.org"),
        ]
        assert connections == []

    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    planned = Message.objects.filter(kind=Message.Kind.CONFIRMATION, state=Message.State.PENDING)
    assert sorted(planned.values_list("follower__email", flat=True)) == ["lea@example.org", "max@example.org"]
    assert DBTaskResult.objects.filter(status="READY", task_path=SEND).count() == 2
    assert proposal.pk in planned.get(follower__email="lea@example.org").concerns["targets"][0]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_confirmation_and_tries_again_when_refused(smtp):
    make_proposal(key="velo", title="Des pistes cyclables")
    smtp.fail_once.add("lea@example.org")

    follow("lea@example.org", proposition="velo")
    assert smtp.received == []
    run_worker()

    [received] = smtp.to("lea@example.org")
    assert "Confirmez votre abonnement" in received["Subject"]
    assert "Des pistes cyclables" in text_of(received) and "/suivre/confirmer/" in text_of(received)
    message = Message.objects.get()
    assert (message.kind, message.state, message.attempts) == (Message.Kind.CONFIRMATION, Message.State.SENT, 2)
    run_worker()
    assert len(smtp.received) == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_delivery_logs_the_follower_s_id_never_its_address(smtp, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="mail.log")  # the test's SMTP server, not the site
    make_proposal(key="velo")
    smtp.refuse_always.add("lea@example.org")  # «550 5.1.1 <lea@example.org>: … User unknown»

    follow("lea@example.org", proposition="velo")
    run_worker()

    follower = Follower.objects.get()
    message = Message.objects.get()
    # Refused for good (5xx): not tried again for two days; a superuser may send it again.
    assert (message.state, message.attempts) == (Message.State.FAILED, 1) and "550" in message.last_error
    assert f"follower {follower.pk}" in caplog.text
    written = caplog.text + "".join(capfd.readouterr()) + message.last_error
    assert "lea@example.org" not in written


def test_the_default_retries_spread_over_two_days_with_growing_delays():
    schedule = [retry_delay(attempts) for attempts in range(1, django_settings.FOLLOW_MAX_ATTEMPTS)]

    assert sum(schedule, datetime.timedelta()) >= datetime.timedelta(days=2)
    assert schedule == sorted(schedule) and schedule[0] <= datetime.timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outage", [datetime.timedelta(minutes=20), datetime.timedelta(hours=47)])
def test_a_mail_server_stopped_for_a_while_loses_nothing(smtp, settings, outage):
    """The default delays (an outage of about 15 minutes lost every message); time is skipped
    by making each retry due as soon as it is queued, counting how long it would have waited."""
    settings.FOLLOW_RETRY_SECONDS = 60
    working = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()
    bus = make_proposal(key="bus")
    for name in ("alice", "bob", "carol"):
        make_follower(f"{name}@example.org", bus)

    deliver(make_project([bus]))
    run_worker()
    waited = datetime.timedelta()
    while retry := DBTaskResult.objects.filter(status="READY", task_path=SEND).order_by("run_after").first():
        waited += retry.run_after - retry.enqueued_at
        if waited >= outage:
            settings.EMAIL_PORT = working  # the server is back
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        cache.delete(PAUSE_KEY)  # the pause is over too
        run_worker()

    assert waited >= outage
    assert smtp.recipients() == ["alice@example.org", "bob@example.org", "carol@example.org"]
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENT}


@pytest.mark.django_db(transaction=True)
def test_a_hung_mail_server_costs_one_wait_and_holds_back_no_other_task(settings):
    """Each message waited for the server in turn (one per EMAIL_TIMEOUT), and a project
    announced meanwhile waited behind the whole batch."""
    settings.EMAIL_TIMEOUT = settings.FOLLOW_SMTP_TIMEOUT = 1
    settings.FOLLOW_BATCH_SIZE = 2
    bus, tram = make_proposal(key="bus"), make_proposal(key="tram")
    for name in ("alice", "bob", "carol", "dave"):
        make_follower(f"{name}@example.org", bus)
    make_follower("erin@example.org", tram)

    with hung_smtp_server(settings) as connections:
        deliver(make_project([bus]))
        run_worker(max_tasks=1)  # plans four messages: two batches queued
        later = make_project([tram])
        deliver(later)  # queued after the batches
        run_worker()

        # The server was waited for once: the rest of the batch was put back, and the batches
        # that started meanwhile waited as long without trying.
        assert len(connections) == 1
    [announced] = [
        result
        for result in DBTaskResult.objects.filter(task_path="follow.tasks.announce_project")
        if result.args_kwargs["args"][0] == later.pk
    ]
    first_batch = DBTaskResult.objects.filter(task_path=SEND).exclude(started_at=None).order_by("started_at")[0]
    assert announced.started_at < first_batch.started_at
    attempts = dict(Message.objects.values_list("follower__email", "attempts"))
    assert attempts == {
        "alice@example.org": 1,
        "bob@example.org": 1,
        "carol@example.org": 0,
        "dave@example.org": 0,
        "erin@example.org": 0,
    }
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.PENDING}

    # Later, the server answers again: every message is delivered, once.
    with smtp_server(settings) as mailbox:
        DBTaskResult.objects.filter(status="READY", task_path=SEND).update(run_after=timezone.now())
        cache.delete(PAUSE_KEY)
        run_worker()
    assert mailbox.recipients() == [f"{name}@example.org" for name in ("alice", "bob", "carol", "dave", "erin")]


@pytest.mark.django_db(transaction=True)
def test_term_stops_the_worker_after_the_message_in_hand(smtp, settings):
    """TERM let the worker finish its batch (100 messages, each as slow as the server)."""
    bus = make_proposal(key="bus")
    names = ["alice", "bob", "carol", "dave", "erin"]
    for name in names:
        make_follower(f"{name}@example.org", bus)

    def term_during_the_second(received: int) -> None:
        if received == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # as bin/worker passes it on

    smtp.before_accepting = term_during_the_second
    deliver(make_project([bus]))
    run_worker()

    assert len(smtp.received) == 2
    rest = Message.objects.filter(state=Message.State.PENDING)
    assert rest.count() == 3 and set(rest.values_list("attempts", flat=True)) == {0}
    [queued] = DBTaskResult.objects.filter(status="READY", task_path=SEND)
    assert sorted(queued.args_kwargs["args"][0]) == sorted(rest.values_list("pk", flat=True))

    # The next worker sends the rest, and nothing twice.
    smtp.before_accepting = None
    run_worker()
    assert smtp.recipients() == [f"{name}@example.org" for name in names]


@pytest.mark.django_db(transaction=True)
def test_the_watchdog_ends_the_tasks_a_dead_worker_left_running(smtp):
    """A worker killed (SIGKILL, the machine stopped) records nothing: its task stayed RUNNING
    in the queue for good."""
    bus = make_proposal(key="bus")
    make_follower("alice@example.org", bus)
    make_follower("bob@example.org", bus)
    deliver(make_project([bus]))
    run_worker(max_tasks=1)  # plans the messages, queues their batch

    # A worker takes the batch as db_worker does, queues its watchdog, claims the messages, dies.
    batch = DBTaskResult.objects.get(status="READY", task_path=SEND)
    batch.claim("dead-worker")
    watch_batch.enqueue(batch.args_kwargs["args"][0])
    claim(batch.args_kwargs["args"][0])
    # Another dies while it plans a project's announcement.
    tram = make_proposal(key="tram")
    make_follower("carol@example.org", tram)
    deliver(make_project([tram]))
    planning = DBTaskResult.objects.get(status="READY", task_path="follow.tasks.announce_project")
    planning.claim("dead-worker")

    # Two hours later, the watchdog.
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    DBTaskResult.objects.filter(status="RUNNING").update(started_at=two_hours_ago)
    Message.objects.update(claimed_at=two_hours_ago)
    run_worker(failures_expected=True)

    batch.refresh_from_db()
    planning.refresh_from_db()
    assert batch.status == "FAILED" and batch.exception_class_path == "follow.tasks.WorkerDied"
    assert planning.status == "SUCCESSFUL" and planning.worker_ids[0] == "dead-worker"
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    assert smtp.recipients() == ["alice@example.org", "bob@example.org", "carol@example.org"]
