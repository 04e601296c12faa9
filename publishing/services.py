"""Publishing a record, and correcting it in the open: one workflow for every kind of record
(the record's model says what it checks and freezes, `models.PublishedRecord`).

`publish_record` freezes the record into a new version and sends `signals.published` inside
its transaction: what follows a publication (storing documents, warming pages, mailing
followers) listens to it. A failure anywhere leaves the record as it was.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .signals import published


class PublicationError(Exception):
    """Why a record cannot be published or corrected now (a French message for the clerk)."""


def publish_record(record, *, user=None, when=None, **announce):
    """Publish `record` (version 1), or its open rectificatif (the next version), and return
    the version. `announce`: more for the receivers of `published` (e.g. `documents=False`,
    `progress`). Raises PublicationError when the record is published without an open
    rectificatif, or refuses (`publication_refusal`)."""
    model = type(record)
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=record.pk)
        if record.is_locked:
            raise PublicationError(record.already_published_message % {"year": record.year})
        refusal = record.publication_refusal()
        if refusal:
            raise PublicationError(refusal)
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
