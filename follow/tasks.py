"""The work the worker (`manage.py db_worker`) does for followers, queued by a publication.

A publication queues one task (`announce_review`, `announce_committee`; a delivered project,
`announce_project`) and does nothing per follower: the task computes what the publication says,
plans one message per follower it concerns, and queues `send_batch` tasks of FOLLOW_BATCH_SIZE
messages each. A request to follow queues its confirmation message the same way
(`queue_confirmation`). Every task may run twice without sending anything twice.

The announcements' batches have a lower priority than every other task (BULK_PRIORITY): a
publication's thousands of messages never hold back the next publication's task, a
confirmation message or a document. django-tasks-db's worker takes TERM (or INT) during a task
by clearing its `running` flag and letting the task finish (`Worker.shutdown`): a batch looks
at that flag between two messages (`worker_stopping`), and stops after the message in hand.
"""

import datetime
import signal

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from assessments.models import CommitteeVersion
from proposals.models import Project, ProjectState
from reports.models import ReviewVersion

from . import news as news_of
from .confirmation import plan_confirmation
from .models import CLAIM_TIMEOUT, Announcement, Follower, Message, Subscription
from .outbox import announcement_create, batches, plan_messages, requeue_stale, send_messages

WATCH_MARGIN = datetime.timedelta(minutes=1)
# Below the default (0) of every other task, which the worker runs first.
BULK_PRIORITY = -10


class WorkerDied(Exception):
    """What a follow task left running by a dead worker is marked failed with."""


def worker_stopping() -> bool:
    """Whether the worker running this task was asked to stop (TERM, INT): its handler for TERM
    is its own `shutdown` method, which clears `running` and lets the task end by itself."""
    worker = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)
    return isinstance(worker, Worker) and not worker.running


def queue_send(message_ids: list[int], delay: datetime.timedelta | None = None) -> None:
    """Queue the sending of these messages (after `delay`): a confirmation message, which someone
    waits for, at the default priority; an announcement's messages below every other task."""
    confirmation = Message.objects.filter(pk__in=message_ids, kind=Message.Kind.CONFIRMATION).exists()
    send = send_batch.using(priority=None if confirmation else BULK_PRIORITY)
    if delay is not None:
        send = send.using(run_after=timezone.now() + delay)
    send.enqueue(message_ids)


def queue_confirmation(follower: Follower, *, addition: Subscription | None = None) -> Message:
    """The confirmation message to `follower` (follow/confirmation.py), planned in the outbox and
    queued for the worker, together: no mail server is reached inside the request."""
    with transaction.atomic():
        message = plan_confirmation(follower, addition=addition)
        queue_send([message.pk])
    return message


def _watch(message_ids: list[int]) -> None:
    """A watchdog for this task, in case its worker dies while it runs (see `watch_batch`)."""
    watch_batch.using(run_after=timezone.now() + CLAIM_TIMEOUT + WATCH_MARGIN).enqueue(message_ids)


def end_abandoned_tasks() -> int:
    """The follow tasks a dead worker left RUNNING (started more than CLAIM_TIMEOUT ago: none runs
    that long): a batch is marked failed (its messages are put back by `requeue_stale`); another
    (planning an announcement, a watchdog: each may run twice) is queued again, or marked failed
    when a worker already died running it. How many were ended."""
    cutoff = timezone.now() - CLAIM_TIMEOUT
    with transaction.atomic():
        abandoned = list(
            DBTaskResult.objects.running()
            .filter(task_path__startswith=f"{__name__}.", started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
        )
        for result in abandoned:
            if result.task_path == f"{__name__}.send_batch" or len(result.worker_ids) > 1:
                result.set_failed(WorkerDied(f"Worker {result.worker_ids[-1]} stopped while running this task."))
            else:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
    return len(abandoned)


def _announce(kind: str, key: str, subject: str, news: dict) -> int:
    _watch([])
    end_abandoned_tasks()
    announcement, _created = announcement_create(kind=kind, key=key, subject=subject, news=news)
    message_ids = plan_messages(announcement)
    for batch in batches(message_ids + requeue_stale()):
        queue_send(batch)
    return len(message_ids)


@task()
def announce_review(version_id: int, previous_id: int | None) -> int:
    version = ReviewVersion.objects.select_related("review").get(pk=version_id)
    previous = ReviewVersion.objects.select_related("review").get(pk=previous_id) if previous_id else None
    news = news_of.review_news(version, previous)
    key = f"review-{version.review.year}-{version.number}"
    return _announce(Announcement.Kind.REVIEW, key, news_of.review_subject(news), news)


@task()
def announce_committee(version_id: int, previous_id: int | None) -> int:
    version = CommitteeVersion.objects.select_related("review").get(pk=version_id)
    previous = CommitteeVersion.objects.select_related("review").get(pk=previous_id) if previous_id else None
    news = news_of.committee_news(version, previous)
    key = f"committee-{version.review.year}-{version.number}"
    return _announce(Announcement.Kind.COMMITTEE, key, news_of.committee_subject(news), news)


@task()
def announce_project(project_id: int, revision: int) -> int:
    """A project marked delivered: announced once, ever (Announcement.project_key; a task run
    twice plans nothing more). `revision`, its edit counter then, is no longer used: kept for
    the tasks queued before (their arguments are positional)."""
    project = Project.objects.filter(pk=project_id, state=ProjectState.DELIVERED).first()
    key = Announcement.project_key(project_id)
    if project is None or Announcement.objects.of_project(project_id).exclude(key=key).exists():
        return 0  # changed back before the worker came to it, or announced before the upgrade
    news = news_of.project_news(project)
    return _announce(Announcement.Kind.PROJECT, key, news_of.project_subject(news), news)


@task()
def send_batch(message_ids: list[int]) -> int:
    """Send these messages; those the SMTP server refused, or could not take, are queued again,
    later; those a stopping worker did not try, at once. A watchdog is queued first: if this
    worker dies mid-batch, the messages it held are sent again."""
    _watch(message_ids)
    later = send_messages(message_ids, stop=worker_stopping)
    for delay, ids in later.items():
        queue_send(ids, delay)
    return len(message_ids) - sum(len(ids) for ids in later.values())


@task()
def watch_batch(message_ids: list[int]) -> int:
    """After a batch should long have finished: its messages still «sending» go back to the
    queue, and every one still pending is queued again (a worker stopped before it could queue
    a retry); the claim keeps any of them from being sent twice. The follow tasks a dead worker
    left running are ended."""
    end_abandoned_tasks()
    requeue_stale(message_ids)
    pending = list(
        Message.objects.filter(pk__in=message_ids, state=Message.State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for batch in batches(pending):
        queue_send(batch)
    return len(pending)
