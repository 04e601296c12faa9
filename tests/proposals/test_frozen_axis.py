"""A published year is read from its record everywhere: the tracking table, its `axe` filter,
its sort and the open data for `?annee=<published year>` keep the axis the review froze, when
a proposal moves to another axis or an axis is renamed afterwards; live texts stay live, and
a year not published reads the live axis."""

import csv
import io

import pytest

from proposals.models import Axis, Proposal
from reports.years import ReviewYear
from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved():
    """2025 published with «velo» in the ecological axis; then «velo» moves to the social axis,
    the ecological axis is renamed and «velo» gets a new title."""
    eco = make_axis(slug="ecologique", name="Transition écologique", order=1)
    social = make_axis(slug="sociale", name="Transition sociale", order=2)
    set_status(make_proposal(eco, key="velo", title="Développer le vélo", order=1), 2025, "underway")
    set_status(make_proposal(eco, key="arbres", title="Planter des arbres", order=2), 2025, "implemented")
    set_status(make_proposal(social, key="bancs", title="Des bancs", order=1), 2025, "implemented")
    make_review(2025)
    Proposal.objects.filter(key="velo").update(axis=social, order=0, title="Développer le vélo partout")
    Axis.objects.filter(slug="ecologique").update(name="Écologie (nouveau nom)")


def table_keys(response) -> list[str]:
    return [row["url"].strip("/").split("/")[-1] for row in response.context["rows"]]


def test_the_table_shows_the_frozen_axis_and_the_live_title(citizen, moved):
    response = citizen.get("/propositions/", {"annee": 2025})

    rows = {row["url"].strip("/").split("/")[-1]: row for row in response.context["rows"]}
    assert rows["velo"]["axis"] == "Transition écologique"
    assert rows["velo"]["title"] == "Développer le vélo partout"
    assert table_keys(response) == ["velo", "arbres", "bancs"]


def test_the_axis_filter_follows_the_frozen_axis(citizen, moved):
    assert table_keys(citizen.get("/propositions/", {"annee": 2025, "axe": "ecologique"})) == ["velo", "arbres"]
    assert table_keys(citizen.get("/propositions/", {"annee": 2025, "axe": "sociale"})) == ["bancs"]


def test_the_axis_filter_offers_the_frozen_axes(citizen, moved):
    page = citizen.get("/propositions/", {"annee": 2025}).content.decode()

    assert '<option value="ecologique">Transition écologique</option>' in page
    assert "nouveau nom" not in page


def test_the_axis_sort_follows_the_frozen_axis(citizen, moved):
    assert table_keys(citizen.get("/propositions/", {"annee": 2025, "tri": "axe"})) == ["velo", "arbres", "bancs"]
    assert table_keys(citizen.get("/propositions/", {"annee": 2025, "tri": "-axe"})) == ["bancs", "velo", "arbres"]


def test_the_open_data_keeps_the_frozen_axis(citizen, moved):
    response = citizen.get("/propositions.csv", {"annee": 2025, "axe": "ecologique"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["cle"], row["axe"], row["axe_libelle"]) for row in rows] == [
        ("velo", "ecologique", "Transition écologique"),
        ("arbres", "ecologique", "Transition écologique"),
    ]
    assert rows[0]["intitule"] == "Développer le vélo partout"
    data = citizen.get("/propositions.json", {"annee": 2025}).json()
    assert {row["cle"]: row["axe"] for row in data["propositions"]}["velo"] == "ecologique"


def test_a_year_not_published_reads_the_live_axis(moved):
    velo = ReviewYear(2026).proposals().get(key="velo")

    assert (velo.axis_slug_as_of, velo.axis_name_as_of) == ("sociale", "Transition sociale")
    assert ReviewYear(2026).proposals().get(key="arbres").axis_name_as_of == "Écologie (nouveau nom)"
