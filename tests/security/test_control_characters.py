"""Control characters in a query string (a NUL byte that PostgreSQL refuses in text) never
give a 500, and are never echoed in a page."""

import pytest

from tests.factory import make_axis, make_proposal, make_review, set_status
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db


def build_small_world():
    axis = make_axis(slug="ecologique", name="Transition écologique")
    set_status(make_proposal(axis, key="eco-velo", title="Développer le vélo", lead="ville"), 2025, "underway")
    make_review(2025)


@pytest.fixture
def small_world(db):
    replayed(build_small_world)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/proposals/proposal/?lead__exact=%00",
        "/admin/proposals/project/?lead__exact=%00",
        "/admin/proposals/proposal/?q=%00",
        "/admin/proposals/proposal/?q=v%C3%A9lo%00%1B",
        "/admin/proposals/yearlystatus/?status__exact=%00",
    ],
)
def test_the_back_office_lists_never_fail_on_a_nul_byte(superuser_client, url):
    response = superuser_client.get(url)

    assert response.status_code in (200, 302)
    assert b"\x00" not in response.content


@pytest.mark.parametrize("query", ["axe=%00", "q=%00", "statut=%00", "axe=eco%00logique%1B", "porteur=%00"])
def test_the_tracking_table_echoes_no_control_character(citizen, small_world, query):
    response = citizen.get(f"/propositions/?{query}")

    assert response.status_code in (200, 400)
    assert b"\x00" not in response.content
    assert b"\x1b" not in response.content


def test_a_query_with_control_characters_is_read_without_them(citizen, small_world):
    response = citizen.get("/propositions/?q=v%00%C3%A9lo")

    assert response.status_code == 200
    assert "Développer le <mark>vélo</mark>" in response.content.decode()


@pytest.mark.parametrize("url", ["/propositions.csv?axe=%00", "/propositions.json?q=%00", "/flux/?x=%00"])
def test_the_documents_never_fail_on_a_nul_byte(citizen, small_world, url):
    response = citizen.get(url)

    assert response.status_code == 200
    assert b"\x00" not in response.content
