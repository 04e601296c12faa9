"""When something followers may be told about happens, one task is queued: the publication
itself does no work per follower, and stays as fast with ten thousand followers as with none.

With the queue in the site's database (django-tasks-db, the default), the task is written in
the publication's own transaction: committed with it or not at all, so no crash between the two
loses an announcement (and the worker sees it only once committed). Any other queue is asked
once the change is committed (a rolled-back publication queues nothing either way)."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django_tasks_db import DatabaseBackend

from assessments.models import CommitteeVersion
from proposals.models import Project, ProjectState
from publishing.signals import published
from reports.models import ReviewVersion

from .models import Announcement
from .tasks import announce_committee, announce_project, announce_review


def queue(task, *args) -> None:
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))


@receiver(published)
def announce_publication(sender, record, version, previous, **kwargs):
    if isinstance(version, ReviewVersion):
        task = announce_review
    elif isinstance(version, CommitteeVersion):
        task = announce_committee
    else:
        return
    queue(task, version.pk, previous.pk if previous is not None else None)


@receiver(pre_save, sender=Project)
def remember_project_state(sender, instance, raw, **kwargs):
    """The state the project had before this save (None for a new one)."""
    if raw:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("state", flat=True) if instance.pk else []
    instance._state_before_save = next(iter(stored), None)


@receiver(post_save, sender=Project)
def announce_delivered_project(sender, instance, created, raw, **kwargs):
    """A project becoming delivered (a transition: not every save of a delivered project), for
    the first time: its delivery is announced once, ever (switched back to «en cours» and
    delivered again, it is not). Its proposals are read by the task, after the commit: those
    an admin form links after saving the project itself are there too."""
    if raw or instance.state != ProjectState.DELIVERED:
        return
    if getattr(instance, "_state_before_save", None) == ProjectState.DELIVERED:
        return
    if Announcement.objects.of_project(instance.pk).exists():
        return
    queue(announce_project, instance.pk, instance.revision)
