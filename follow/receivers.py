"""When something followers may be told about happens, one task is queued, once the change is
committed (a rolled-back publication queues nothing): the publication itself does no work per
follower, and stays as fast with ten thousand followers as with none."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from assessments.models import CommitteeVersion
from proposals.models import Project, ProjectState
from publishing.signals import published
from reports.models import ReviewVersion

from .tasks import announce_committee, announce_project, announce_review


@receiver(published)
def announce_publication(sender, record, version, previous, **kwargs):
    if isinstance(version, ReviewVersion):
        task = announce_review
    elif isinstance(version, CommitteeVersion):
        task = announce_committee
    else:
        return
    transaction.on_commit(partial(task.enqueue, version.pk, previous.pk if previous is not None else None))


@receiver(pre_save, sender=Project)
def remember_project_state(sender, instance, raw, **kwargs):
    """The state the project had before this save (None for a new one)."""
    if raw:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("state", flat=True) if instance.pk else []
    instance._state_before_save = next(iter(stored), None)


@receiver(post_save, sender=Project)
def announce_delivered_project(sender, instance, created, raw, **kwargs):
    """A project becoming delivered (a transition: not every save of a delivered project). Its
    proposals are read by the task, after the commit: those an admin form links after saving
    the project itself are there too."""
    if raw or instance.state != ProjectState.DELIVERED:
        return
    if getattr(instance, "_state_before_save", None) == ProjectState.DELIVERED:
        return
    transaction.on_commit(partial(announce_project.enqueue, instance.pk, instance.version))
