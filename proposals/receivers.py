"""Every change a search reads rebuilds the proposals' search documents: a proposal saved (also
by `loaddata`), a project saved or deleted, a project linked to or unlinked from proposals."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from .models import Project, Proposal, SearchDocument


@receiver(post_save, sender=Proposal)
def proposal_saved(sender, instance, **kwargs):
    SearchDocument.rebuild([instance.pk])


@receiver(post_save, sender=Project)
def project_saved(sender, instance, **kwargs):
    SearchDocument.rebuild(instance.proposals.values_list("pk", flat=True))


@receiver(pre_delete, sender=Project)
def project_deleting(sender, instance, **kwargs):
    instance._searched_proposals = list(instance.proposals.values_list("pk", flat=True))


@receiver(post_delete, sender=Project)
def project_deleted(sender, instance, **kwargs):
    SearchDocument.rebuild(getattr(instance, "_searched_proposals", []))


@receiver(m2m_changed, sender=Project.proposals.through)
def projects_linked(sender, instance, action, reverse, pk_set, **kwargs):
    """`instance` is a project (`reverse` False) or a proposal (`reverse` True)."""
    if action == "pre_clear" and not reverse:
        instance._searched_proposals = list(instance.proposals.values_list("pk", flat=True))
    elif action == "post_clear":
        SearchDocument.rebuild([instance.pk] if reverse else getattr(instance, "_searched_proposals", []))
    elif action in ("post_add", "post_remove"):
        SearchDocument.rebuild([instance.pk] if reverse else pk_set)
