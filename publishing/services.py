"""Publishing a record, and correcting it in the open: one workflow for every kind of record
(the record's model says what it checks, freezes and stores, `models.PublishedRecord`).

`publish_record` does the publication's steps in one transaction, each told to `progress`:
it freezes the record into a new version («freeze»), stores its documents (one step each,
`record.document_steps()`), then announces it («announce»: `signals.published`, which what
follows a publication listens to: the page cache, the followers). A failure anywhere leaves
the record as it was. The back office runs it in the worker (`workflow`).
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .signals import published


class PublicationError(Exception):
    """Why a record cannot be published or corrected now (a French message for the clerk)."""


def publish_record(
    record,
    *,
    user=None,
    when=None,
    documents: bool = True,
    progress: Callable[[str], None] | None = None,
    **announce,
):
    """Publish `record` (version 1), or its open rectificatif (the next version), and return
    the version. `progress(step)` is told each step as it starts («freeze», each document's key,
    «announce»), once the record's row is locked. `documents=False` stores none (tests that
    never read them). `announce`: more for the receivers of `published`. Raises
    PublicationError when the record is published without an open rectificatif, or refuses
    (`publication_refusal`); any error of a step leaves the record as it was."""
    model = type(record)
    progress = progress or (lambda step: None)
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=record.pk)
        if record.is_locked:
            raise PublicationError(record.already_published_message % {"year": record.year})
        refusal = record.publication_refusal()
        if refusal:
            raise PublicationError(refusal)
        progress("freeze")
        previous = record.latest_version()
        when = when or timezone.now()
        version = record.versions.create(
            number=previous.number + 1 if previous else 1,
            published_at=when,
            published_by=user,
            reason=record.correction_reason if previous else "",
            **record.version_fields(),
        )
        record.has_version = True  # what `is_published` reads: published from here on
        record.freeze(version)
        record.published_at = record.published_at or when
        record.correction_reason = ""
        record.correction_opened_at = None
        record._history_user = user
        record.save()
        if documents:
            for key, _label in record.document_steps():
                progress(key)
                record.store_document(version, key)
        progress("announce")
        published.send(model, record=record, version=version, previous=previous, **announce)
    return version


def open_correction(record, *, reason: str, user=None) -> None:
    """Open a rectificatif on a published record: its year's rows may then be corrected."""
    if not record.is_published:
        raise PublicationError(record.not_published_message)
    if record.correction_is_open:
        raise PublicationError(record.correction_open_message)
    record._history_user = user
    try:
        record.open_correction(reason)
    except ValidationError as error:  # no reason, or one no document can carry
        record.refresh_from_db(fields=["correction_reason", "correction_opened_at"])
        raise PublicationError(" ".join(error.messages)) from error
