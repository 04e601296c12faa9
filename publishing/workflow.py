"""The publication as the back office runs it: asked for (`publication_request`), queued, then
run by the worker (`run_publication` → `publication_run`), its progress kept in a
`Publication` row that every clerk's page reads.

- Two clicks make one publication: a unique constraint allows one publication under way per
  record; the second request gets the first one.
- The record becomes public only once everything is stored: `services.publish_record` is one
  transaction (freeze, documents, announcement); its progress is written from a second database
  connection (PostgreSQL), so that it is seen while the transaction runs. On SQLite, which has
  one writer at a time, the steps show once the transaction ends.
- A failure rolls everything back and says why, in French; the clerk may start again.
- A worker killed mid-publication: its transaction is rolled back by the database, nothing is
  published, and its publication stops counting as under way (`is_abandoned`): on PostgreSQL as
  soon as the record's row lock is free and its last news is ABANDON_GRACE old, everywhere after
  `models.PUBLICATION_STALE_AFTER` without news.
"""

import datetime
import logging
from collections.abc import Callable

from django.apps import apps
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tasks import task
from django_tasks_db import DatabaseBackend

from .models import Publication
from .services import PublicationError, check_publishable, publish_record

logger = logging.getLogger(__name__)

# A publication whose worker holds no lock on the record any more (PostgreSQL) is abandoned once
# it has given no news for this long (the time between its claim and its lock, with margin).
ABANDON_GRACE = datetime.timedelta(seconds=30)


def record_model(publication: Publication):
    return apps.get_model(publication.record_type)


def _record_lock_is_free(record) -> bool:
    """Whether nobody holds the record's row lock (PostgreSQL; takes it until the transaction ends)."""
    try:
        with transaction.atomic():
            list(type(record).objects.select_for_update(nowait=True).filter(pk=record.pk).values_list("pk"))
    except OperationalError:
        return False
    return True


def is_abandoned(publication: Publication, record) -> bool:
    """Under way on paper, but no worker is at it any more (see the module's docstring)."""
    if not publication.is_under_way:
        return False
    now = timezone.now()
    if publication.is_stale(now):
        return True
    return (
        connection.vendor == "postgresql"
        and publication.state == Publication.State.RUNNING
        and publication.heartbeat_at < now - ABANDON_GRACE
        and _record_lock_is_free(record)
    )


ABANDONED_MESSAGE = _lazy(
    "La publication a été interrompue (le traitement en arrière-plan s'est arrêté). Rien n'a été publié : "
    "vous pouvez la relancer."
)


def abandon(publication: Publication) -> bool:
    """Mark `publication` as interrupted (unless it moved on meanwhile); True if it was."""
    return bool(
        Publication.objects.filter(
            pk=publication.pk, state=publication.state, heartbeat_at=publication.heartbeat_at
        ).update(state=Publication.State.FAILED, finished_at=timezone.now(), error=str(ABANDONED_MESSAGE))
    )


def latest_publication(record) -> Publication | None:
    """The record's latest publication; an abandoned one reads as interrupted (it is marked so
    by the next request to publish)."""
    publication = Publication.objects.of(record).first()
    if publication is not None and is_abandoned(publication, record):
        publication.state, publication.error = Publication.State.FAILED, str(ABANDONED_MESSAGE)
    return publication


def _queue(publication_id: int) -> None:
    if isinstance(run_publication.get_backend(), DatabaseBackend):
        run_publication.enqueue(publication_id)  # in this transaction: queued with the row or not at all
    else:
        transaction.on_commit(lambda: run_publication.enqueue(publication_id))


def publication_request(record, *, user=None, queue: bool = True) -> tuple[Publication, bool]:
    """Ask for the publication of `record` (or of its open rectificatif): (publication, created).
    When one is already under way, that one, not created. `queue`: hand it to the worker (else
    the caller runs it, `publication_run`). Raises PublicationError (French) when the record
    cannot be published."""
    with transaction.atomic():
        for publication in Publication.objects.of(record).under_way():
            if is_abandoned(publication, record):
                abandon(publication)
        under_way = Publication.objects.of(record).under_way().first()
        if under_way is not None:
            return under_way, False
        record.refresh_from_db()
        check_publishable(record)
        try:
            with transaction.atomic():
                publication = Publication.objects.create(
                    record_type=record._meta.label_lower,
                    record_id=record.pk,
                    year=record.year,
                    number=record.next_version_number(),
                    steps=[label for _key, label in record.publication_steps()],
                    requested_by=user,
                )
        except IntegrityError:
            # Another request created it between our look and our insert: that one is the publication.
            under_way = Publication.objects.of(record).under_way().first()
            if under_way is None:
                raise
            return under_way, False
        if queue:
            _queue(publication.pk)
    return publication, True


