"""bin/worker, the worker's service as bin/start and docker-compose run it: it runs the queue
(`manage.py db_worker`), and a TERM stops it cleanly with nothing left behind."""

import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.test_production import ROOT, manage, production_env


def session_commands(session: int) -> list[str]:
    """The command lines of the processes of `session`."""
    commands = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) == session:
                commands.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (ProcessLookupError, PermissionError, FileNotFoundError):
            continue
    return commands


def started(worker, seconds: float = 60) -> str:
    """What the worker wrote until it said it started (or failed, or the time ran out)."""
    output = b""
    deadline = time.monotonic() + seconds
    while b"Starting worker" not in output:
        remaining = deadline - time.monotonic()
        assert worker.poll() is None and remaining > 0, output.decode()
        if select.select([worker.stdout], [], [], min(remaining, 0.5))[0]:
            output += os.read(worker.stdout.fileno(), 4096)
    return output.decode()


@pytest.mark.engine_independent("bin/worker's processes and TERM, on a SQLite file of its own in either pass")
def test_bin_worker_runs_the_queue_and_stops_cleanly_on_term(tmp_path):
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", WORKER_INTERVAL="0.2")
    # The queue's tables are all db_worker reads (not every app's migrations: 11 s of CPU more).
    assert manage(tmp_path, env, "migrate", "django_tasks_database", "--noinput").returncode == 0
    worker = subprocess.Popen(
        [str(ROOT / "bin" / "worker")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output = started(worker)  # until it says so: a loaded machine takes more than a second to start it
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
        assert session_commands(worker.pid) == []
        assert "Starting worker" in output + worker.stdout.read().decode()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
