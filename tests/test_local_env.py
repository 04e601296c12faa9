"""A developer's `.env`: `make run` writes one, local commands read it, and neither the real
environment, production nor the test run is changed by it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Each command here runs in a developer's shell, without DATABASE_URL: on a SQLite file of its
# own, whichever engine the pass tests (`make test` runs this file in the SQLite pass only).
pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra) -> dict:
    """A developer's shell: no Django variables and not inside pytest."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key not in ("DATABASE_URL", "SITE_URL")
    }
    env.update(extra)
    return env


def run(cwd, env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def manage(cwd, env, *args) -> subprocess.CompletedProcess:
    return run(cwd, env, sys.executable, str(ROOT / "manage.py"), *args)


def print_debug(cwd, env) -> subprocess.CompletedProcess:
    return manage(cwd, env, "shell", "-c", "from django.conf import settings; print('DEBUG', settings.DEBUG)")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A new SQLite file after `manage.py migrate` in a developer's shell (the development .env of
    `make run`), made once for the module: each test that starts from one gets a copy of it
    (migrating from nothing is most of what these tests cost: ~9 s of CPU)."""
    directory = tmp_path_factory.mktemp("migrated")
    made = run(directory, clean_env(), "make", "--no-print-directory", "-f", str(ROOT / "Makefile"), ".env")
    assert made.returncode == 0, made.stderr
    database = directory / "db.sqlite3"
    result = manage(directory, clean_env(DATABASE_URL=f"sqlite:///{database}"), "migrate", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr
    return database


def test_after_make_run_the_readme_export_command_works(tmp_path, migrated):
    # `make run` writes the development .env in the directory it runs from (only this target here).
    made = run(tmp_path, clean_env(), "make", "--no-print-directory", "-f", str(ROOT / "Makefile"), ".env")
    assert made.returncode == 0, made.stderr
    env_file = (tmp_path / ".env").read_text()
    assert "DJANGO_DEBUG=true" in env_file
    secret = next(line.split("=", 1)[1] for line in env_file.splitlines() if line.startswith("DJANGO_SECRET_KEY="))
    assert len(secret) >= 50

    # Only the database is the test's own (not the checkout's db.sqlite3): a migrated one.
    shutil.copyfile(migrated, tmp_path / "db.sqlite3")
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = manage(tmp_path, env, "seed", "clermont")
    assert result.returncode == 0, result.stderr
    result = manage(tmp_path, env, "export_report", "2025", "--format", "pdf", "--output", "bilan-2025.pdf")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bilan-2025.pdf").read_bytes().startswith(b"%PDF")

    # Running `make run` again keeps the developer's .env as it is.
    run(tmp_path, clean_env(), "make", "--no-print-directory", "-f", str(ROOT / "Makefile"), ".env")
    assert (tmp_path / ".env").read_text() == env_file


def test_without_a_env_file_the_settings_stay_strict(tmp_path):
    result = manage(tmp_path, clean_env(), "check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_the_real_environment_wins_over_the_env_file(tmp_path):
    (tmp_path / ".env").write_text("DJANGO_DEBUG=true\nDJANGO_SECRET_KEY=from-the-env-file-" + "x" * 40 + "\n")
    env = clean_env(
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    result = print_debug(tmp_path, env)

    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_the_test_run_ignores_a_developers_env_file(tmp_path):
    (tmp_path / ".env").write_text("DJANGO_DEBUG=true\n")

    result = print_debug(tmp_path, clean_env(PYTEST_VERSION="8"))

    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def make_plan(env, *args) -> list[str]:
    """The commands `make run` would run (a dry run), those of `manage.py` only."""
    result = run(ROOT, env, "make", "-n", "--no-print-directory", "run", *args)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_make_run_loads_clermont_into_the_default_database_only(tmp_path):
    default = make_plan(clean_env())
    other = make_plan(clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'ville.sqlite3'}"))
    asked = make_plan(clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'ville.sqlite3'}"), "SEED=clermont")

    assert any("manage.py seed clermont" in line for line in default)
    assert not any("manage.py seed" in line for line in other)
    assert any("manage.py seed clermont" in line for line in asked)
    # Messages carry full links to the development server.
    assert all("SITE_URL=http://127.0.0.1:8000" in line for line in default + other)


def test_starting_another_convention_as_the_readme_says_serves_an_empty_convention(tmp_path, migrated):
    """README «Starting another convention»: the development settings, then `migrate` and
    `createsuperuser` on a new SQLite file, then `make run` in the same shell."""
    # The section gives these commands in this order; the test runs them (`make install` aside:
    # the virtualenv is this one).
    readme = (ROOT / "README.md").read_text().split("## Starting another convention", 1)[1].split("\n## ", 1)[0]
    steps = ["`make install .env`", "`export DATABASE_URL=sqlite:///", "manage.py migrate`"]
    steps += ["manage.py createsuperuser`", "`make run` in that shell"]
    assert [readme.index(step) for step in steps] == sorted(readme.index(step) for step in steps)
    made = run(tmp_path, clean_env(), "make", "--no-print-directory", "-f", str(ROOT / "Makefile"), ".env")
    assert made.returncode == 0, made.stderr
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'ville.sqlite3'}",
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_EMAIL="admin@example.org",
        DJANGO_SUPERUSER_PASSWORD="un mot de passe assez long",
    )
    shutil.copyfile(migrated, tmp_path / "ville.sqlite3")  # after `manage.py migrate` (the fixture's)
    result = manage(tmp_path, env, "createsuperuser", "--noinput")
    assert result.returncode == 0, result.stderr

    # What `make run` runs before serving, on that database.
    for line in make_plan(env):
        if "runserver" in line or "db_worker" in line:
            continue
        result = subprocess.run(line, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert "Installed" not in result.stdout

    home = manage(
        tmp_path,
        env,
        "shell",
        "-c",
        "from django.test import Client; r = Client().get('/', HTTP_HOST='127.0.0.1'); "
        "print(r.status_code); print(r.content.decode())",
    )
    assert home.returncode == 0, home.stderr
    assert "\n200\n" in home.stdout
    assert "Clermont" not in home.stdout
    counts = manage(
        tmp_path,
        env,
        "shell",
        "-c",
        "from proposals.models import Proposal; from reports.models import AnnualReview; "
        "print(Proposal.objects.count(), AnnualReview.objects.count())",
    )
    assert counts.stdout.split()[-2:] == ["0", "0"]
