"""The work the worker (`manage.py db_worker`) does for followers, queued by a publication.

A publication queues one task (`announce_review`, `announce_committee`; a delivered project,
`announce_project`) and does nothing per follower: the task computes what the publication says,
plans one message per follower it concerns, and queues `send_batch` tasks of FOLLOW_BATCH_SIZE
messages each. Every task may run twice without sending anything twice.
"""

import datetime

from django.utils import timezone
from django_tasks import task

from assessments.models import CommitteeVersion
from proposals.models import Project, ProjectState
from reports.models import ReviewVersion

from . import news as news_of
from .models import CLAIM_TIMEOUT, Announcement, Message
from .outbox import announcement_create, batches, plan_messages, requeue_stale, send_messages

WATCH_MARGIN = datetime.timedelta(minutes=1)


def _announce(kind: str, key: str, subject: str, news: dict) -> int:
    announcement, _created = announcement_create(kind=kind, key=key, subject=subject, news=news)
    message_ids = plan_messages(announcement)
    for batch in batches(message_ids + requeue_stale()):
        send_batch.enqueue(batch)
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
def announce_project(project_id: int, version: int) -> int:
    """A project marked delivered: announced once, ever (Announcement.project_key; a task run
    twice plans nothing more). `version`, its edit counter then, is no longer used: kept for
    the tasks queued before."""
    project = Project.objects.filter(pk=project_id, state=ProjectState.DELIVERED).first()
    key = Announcement.project_key(project_id)
    if project is None or Announcement.objects.of_project(project_id).exclude(key=key).exists():
        return 0  # changed back before the worker came to it, or announced before the upgrade
    news = news_of.project_news(project)
    return _announce(Announcement.Kind.PROJECT, key, news_of.project_subject(news), news)


@task()
def send_batch(message_ids: list[int]) -> int:
    """Send these messages; those the SMTP server refused are queued again, later. A watchdog
    is queued first: if this worker stops mid-batch, the messages it held are sent again."""
    watch_batch.using(run_after=timezone.now() + CLAIM_TIMEOUT + WATCH_MARGIN).enqueue(message_ids)
    retry = send_messages(message_ids)
    for delay, ids in retry.items():
        send_batch.using(run_after=timezone.now() + delay).enqueue(ids)
    return len(message_ids) - sum(len(ids) for ids in retry.values())


@task()
def watch_batch(message_ids: list[int]) -> int:
    """After a batch should long have finished: its messages still «sending» go back to the
    queue, and every one still pending is queued again (a worker stopped before it could queue
    a retry); the claim keeps any of them from being sent twice."""
    requeue_stale(message_ids)
    pending = list(
        Message.objects.filter(pk__in=message_ids, state=Message.State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for batch in batches(pending):
        send_batch.enqueue(batch)
    return len(pending)
