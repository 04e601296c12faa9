"""A full or read-only disk during a publication is said as such, in French: not as «the
database does not answer, try again a bit later» (which nobody can fix by waiting). Reproduced
for real where the engine allows it (SQLite's page limit and query-only mode, PostgreSQL's
read-only transaction), and with a storage that raises the system's own error."""

import errno
from contextlib import contextmanager

import psycopg.errors
import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.urls import reverse

from reports.models import AnnualReview, ReviewVersion
from tests.factory import make_proposal, make_review, run_queued_publications, set_status

pytestmark = pytest.mark.django_db

FULL = "Le disque du serveur est plein"
READ_ONLY = "Le disque du serveur ne peut pas être écrit"
DATABASE_AWAY = "Nous ne parvenons pas à joindre la base de données"  # the site's page when a request fails
PUBLICATION_DATABASE_AWAY = "La base de données ne répond plus"  # a publication's failure, on its progress page


@pytest.fixture
def draft():
    set_status(make_proposal(key="velo"), 2025, "implemented")
    return make_review(2025, published=False)


@contextmanager
def disk_full():
    """The database's disk full when the documents are stored: for real on SQLite (no page may
    be added), as PostgreSQL says it (53100) otherwise."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count")
            (limit,) = cursor.fetchone()
            cursor.execute("PRAGMA page_count")
            (pages,) = cursor.fetchone()
            cursor.execute(f"PRAGMA max_page_count = {pages}")
        try:
            yield
        finally:  # on the driver's connection: Django's refuses queries in the failed transaction
            connection.connection.execute(f"PRAGMA max_page_count = {limit}")
        return
    error = OperationalError("could not extend file: No space left on device")
    error.__cause__ = psycopg.errors.DiskFull("could not extend file: No space left on device")
    raise error


def fill_while_storing(monkeypatch, fault):
    """The publication's documents meet `fault` (a context manager) when they are stored (each
    rendered and saved by the publication itself, `AnnualReview.store_document`)."""
    store_document = AnnualReview.store_document

    def store(review, version, key):
        with fault():
            store_document(review, version, key)

    monkeypatch.setattr(AnnualReview, "store_document", store)


@contextmanager
def read_only():
    """The database's disk read-only: for real on both engines."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET TRANSACTION READ ONLY")
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            connection.connection.execute("PRAGMA query_only = OFF")


def storage_raising(code):
    @contextmanager
    def fault():
        raise OSError(code, errno.errorcode[code])
        yield

    return fault


def publish_in_the_back_office(client, review):
    """«Publier», confirmed: the publication is queued, the worker runs it, and the clerk reads
    its progress page (where the «Publier» answer leads)."""
    response = client.post(reverse("admin:reports_annualreview_publish", args=[review.pk]), {"confirm": "1"})
    assert response.status_code == 302
    assert run_queued_publications() == 1  # what `manage.py db_worker` does
    return client.get(response.url)


FAULTS = {
    "database-full": (disk_full, FULL),
    "storage-full": (storage_raising(errno.ENOSPC), FULL),
    "storage-read-only": (storage_raising(errno.EROFS), READ_ONLY),
    "database-read-only": (read_only, READ_ONLY),
}


@pytest.mark.parametrize(("fault", "said"), FAULTS.values(), ids=FAULTS.keys())
def test_the_back_office_says_the_disk_is_full_or_read_only(clerk_client, draft, monkeypatch, fault, said):
    fill_while_storing(monkeypatch, fault)

    response = publish_in_the_back_office(clerk_client, draft)

    page = response.content.decode()
    assert response.status_code == 200 and "La publication a échoué." in page
    assert said in page and DATABASE_AWAY not in page and "ne répond plus" not in page
    assert "réessayer un peu plus tard" not in page
    assert "Retry-After" not in response.headers
    assert not ReviewVersion.objects.exists()
    assert AnnualReview.objects.get().published_at is None


@pytest.mark.parametrize(("fault", "said"), FAULTS.values(), ids=FAULTS.keys())
def test_publish_review_says_it_too(draft, monkeypatch, fault, said):
    fill_while_storing(monkeypatch, fault)

    with pytest.raises(CommandError, match=said) as refused:
        call_command("publish_review", "2025", verbosity=0)

    assert "ne répond plus" not in str(refused.value) and "Rien n'a été publié" in str(refused.value)
    assert not ReviewVersion.objects.exists()


def test_a_database_that_does_not_answer_is_still_said_so(clerk_client, draft, monkeypatch):
    def away():
        raise OperationalError("server closed the connection unexpectedly")

    fill_while_storing(monkeypatch, contextmanager(lambda: (yield away())))

    response = publish_in_the_back_office(clerk_client, draft)

    assert response.status_code == 200 and PUBLICATION_DATABASE_AWAY in response.content.decode()
