"""The RSS feed of published statuses (/flux/) and sitemap.xml."""

import xml.etree.ElementTree as ET

import pytest

from tests.factory import make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


def test_the_feed_lists_published_statuses_newest_first(citizen, small_world):
    response = citizen.get("/flux/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    titles = [item.findtext("title") for item in items]
    assert len(items) == 4  # three 2025 statuses, one 2024; never the 2026 draft
    assert titles[0] == "2025 · Intensifier la végétalisation des espaces publics : Mise en œuvre"
    assert titles[-1] == "2024 · Intensifier la végétalisation des espaces publics : En cours"
    assert items[0].findtext("link") == "http://testserver/propositions/eco-vegetalisation/#suivi-2025"
    assert items[0].findtext("description") == "Trois parcs ouverts."
    assert "SECRET-BROUILLON" not in response.content.decode()


def test_the_feed_lists_changes_not_repeated_statuses(citizen, db):
    proposal = make_proposal(title="Des bancs")
    set_status(proposal, 2023, "underway")
    set_status(proposal, 2024, "underway")  # unchanged: not news
    set_status(proposal, 2025, "implemented")
    make_review(2023)
    make_review(2025)  # no 2024 review was published

    items = ET.fromstring(citizen.get("/flux/").content).find("channel").findall("item")

    assert [item.findtext("title") for item in items] == [
        "2025 · Des bancs : Mise en œuvre",
        "2023 · Des bancs : En cours",
    ]
    assert all(item.findtext("pubDate") for item in items)


def test_the_feed_is_empty_before_any_published_review(citizen, db):
    response = citizen.get("/flux/")

    assert response.status_code == 200
    assert ET.fromstring(response.content).find("channel").findall("item") == []


def test_the_sitemap_lists_the_pages_proposals_and_projects(citizen, clermont):
    response = citizen.get("/sitemap.xml")

    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", namespace)]
    assert "http://testserver/propositions/" in urls
    assert "http://testserver/accessibilite/" in urls
    assert "http://testserver/bilans/" in urls
    assert "http://testserver/propositions/eco-plu/" in urls
    assert "http://testserver/projets/parcs-urbains/" in urls
    assert "http://testserver/bilans/2025/" in urls
    assert len(urls) == 6 + 40 + 26 + 1  # pages, proposals, projects, the published review
