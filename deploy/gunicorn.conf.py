"""gunicorn's settings file (bin/start): the worker that sends the followers' messages
(bin/worker) runs beside the web server, started once it is ready and stopped when it stops,
unless DJANGO_WORKER=false (a cluster runs one worker, as its own service)."""

import os
import subprocess
from pathlib import Path

WORKER = Path(__file__).resolve().parent.parent / "bin" / "worker"
_worker: subprocess.Popen | None = None


def when_ready(server):
    global _worker
    if os.environ.get("DJANGO_WORKER", "true") == "false" or (_worker is not None and _worker.poll() is None):
        return
    _worker = subprocess.Popen([str(WORKER)], cwd=WORKER.parent.parent)


def on_exit(server):
    if _worker is None:
        return
    _worker.terminate()
    try:
        _worker.wait(timeout=25)
    except subprocess.TimeoutExpired:
        _worker.kill()
