"""Backups that restore: `pg_dump` of a database with a published review, `pg_restore` into a
fresh database, and the restored site serves the same pages and the same document bytes (the
README's «Sauvegarder et restaurer»); the pg_dump test runs in the PostgreSQL pass. A `dumpdata`
and `loaddata` round trip works too, history included."""

import hashlib
import os
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from core import cache
from proposals.models import HistoricalProposal
from reports.documents import forget_documents
from tests.factory import make_convention, make_institution, make_review

pytestmark = pytest.mark.django_db(transaction=True)

PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
PAGES = ["/", "/propositions/", "/propositions/gen-2025-1/", "/bilans/", "/bilans/2025/", "/propositions.csv"]
DOCUMENTS = ["/bilans/2025.pdf", "/bilans/2025.xlsx", "/bilans/2025.ods", "/bilans/2025.csv", "/bilans/2025.json"]


def pg(command: str, *args: str) -> None:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    server = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    subprocess.run([f"{PGBIN}/{command}", *server, *args], env=env, check=True)


def served() -> dict[str, bytes]:
    """What a visitor gets, read afresh from the database (no copy kept by this process)."""
    forget_documents()
    cache._stamp = None
    client = Client()
    answers = {}
    for path in PAGES + DOCUMENTS:
        response = client.get(path)
        assert response.status_code == 200, path
        answers[path] = response.content
    return answers


@pytest.fixture
def restored_database():
    """A fresh database's name, dropped afterwards; the test's own database is used again."""
    name = f"{connection.settings_dict['NAME']}_restored"
    original = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    connection.settings_dict["NAME"] = original
    forget_documents()
    cache._stamp = None
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.postgres
def test_a_pg_dump_restores_the_same_site_and_documents(tmp_path, restored_database):
    make_convention(5)
    make_review(2025, documents=True)
    before = served()
    dump = tmp_path / "suivi.dump"

    pg("pg_dump", "--format=custom", f"--file={dump}", connection.settings_dict["NAME"])
    pg("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_database}", str(dump))
    connection.close()
    connection.settings_dict["NAME"] = restored_database
    after = served()

    assert after.keys() == before.keys()
    for path in PAGES + DOCUMENTS:
        assert after[path] == before[path], path
    digest = hashlib.sha256(after["/bilans/2025.pdf"]).hexdigest()
    assert Client().get("/bilans/2025.pdf")["ETag"] == f'"{digest}"'


DUMPDATA_EXCLUDES = ["contenttypes", "auth.permission", "sessions", "axes"]


def test_a_dumpdata_loads_back_with_its_history(tmp_path):
    """`dumpdata` then `loaddata` into an emptied database: the same site, history included."""
    proposals = make_convention(5)
    proposals[0].leads.set([make_institution("ville")])  # an edit of a many-to-many: history
    make_review(2025, documents=True)
    before = served()
    history_rows = HistoricalProposal.objects.count()
    dump = tmp_path / "suivi.json"

    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *[f"--exclude={app}" for app in DUMPDATA_EXCLUDES],
        output=str(dump),
        verbosity=0,
    )
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(dump), verbosity=0)

    assert served() == before
    assert HistoricalProposal.objects.count() == history_rows
