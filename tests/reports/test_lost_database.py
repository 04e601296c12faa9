"""`publish_review` when PostgreSQL is lost in the middle: a French message, a non-zero exit,
and nothing half-published (the publication is one transaction). The connection is cut for
real (pg_terminate_backend), so this runs in the PostgreSQL pass only (see tests/conftest.py)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from reports.models import AnnualReview, ReviewDocument, ReviewEntry, ReviewVersion
from tests.factory import make_proposal, make_review, set_status

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def cut_this_connection() -> None:
    """Terminate this process's database session from another one, as a crash would."""
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_a_lost_database_during_publish_review_is_said_in_french_and_publishes_nothing(monkeypatch):
    set_status(make_proposal(key="velo"), 2026, "implemented")
    make_review(2026, published=False)
    store_document = AnnualReview.store_document

    def store_then_lose_the_database(review, version, key):
        store_document(review, version, key)
        if key == "pdf":  # the statuses are frozen and the five documents written…
            cut_this_connection()  # … when PostgreSQL goes away before the commit

    monkeypatch.setattr(AnnualReview, "store_document", store_then_lose_the_database)

    with pytest.raises(CommandError, match="La base de données ne répond plus") as raised:
        call_command("publish_review", "2026", verbosity=0)

    assert "Rien n'a été publié" in str(raised.value)
    connection.close()  # the next query reconnects, as a new run of the command would
    review = AnnualReview.objects.get(year=2026)
    assert review.published_at is None
    assert not ReviewVersion.objects.exists()
    assert not ReviewEntry.objects.exists() and not ReviewDocument.objects.exists()
