"""The Atom feeds of one proposal (/propositions/<key>/flux/) and of one axis (/axes/<slug>/flux/):
valid Atom, that proposal's or axis' published status changes only, absolute links from SITE_URL,
announced in the pages' <head>, cached like every public page."""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from proposals.models import Proposal
from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def assert_valid_atom(response) -> ET.Element:
    """RFC 4287's requirements of a feed and of each entry, and returns the feed element."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"

    def assert_date(element):
        datetime.fromisoformat(element.findtext(f"{ATOM}updated"))  # RFC 3339

    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert_date(feed)
    assert feed.findtext(f"{ATOM}author/{ATOM}name")  # an author for the feed covers its entries
    self_links = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_links) == 1 and self_links[0].startswith("http://testserver/")
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]
    assert len(set(ids)) == len(ids)
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert entry.findtext(f"{ATOM}id").startswith("http://testserver/")  # an IRI
        assert_date(entry)
        links = [link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert len(links) == 1 and links[0].startswith("http://testserver/")
    return feed


def entries(feed) -> list[tuple[str, str, str]]:
    return [
        (entry.findtext(f"{ATOM}title"), entry.find(f"{ATOM}link").get("href"), entry.findtext(f"{ATOM}summary"))
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_a_proposals_feed_lists_its_published_status_changes(citizen, small_world):
    feed = assert_valid_atom(citizen.get("/propositions/eco-vegetalisation/flux/"))

    assert feed.findtext(f"{ATOM}title").endswith(
        "« Intensifier la végétalisation des espaces publics », les statuts publiés"
    )
    assert feed.findtext(f"{ATOM}id") == "http://testserver/propositions/eco-vegetalisation/flux/"
    alternate = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate == ["http://testserver/propositions/eco-vegetalisation/"]
    assert entries(feed) == [
        (
            "2025 · Intensifier la végétalisation des espaces publics : Mise en œuvre",
            "http://testserver/propositions/eco-vegetalisation/#suivi-2025",
            "Trois parcs ouverts.",
        ),
        (
            "2024 · Intensifier la végétalisation des espaces publics : En cours",
            "http://testserver/propositions/eco-vegetalisation/#suivi-2024",
            "Les travaux commencent.",
        ),
    ]


def test_a_proposals_feed_shows_published_years_only(citizen, small_world):
    response = citizen.get("/propositions/eco-velo/flux/")
    feed = assert_valid_atom(response)

    assert [title for title, _, _ in entries(feed)] == ["2025 · Développer le vélo : Non mise en œuvre à ce jour"]
    assert "SECRET-BROUILLON" not in response.content.decode()  # the 2026 draft


def test_a_proposal_never_assessed_has_an_empty_valid_feed(citizen, small_world):
    feed = assert_valid_atom(citizen.get("/propositions/eco-sans-titre/flux/"))

    assert feed.findall(f"{ATOM}entry") == []


def test_an_axis_feed_lists_the_changes_of_its_proposals_only(citizen, small_world):
    feed = assert_valid_atom(citizen.get("/axes/ecologique/flux/"))

    assert "Transition écologique" in feed.findtext(f"{ATOM}title")
    alternate = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate == ["http://testserver/propositions/?axe=ecologique"]
    assert sorted(link for _, link, _ in entries(feed)) == [
        "http://testserver/propositions/eco-vegetalisation/#suivi-2024",
        "http://testserver/propositions/eco-vegetalisation/#suivi-2025",
        "http://testserver/propositions/eco-velo/#suivi-2025",
    ]
    social = assert_valid_atom(citizen.get("/axes/sociale/flux/"))
    assert [link for _, link, _ in entries(social)] == ["http://testserver/propositions/soc-demarches/#suivi-2025"]


def test_a_feed_lists_changes_not_repeated_statuses(citizen, db):
    axis = make_axis(slug="mobilite")
    proposal = make_proposal(axis, key="bancs", title="Des bancs")
    set_status(proposal, 2023, "underway")
    make_review(2023, documents=False)
    make_review(2024, documents=False)  # the 2023 status carried unchanged: not news
    set_status(proposal, 2025, "implemented")
    make_review(2025, documents=False)

    for url in ("/propositions/bancs/flux/", "/axes/mobilite/flux/"):
        titles = [title for title, _, _ in entries(assert_valid_atom(citizen.get(url)))]
        assert titles == ["2025 · Des bancs : Mise en œuvre", "2023 · Des bancs : En cours"], url


def test_links_come_from_site_url_not_from_the_host_header(citizen, small_world, settings):
    settings.SITE_URL = "https://suivi.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "autre.example.net"]

    response = citizen.get("/propositions/eco-vegetalisation/flux/", HTTP_HOST="autre.example.net")

    assert "autre.example.net" not in response.content.decode()
    feed = ET.fromstring(response.content)
    assert entries(feed)[0][1] == "https://suivi.example.org/propositions/eco-vegetalisation/#suivi-2025"


@pytest.mark.parametrize(
    "url",
    [
        "/propositions/nexiste-pas/flux/",
        "/axes/nexiste-pas/flux/",
        "/propositions/%C3%A9t%C3%A9/flux/",  # not a key's shape
        "/propositions/eco-vegetalisation/flux/2025/",
    ],
)
def test_an_unknown_proposal_or_axis_has_no_feed(citizen, small_world, url):
    response = citizen.get(url)

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_odd_query_strings_change_nothing(citizen, small_world, page_cache, django_assert_num_queries):
    plain = citizen.get("/propositions/eco-vegetalisation/flux/")

    with django_assert_num_queries(0):  # served from the cache: the feed reads no parameter
        odd = citizen.get("/propositions/eco-vegetalisation/flux/?page=-1&axe=%00%FF&utm_source=x&q=" + "é" * 300)

    assert odd.status_code == 200
    assert odd.content == plain.content
    assert citizen.get("/axes/ecologique/flux/?annee=1900&annee=abc").content == (
        citizen.get("/axes/ecologique/flux/").content
    )


def test_a_feed_is_a_cached_public_page(citizen, small_world, settings):
    settings.PAGE_HTTP_MAX_AGE = 60

    response = citizen.get("/axes/ecologique/flux/")

    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert citizen.post("/axes/ecologique/flux/").status_code == 405
    assert citizen.head("/propositions/eco-velo/flux/").status_code == 200


def test_a_control_character_already_in_a_title_does_not_break_the_feed(citizen, small_world):
    Proposal.objects.filter(key="eco-velo").update(title="Développer\x0b le vélo\x07")

    feed = assert_valid_atom(citizen.get("/propositions/eco-velo/flux/"))

    assert entries(feed)[0][0] == "2025 · Développer le vélo : Non mise en œuvre à ce jour"


def test_the_proposal_page_announces_its_feed(citizen, small_world):
    page = citizen.get("/propositions/eco-vegetalisation/").content.decode()

    head = page.split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" href="/propositions/eco-vegetalisation/flux/" '
        'title="Les statuts publiés de la proposition « Intensifier la végétalisation des espaces publics »">'
    ) in head
    assert '<a href="/propositions/eco-vegetalisation/flux/" type="application/atom+xml">' in page


def test_the_table_of_one_axis_announces_the_axis_feed(citizen, small_world):
    head = citizen.get("/propositions/?axe=ecologique").content.decode().split("</head>")[0]

    assert '<link rel="alternate" type="application/atom+xml" href="/axes/ecologique/flux/"' in head
    assert "application/atom+xml" not in citizen.get("/propositions/").content.decode().split("</head>")[0]
    assert "application/atom+xml" not in citizen.get("/propositions/?axe=inconnu").content.decode()