class _Progress:
    """Tells each step as it starts: to the `Publication` row (from a connection of its own on
    PostgreSQL, outside the publication's transaction) and to `echo(index, total, label)`."""

    def __init__(self, publication: Publication, keys: list[str], echo):
        self.publication = publication
        self.keys = keys
        self.echo = echo
        self.side = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def __call__(self, key: str) -> None:
        index = self.keys.index(key)
        self.publication.done = index
        if self.echo:
            self.echo(index, len(self.keys), self.publication.steps[index])
        now = timezone.now()
        if self.side is None:
            Publication.objects.filter(pk=self.publication.pk).update(done=index, heartbeat_at=now)
            return
        table = connection.ops.quote_name(Publication._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f'UPDATE {table} SET "done" = %s, "heartbeat_at" = %s WHERE "id" = %s',
                [index, now, self.publication.pk],
            )

    def close(self) -> None:
        """Close the second connection; a step told afterwards (the warming, when the
        publication ran inside an outer transaction) is written on the main one."""
        if self.side is not None:
            self.side.close()
            self.side = None


# What the apps above know how to explain in their own words, asked before the generic
# messages: reports registers a full or read-only disk (core/disk.py), which waiting does not fix.
failure_explainers: list[Callable[[BaseException], str]] = []


def _failure_message(error: Exception, publication: Publication, step: str) -> str:
    if isinstance(error, PublicationError):
        return str(error)
    for explain in failure_explainers:
        if explanation := explain(error):
            nothing = _("Rien n'a été publié : l'année %(year)s est restée telle qu'elle était.")
            return f"{explanation} {nothing % {'year': publication.year}}"
    if isinstance(error, (OperationalError, InterfaceError)):
        return _(
            "La base de données ne répond plus. Rien n'a été publié : l'année %(year)s est restée telle qu'elle "
            "était. Relancez la publication quand la base répond à nouveau."
        ) % {"year": publication.year}
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
    return _(
        "L'étape « %(step)s » a échoué : %(detail)s. Rien n'a été publié : l'année %(year)s est restée telle "
        "qu'elle était. Vous pouvez relancer la publication ; si l'échec se répète, transmettez ce message à "
        "l'équipe technique."
    ) % {"step": step, "detail": detail, "year": publication.year}


def publication_run(
    publication_id: int, *, echo: Callable[[int, int, str], None] | None = None, documents: bool = True
) -> Publication:
    """Run the queued publication `publication_id`, step by step, and return it as it ended
    (PUBLISHED then DONE, or FAILED with its reason). Nothing to do when it is no longer queued
    (run already, or abandoned: a second run of the task publishes nothing twice)."""
    claimed = Publication.objects.filter(pk=publication_id, state=Publication.State.QUEUED).update(
        state=Publication.State.RUNNING, heartbeat_at=timezone.now()
    )
    publication = Publication.objects.get(pk=publication_id)
    if not claimed:
        return publication
    record = record_model(publication).objects.get(pk=publication.record_id)
    keys = [key for key, _label in record.publication_steps(documents=documents)]
    progress = _Progress(publication, keys, echo)
    try:
        with transaction.atomic():
            # Once committed, the pages are warmed (the page cache's receiver, registered after this).
            transaction.on_commit(lambda: progress("warm"))
            publish_record(record, user=publication.requested_by, progress=progress, documents=documents)
            Publication.objects.filter(pk=publication_id).update(
                state=Publication.State.PUBLISHED, done=keys.index("warm"), heartbeat_at=timezone.now()
            )
    except Exception as error:  # noqa: BLE001 (every failure is told to the clerk, and logged)
        logger.exception("Publication %s failed.", publication_id)
        step = publication.steps[publication.done] if publication.done < len(publication.steps) else ""
        message = _failure_message(error, publication, step)
        try:
            Publication.objects.filter(pk=publication_id).update(
                state=Publication.State.FAILED, done=publication.done, error=message, finished_at=timezone.now()
            )
        except DatabaseError:  # the database is gone: the row stays under way until found abandoned
            logger.exception("Publication %s: its failure could not be recorded.", publication_id)
            publication.state, publication.error = Publication.State.FAILED, message
            return publication
    else:
        Publication.objects.filter(pk=publication_id).update(
            state=Publication.State.DONE, done=len(keys), finished_at=timezone.now(), heartbeat_at=timezone.now()
        )
    finally:
        progress.close()
    publication.refresh_from_db()
    return publication


@task()
def run_publication(publication_id: int) -> str:
    """The worker's task: run the publication (a failure is recorded on it, not raised)."""
    return publication_run(publication_id).state
