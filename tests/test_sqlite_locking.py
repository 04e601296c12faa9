"""SQLite in development and production: the server and the worker write to the same file
(`make run`, `bin/start`), and neither may fail with «database is locked» because the other writes."""

import subprocess
import sys
import time

import pytest

from tests.test_local_env import ROOT, clean_env, manage

# Two processes on a SQLite file of the test's own, as the server and the worker are.
pytestmark = pytest.mark.own_database

# The worker's side: takes the write lock, says so, waits until the server's side is about to
# write, then keeps the lock a moment longer before committing.
HOLDER = """
import time
from pathlib import Path
from django.db import transaction
from django.contrib.auth.models import Group
with transaction.atomic():
    Group.objects.create(name="worker")
    Path({held!r}).touch()
    while not Path({ready!r}).exists():
        time.sleep(0.05)
    time.sleep(1)
print("holder done")
"""

# The server's side: an account form reads (is the name taken?) then writes, in one transaction.
WRITER = """
from pathlib import Path
from django.db import transaction
from django.contrib.auth.models import Group
Path({ready!r}).touch()
with transaction.atomic():
    assert not Group.objects.filter(name="server").exists()
    Group.objects.create(name="server")
print("writer done")
"""


def test_the_server_and_the_worker_write_to_one_sqlite_file_without_a_locked_error(tmp_path):
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
    )
    # Both sides write groups: their tables are all the file needs (not every app's migrations).
    assert manage(tmp_path, env, "migrate", "auth", "--noinput", "-v0").returncode == 0
    held, ready = str(tmp_path / "held"), str(tmp_path / "ready")

    def shell(code):
        command = [sys.executable, str(ROOT / "manage.py"), "shell", "-v0", "-c", code]
        pipe = subprocess.PIPE
        return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=pipe, stderr=pipe, text=True)

    holder = shell(HOLDER.format(held=held, ready=ready))
    while holder.poll() is None and not (tmp_path / "held").exists():
        time.sleep(0.05)
    writer = shell(WRITER.format(ready=ready))
    writer_out, writer_err = writer.communicate(timeout=120)
    holder_out, holder_err = holder.communicate(timeout=120)

    assert "holder done" in holder_out, holder_err
    assert "database is locked" not in writer_err
    assert "writer done" in writer_out, writer_err


def test_a_sqlite_database_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_DEBUG="true")
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0])"
    )

    result = manage(tmp_path, env, "shell", "-v0", "-c", code)

    assert result.returncode == 0, result.stderr
    mode, timeout = result.stdout.split()
    assert mode == "wal"
    assert int(timeout) >= 10_000
