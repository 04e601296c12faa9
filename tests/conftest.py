"""The world every test may use: a citizen, an editor, a clerk and a superuser."""

import gc
import os
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from xdist.scheduler import LoadScopeScheduling

from accounts.services import second_factor_required
from core import cache_backends
from tests.factory import seed_clermont
from tests.snapshots import replayed


def pytest_configure(config):
    """No collected static files in the test processes: whitenoise indexes STATIC_ROOT each time a
    test client builds the middleware, and `bin/start`'s tests collect 800 files into the
    checkout's `staticfiles/` (tests/test_production.py) that every later client then read
    again. The static files the pages name are served from the apps' folders (live server)."""
    settings.STATIC_ROOT = settings.BASE_DIR / "staticfiles-not-in-tests"
    _redis_database_per_process()
    # Python's cyclic garbage collector scans every object of a process in its full (oldest
    # generation) collections, and a test process grows past a million objects (model states of
    # the migration tests, Chromium's driver, compiled templates): those scans took 40 s of CPU
    # a pass, more than any test. The full collection now waits for 100 times as many younger
    # ones; the young generations, where a test's garbage dies, are collected as before.
    # Measured again (December 2026, 299 tests of migrations, reports, publishing and the admin
    # doors in one process): 33.7 s in the collector (81 full collections: 25.8 s) with Python's
    # defaults, 12.3 s with this; the run's CPU 190 s against 174 s.
    gc.set_threshold(700, 10, 1000)


def pytest_collection_finish(session):
    """What is alive once the tests are collected (modules, Django's registry, the tests
    themselves) lives until the end: the garbage collector need not scan it again."""
    gc.collect()
    gc.freeze()


def pytest_sessionfinish(session):
    """The process ends: its last full collections (pytest's, then the interpreter's) would scan
    and free a million objects for nothing (2 to 3 s a process), so they skip them."""
    gc.freeze()


def _redis_database_per_process():
    """`make test` runs the suite in two processes (pytest-xdist): each gets a Redis database of
    its own (`REDIS_URL` and the shared-cache tests' `TEST_REDIS_URL`), since the tests clear the
    cache and a page cached by one process must not be served to the other's tests."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1…
    if not worker:
        return
    database = int(worker.removeprefix("gw")) + 1  # 1 to 15: Redis has 16
    for name in ("REDIS_URL", "TEST_REDIS_URL"):
        if os.environ.get(name):
            os.environ[name] = urlsplit(os.environ[name])._replace(path=f"/{database}").geturl()
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):  # Django's, or core's FailFastRedisCache
        default = {**settings.CACHES["default"], "LOCATION": os.environ["REDIS_URL"]}
        settings.CACHES = {**settings.CACHES, "default": default}


# Under pytest-xdist, what is expensive to start or to build is shared by tests run in the same
# process: the browser tests (one Chromium, one live server) and the demo convention; and
# bin/start's tests (one server per module) migrate the PostgreSQL cluster's `app` database,
# which two processes must not migrate at once.
TOGETHER = ("tests/browser/", "tests/test_demo.py", "tests/test_production.py")


def work_units(collection: list[str]) -> dict[str, str]:
    """Each test's unit of work: its TOGETHER group, or the run of tests of its file that follow
    each other in the collection. pytest-django sorts the tests that keep the database's rows
    before those that empty it (live server, transaction=True), then those that use no database:
    a file's tests of each kind are one run, so a process still empties its database after the
    others, and a file's replayed data and module fixtures are built by one process, not two."""
    units, previous, run = {}, None, 0
    for nodeid in collection:
        together = next((prefix for prefix in TOGETHER if nodeid.startswith(prefix)), None)
        path = nodeid.split("::", 1)[0]
        if together is None and path != previous:
            previous, run = path, run + 1
        units[nodeid] = together or f"{path}#{run}"
    return units


class TogetherScheduling(LoadScopeScheduling):
    """pytest-xdist's `loadscope`, by the units of `work_units`, handed out in collection order.
    Neither of xdist's own modes will do: `loadfile` breaks pytest-django's order (a file's
    committing tests would run before the next file's rolled-back ones), and `load` spreads a
    file over both processes, which then both build its data: in the December 2026 durations,
    a file's first setup (its build) beyond its median setup sums to 14 to 16% of a pass."""

    _units: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._units is None:
            self._units = work_units(next(iter(self.registered_collections.values())))
        return self._units[nodeid]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None
    config.option.loadscopereorder = False
    return TogetherScheduling(config, log)


EDITORS = "Rédaction"
CLERKS = "Greffe"


# The files that run 10 to 20 s each (the site's commands in processes of their own, migrations
# rewound). The process that gets the last unit of work runs it alone while the other has
# finished: among the tests of their kind, the TOGETHER groups are handed out first (the browser
# tests are the longest unit), then these.
SLOW = (
    "tests/test_local_env.py",
    "tests/follow/test_worker_process.py",
    "tests/test_upgrades.py",
    "tests/security/test_cache_bypass.py",
)


def handed_out_first(item) -> int:
    return 0 if item.nodeid.startswith(TOGETHER) else 1 if item.nodeid.startswith(SLOW) else 2


