"""Several servers share one Redis: a page rendered on one is served by the others, and a
change made on one reaches the others' visitors. Runs against the real redis-server that
`make test` starts (bin/with-redis sets REDIS_URL)."""

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.test import Client

from core import cache
from proposals.models import Proposal
from tests.factory import make_convention, make_review

# The site's cache on the SQLite pass (REDIS_URL); a Redis for these tests alone on the PostgreSQL
# pass, whose site cache stays in local memory (TEST_REDIS_URL): both passes run them.
REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (make test starts a redis-server)"),
    pytest.mark.django_db(transaction=True),  # real commits: the generation is bumped on commit
]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "test-shared-cache",
        }
    }
    caches["default"].clear()
    yield
    caches["default"].clear()


class Server:
    """What each server process keeps for itself: its Redis client and its copy of the
    content generation. The database and Redis are shared."""

    def __init__(self):
        self.cache = caches.create_connection("default")
        self.stamp = None

    @contextmanager
    def serving(self):
        kept = cache.cache, cache._stamp
        cache.cache, cache._stamp = self.cache, self.stamp
        try:
            yield Client()
        finally:
            self.stamp = cache._stamp
            cache.cache, cache._stamp = kept

    def time_passes(self):
        """The generation copy is older than PAGE_CACHE_GENERATION_TTL: read again next time."""
        self.stamp.read_at -= 3600


@pytest.fixture
def convention(redis_cache, page_cache):
    proposals = make_convention(6)
    make_review(2025)
    return proposals


@pytest.mark.engine_independent("settings read from the environment, in a process of its own")
def test_the_settings_choose_redis_from_one_variable():
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "convention.settings"}

    backend = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout

    assert backend.strip() == "core.cache_backends.FailFastRedisCache"


def test_a_page_rendered_on_one_server_is_served_by_the_other(convention, django_assert_num_queries):
    a, b = Server(), Server()
    with a.serving() as visitor:
        first = visitor.get("/propositions/")

    with b.serving() as visitor, django_assert_num_queries(1):  # the content generation only
        again = visitor.get("/propositions/")

    assert again.status_code == 200
    assert again.content == first.content


def test_a_change_made_on_one_server_is_seen_on_the_other(convention, django_assert_num_queries):
    a, b = Server(), Server()
    for server in (a, b):
        with server.serving() as visitor:
            assert "Titre changé" not in visitor.get("/propositions/").content.decode()

    with a.serving() as visitor:
        proposal = Proposal.objects.get(pk=convention[0].pk)
        proposal.title = "Titre changé"
        proposal.save()
        assert "Titre changé" in visitor.get("/propositions/").content.decode()  # at once on A

    b.time_passes()
    with b.serving() as visitor, django_assert_num_queries(1):  # rendered once, on A
        assert "Titre changé" in visitor.get("/propositions/").content.decode()


def test_an_import_previewed_on_one_server_is_confirmed_on_another(redis_cache, editor_client):
    from django.urls import reverse

    from tests.backoffice.helpers import STATUS_HEADERS, spreadsheet, upload
    from tests.factory import make_axis, make_proposal

    make_proposal(make_axis(), key="arbres")
    content = spreadsheet(
        STATUS_HEADERS, [["arbres", 2025, "implemented", "", "Bilan", "", "B-1", "2025-12-01"]], "csv"
    )
    preview = upload(editor_client, "yearlystatus", content, "csv")
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}

    # Server B: another process, with its own Redis client (a new one) and nothing in memory.
    server_a = caches["default"]
    del caches["default"]
    assert caches["default"] is not server_a
    response = editor_client.post(reverse("admin:proposals_yearlystatus_process_import"), data)

    assert response.status_code == 302
    assert Proposal.objects.get(key="arbres").yearly_statuses.get(year=2025).status == "implemented"
