"""Publishing a record, and correcting it in the open: one workflow for every kind of record
(the record's model says what it checks, freezes and stores, `models.PublishedRecord`).

Each action has one function here, which holds its checks; every door calls it: the back
office and `publish_review` (through `workflow`, which asks `check_publishable` first), the
records' own `publish()` and `open_correction()`, and the apps' `publication` modules.

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


def check_publishable(record) -> None:
    """Raise PublicationError (French) unless `record` may be published now: it is a draft, or
    published with an open rectificatif, and its own rule (`publication_refusal`) allows it."""
    if record.is_locked:
        raise PublicationError(record.already_published_message % {"year": record.year})
    refusal = record.publication_refusal()
    if refusal:
        raise PublicationError(refusal)


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
        check_publishable(record)
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


def open_correction(record, *, reason: str, user=None, when=None) -> None:
    """Open a rectificatif on a published record: its year's rows may then be corrected until
    it is published. Under the record's row lock (a publication in progress is waited for).
    Raises PublicationError (French) when the record is not published, a rectificatif is
    already open, or the reason is missing or one no document can carry; nothing changes then."""
    with transaction.atomic():
        stored = type(record).objects.for_writing().get(pk=record.pk)
        if not stored.is_published:
            raise PublicationError(record.not_published_message)
        if stored.correction_is_open:
            raise PublicationError(record.correction_open_message)
        record.correction_reason = reason.strip()
        try:
            record.check_correction_reason()
        except ValidationError as error:  # no reason, or one no document can carry
            record.correction_reason = stored.correction_reason
            raise PublicationError(" ".join(error.messages)) from error
        record.correction_opened_at = when or timezone.now()
        record._history_user = user
        record.save(update_fields=["correction_reason", "correction_opened_at"])