def database_kind(item) -> int:
    """pytest-django's order: the tests whose rows are rolled back (0), those that commit and
    empty the database afterwards (1), those without a database (2)."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if (marker and marker.kwargs.get("transaction")) or fixtures & {"transactional_db", "live_server"}:
        return 1
    return 0 if marker or "db" in fixtures else 2


def pytest_collection_modifyitems(config, items):
    """Within pytest-django's order, the TOGETHER groups, then the SLOW files, come first.
    Tests marked `postgres` (row locks held by one connection while another waits) cannot run
    on SQLite, which has neither: they run in the PostgreSQL pass of `make test`, and are
    deselected (not skipped) on the SQLite pass."""
    kinds = [database_kind(item) for item in items]
    if kinds != sorted(kinds):  # pytest-django sorted them first (its hook runs before this one)
        raise pytest.UsageError("tests/conftest.py: database_kind() no longer follows pytest-django's order.")
    for item, kind in zip(items, kinds, strict=True):
        # `make test` runs these in its SQLite pass only (Makefile): they must not use the pass's
        # database, nor be among the tests it runs in the PostgreSQL pass only.
        only_postgresql = item.get_closest_marker("postgres") or item.nodeid.startswith("tests/browser/")
        if item.get_closest_marker("own_database") and (kind != 2 or only_postgresql):
            raise pytest.UsageError(
                f"{item.nodeid}: marked own_database, yet it uses the pass's database or PostgreSQL."
            )
        # `make test` runs these in its SQLite pass only: each says why its subject does not
        # depend on the engine, and none may be one the SQLite pass leaves out.
        independent = item.get_closest_marker("engine_independent")
        if independent and (not (independent.args or independent.kwargs.get("reason")) or only_postgresql):
            raise pytest.UsageError(
                f"{item.nodeid}: marked engine_independent without a reason, or it runs on PostgreSQL only."
            )
    items.sort(key=lambda item: (database_kind(item), handed_out_first(item)))
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def _ensure_roles() -> None:
    """The groups come from the migration proposals 0003_roles; a transactional test (the
    browser tests) empties the database afterwards, so create them again the same way."""
    if Group.objects.filter(name__in=[EDITORS, CLERKS], permissions__isnull=False).distinct().count() < 2:
        import_module("proposals.migrations.0003_roles").create_roles(apps, None)


def _member_of(group_name: str, username: str) -> User:
    _ensure_roles()
    user = User.objects.create_user(username=username, password="motdepasse-test", is_staff=True)
    group, _ = Group.objects.get_or_create(name=group_name)
    user.groups.add(group)
    return user


@pytest.fixture
def citizen() -> Client:
    """An anonymous visitor."""
    return Client()


@pytest.fixture
def editor(db) -> User:
    return _member_of(EDITORS, "redaction")


@pytest.fixture
def clerk(db) -> User:
    return _member_of(CLERKS, "greffe")


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="admin", password="motdepasse-test", email="admin@example.org")


def logged_in(user: User) -> Client:
    """A client logged in as `user`, past the second factor when the account must have one."""
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


def verify_second_factor(client: Client, user: User) -> None:
    """The client's session marked as verified by a second factor (django-otp's session key, as
    its code step leaves it), for an account that must have one: the tests of other features log
    staff in as already verified; tests/accounts/ walk the steps themselves."""
    if not second_factor_required(user):
        return
    device, _created = StaticDevice.objects.get_or_create(user=user, name="tests", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def editor_client(editor) -> Client:
    return logged_in(editor)


@pytest.fixture
def clerk_client(clerk) -> Client:
    return logged_in(clerk)


@pytest.fixture
def superuser_client(superuser) -> Client:
    return logged_in(superuser)


@pytest.fixture
def clermont(db):
    """The real Clermont-Ferrand data, as `make run` loads it (its 2025 review frozen): seeded
    once per process, replayed in the next tests (tests/snapshots.py)."""
    replayed(seed_clermont)


@pytest.fixture(autouse=True)
def _forget_stored_documents():
    """Each test's database starts empty: no document a previous test published may be served
    from this process's memory."""
    from reports.documents import forget_documents

    forget_documents()
    yield
    forget_documents()


@pytest.fixture(autouse=True)
def _redis_asked_again():
    """A Redis slow for a moment on this busy machine opens the cache's circuit for its process
    (core/cache_backends.py): each test starts with Redis asked again."""
    cache_backends._circuits.clear()


@pytest.fixture
def page_cache(settings):
    """The public page cache on, empty, and each process trusting its content generation for a minute."""
    from django.core.cache import cache as django_cache

    from core import cache

    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_GENERATION_TTL = 60
    django_cache.clear()
    cache._stamp = None
    yield
    django_cache.clear()
    cache._stamp = None


COMMITTEE = "Comité de suivi"


@pytest.fixture
def committee(db) -> User:
    """A member of the follow-up committee (the group from the migration assessments 0002)."""
    _ensure_roles()
    if not Group.objects.filter(name=COMMITTEE, permissions__isnull=False).exists():
        import_module("assessments.migrations.0002_committee_role").create_roles(apps, None)
    return _member_of(COMMITTEE, "comite")


@pytest.fixture
def committee_client(committee) -> Client:
    return logged_in(committee)
