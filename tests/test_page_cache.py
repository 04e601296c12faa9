import pytest
from django.db import OperationalError, transaction
from django.test import RequestFactory, override_settings

from core import cache
from proposals.models import Proposal
from tests.factory import make_convention, make_project, make_review
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db


def build_convention():
    proposals = make_convention(12)
    make_review(2025, documents=True)
    return proposals


@pytest.fixture
def convention():
    return replayed(build_convention)


def test_a_cached_page_costs_no_query(citizen, convention, page_cache, django_assert_num_queries):
    first = citizen.get("/propositions/")

    with django_assert_num_queries(0):
        second = citizen.get("/propositions/")

    assert second.status_code == 200
    assert second.content == first.content
    # Stored with every header the stack added, the security ones included.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["ETag"] == first["ETag"]


@pytest.mark.django_db(transaction=True)  # real commits: the generation is bumped on commit
def test_a_change_drops_the_cached_pages_at_once(citizen, convention, page_cache):
    assert "Titre changé" not in citizen.get("/propositions/").content.decode()

    proposal = Proposal.objects.get(pk=convention[0].pk)
    proposal.title = "Titre changé"
    proposal.save()

    assert "Titre changé" in citizen.get("/propositions/").content.decode()


def test_each_filter_is_its_own_page(citizen, convention, page_cache):
    everything = citizen.get("/propositions/").content.decode()
    underway = citizen.get("/propositions/?statut=underway").content.decode()

    assert underway != everything
    assert underway.count('href="/propositions/gen-') < everything.count('href="/propositions/gen-')
    assert citizen.get("/propositions/nexiste-pas/").status_code == 404
    assert citizen.get("/bilans/2025.json").json()["year"] == 2025


def test_parameters_no_page_reads_neither_split_nor_bypass_the_cache(
    citizen, convention, page_cache, django_assert_num_queries
):
    first = citizen.get("/bilans/2025.json")

    with django_assert_num_queries(0):
        again = citizen.get("/bilans/2025.json?x=123&utm_source=journal")

    assert again.content == first.content
    assert citizen.get("/propositions/?annee=2025&statut=underway").content == (
        citizen.get("/propositions/?statut=underway&annee=2025&pourquoi=pas").content
    )


def test_a_staff_preview_is_never_stored(superuser_client, citizen, convention, page_cache):
    make_review(2026, published=False)
    assert superuser_client.get("/bilans/2026/").status_code == 200

    assert citizen.get("/bilans/2026/").status_code == 404
    key = cache.page_key(RequestFactory().get("/bilans/2026/"), ())
    assert cache.get_cached(key, cache.current_stamp()) is None  # the 404 is not kept either


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_keeps_the_cache_and_later_changes_still_count(citizen, convention, page_cache):
    first = citizen.get("/propositions/")
    with pytest.raises(RuntimeError), transaction.atomic():
        Proposal.objects.filter(pk=convention[0].pk).get().delete()
        raise RuntimeError

    assert citizen.get("/propositions/").content == first.content

    make_project(proposals=[convention[1]], title="Nouveau projet")
    assert "Nouveau projet" in citizen.get("/propositions/").content.decode()


def test_logged_in_staff_are_never_served_from_the_cache(superuser_client, convention, page_cache):
    superuser_client.get("/propositions/")
    proposal = Proposal.objects.get(pk=convention[0].pk)
    Proposal.objects.filter(pk=proposal.pk).update(title="Changé sans signal")

    assert "Changé sans signal" in superuser_client.get("/propositions/").content.decode()


def test_pages_answer_not_modified_to_a_conditional_get(citizen, convention, page_cache):
    response = citizen.get("/propositions/")
    assert response.has_header("ETag")
    assert response.has_header("Last-Modified")

    assert citizen.get("/propositions/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert citizen.get("/propositions/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_documents_answer_not_modified_to_a_conditional_get(citizen, convention):
    response = citizen.get("/bilans/2025.json")

    assert citizen.get("/bilans/2025.json", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def database_down(monkeypatch):
    def unavailable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", unavailable)


def test_a_database_outage_gives_the_french_maintenance_page(citizen, monkeypatch):
    database_down(monkeypatch)

    response = citizen.get("/propositions/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "momentanément indisponible" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_a_cached_page_is_still_served_when_the_database_is_down(citizen, convention, page_cache, monkeypatch):
    cached = citizen.get("/propositions/")
    cache._stamp.read_at -= 3600  # the generation must be read again…
    database_down(monkeypatch)

    response = citizen.get("/propositions/")  # …and the database does not answer

    assert response.status_code == 200
    assert response.content == cached.content


@pytest.mark.django_db(transaction=True)
def test_warming_renders_the_pages_before_the_first_visitor(
    citizen, convention, page_cache, settings, django_assert_num_queries
):
    settings.SITE_URL = "http://testserver"
    citizen.get("/propositions/")
    Proposal.objects.filter(pk=convention[0].pk).update(title="Avant la publication")
    make_project(proposals=[convention[0]], title="Publié")  # a change: the generation is bumped

    statuses = cache.warm_public_pages(["/", "/propositions/", "/bilans/2025/", "/nexiste-pas/"])

    assert statuses == {"/": 200, "/propositions/": 200, "/bilans/2025/": 200, "/nexiste-pas/": 404}
    with django_assert_num_queries(0):
        page = citizen.get("/propositions/").content.decode()
        citizen.get("/bilans/2025/")
    assert "Avant la publication" in page


def test_warming_uses_the_public_address(citizen, convention, page_cache, settings, django_assert_num_queries):
    settings.SITE_URL = "https://suivi.example.org"
    settings.ALLOWED_HOSTS = ["suivi.example.org"]

    cache.warm_public_pages(["/propositions/"])

    with django_assert_num_queries(0):
        assert citizen.get("/propositions/", secure=True, HTTP_HOST="suivi.example.org").status_code == 200


def test_pages_are_still_served_when_redis_does_not_answer(citizen, convention, page_cache):
    nothing_listens = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    with override_settings(CACHES={"default": nothing_listens}):
        for _ in range(2):
            response = citizen.get("/propositions/")
            assert response.status_code == 200
            assert "Proposition générée 1" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # the warming runs once the publication is committed
def test_publication_warms_the_pages_it_changes(citizen, page_cache, settings, django_assert_num_queries):
    settings.SITE_URL = "http://testserver"
    proposals = make_convention(3, year=2026)
    review = make_review(2026, published=False)

    review.publish()

    with django_assert_num_queries(0):
        assert "2026" in citizen.get("/").content.decode()
        assert citizen.get("/propositions/").status_code == 200
        assert citizen.get("/bilans/2026/").status_code == 200
        assert citizen.get(proposals[0].get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_publication_is_kept_when_its_pages_cannot_be_warmed(page_cache, settings):
    settings.SITE_URL = "https://suivi.example.org"  # not an allowed host: nothing is warmed
    make_convention(2, year=2026)
    review = make_review(2026, published=False)

    review.publish()

    assert review.versions.count() == 1
    assert cache.warm_public_pages(["/"]) == {}


def test_a_database_failure_on_a_sent_form_says_that_its_input_was_not_saved(citizen, monkeypatch):
    database_down(monkeypatch)

    response = citizen.post("/admin/login/", {"username": "redaction", "password": "un mot de passe"})

    assert response.status_code == 503
    page = response.content.decode()
    assert "Aucune donnée n'est perdue" not in page
    assert "n’a pas été enregistré" in page


def test_a_database_failure_on_a_page_says_that_nothing_is_lost(citizen, monkeypatch):
    database_down(monkeypatch)

    response = citizen.get("/propositions/")

    assert "Aucune donnée n'est perdue" in response.content.decode()
