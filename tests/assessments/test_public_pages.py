"""Where the committee's published assessment shows: beside the institutions' status, never merged."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest

from public_site.committee import average
from tests.factory import make_assessment, make_axis, make_proposal, make_review, publish_committee, set_status

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's text, tags removed and spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def table_keys(response) -> list[str]:
    return re.findall(r'href="/propositions/([a-z-]+)/"', response.content.decode().split("<tbody>")[1])


# The proposal page.


def test_the_proposal_page_shows_both_voices_side_by_side(citizen, two_voices):
    page = text(citizen.get("/propositions/referendum/"))

    assert "Bilan 2025 Selon le Gouvernement et le Parlement Mise en œuvre" in page
    assert "Selon le comité de suivi 2/10 · Dénaturée" in page
    assert "Commentaire du comité sur referendum." in page
    assert "Compte rendu du comité" in page and "30 novembre 2025" in page


def test_a_status_carried_into_a_later_review_is_written_once(citizen, db):
    proposal = make_proposal(make_axis(), key="parcs", title="Des parcs")
    set_status(proposal, 2024, "underway", explanation="Les travaux commencent.")
    make_review(2024)
    make_review(2025)  # the 2024 status, unchanged
    make_assessment(proposal, 2025, 7, comment="Le comité attend la suite.")
    publish_committee(2025)

    page = text(citizen.get("/propositions/parcs/"))

    assert page.count("Les travaux commencent.") == 1
    assert "Bilan 2025 Selon" in page and "Statut inchangé depuis le bilan 2024" in page
    assert "Le comité attend la suite." in page
    assert "Bilan 2024 Selon" in page and "Le comité n'a pas publié d'avis pour 2024." in page


def test_a_proposal_without_grade_reads_pas_d_avis(citizen, two_voices):
    page = text(citizen.get("/propositions/fret/"))

    assert "Selon le comité de suivi Pas d'avis" in page


def test_without_addressees_the_page_names_the_institutions(citizen, two_voices):
    from proposals.models import Convention

    Convention.objects.update(addressed_to="")

    assert "Selon les institutions" in text(citizen.get("/propositions/train/"))


# The tracking table.


def test_the_table_has_the_committees_column(citizen, two_voices):
    response = citizen.get("/propositions/")
    page = text(response)

    assert "Avis du comité" in page
    assert re.search(r"Isoler les logements .*? 3/10", page)
    assert re.search(r"Le fret par le rail .*? pas d'avis", page)


@pytest.mark.parametrize(
    "value, keys",
    [
        ("note", ["train", "isolation", "velo", "referendum", "budget"]),
        ("sans-note", ["fret"]),
        ("moins-de-5", ["isolation", "velo", "referendum"]),
        ("ecart", ["isolation", "referendum"]),
    ],
)
def test_the_table_filters_by_assessment(citizen, two_voices, value, keys):
    assert table_keys(citizen.get(f"/propositions/?avis={value}")) == keys


def test_the_table_sorts_by_grade(citizen, two_voices):
    assert table_keys(citizen.get("/propositions/?tri=avis")) == [
        "referendum",
        "isolation",
        "velo",
        "train",
        "budget",
        "fret",
    ]
    assert table_keys(citizen.get("/propositions/?tri=-avis"))[:2] == ["budget", "train"]


def test_a_year_without_committee_assessment_has_no_column(citizen, db):
    from tests.assessments.conftest import build_two_voices

    build_two_voices(publish=False)

    response = citizen.get("/propositions/?avis=ecart&tri=avis")
    assert "Avis du comité" not in text(response)
    assert len(table_keys(response)) == 6


# The review page.


def test_the_averages_are_half_up_with_one_decimal():
    assert average([6, 3, 4]) == Decimal("4.3")
    assert average([1, 2]) == Decimal("1.5")
    assert average([0, 0, 1]) == Decimal("0.3")
    assert average([]) is None


def test_the_review_page_shows_the_rate_beside_the_average_grade(citizen, two_voices):
    page = text(citizen.get("/bilans/2025/"))

    assert "L'avis du comité de suivi" in page
    assert "Une année contrastée, selon le comité." in page
    assert "Climat 2 sur 4 · 50,0 % 4,3 sur 10 (3 propositions notées) · non notées : 1" in page
    assert "Démocratie 1 sur 2 · 50,0 % 5,0 sur 10 (2 propositions notées)" in page
    assert "Ensemble des propositions 3 sur 6 · 50,0 % 4,6 sur 10 (5 propositions notées) · non notées : 1" in page
    assert "Le climat avance trop lentement." in page


def test_the_review_page_charts_both_voices_beside_their_table(citizen, two_voices):
    html = citizen.get("/bilans/2025/").content.decode()

    chart = html[
        html.index('id="graphique-voix-titre"') : html.index("</svg>", html.index('id="graphique-voix-titre"'))
    ]
    assert "mise en œuvre : 50,0\xa0%" in chart and "comité : 4,3 sur 10" in chart  # Climat
    assert "comité : 5,0 sur 10" in chart  # Démocratie: (2 + 8) / 2
    assert chart.index("Climat") < chart.index("Démocratie")
    assert html.index('id="graphique-voix-titre"') < html.index("Deux regards sur 2025, par axe")


def test_the_review_page_lists_where_the_voices_diverge(citizen, two_voices):
    page = text(citizen.get("/bilans/2025/"))

    low = page.split("notées moins de 5 par le comité")[1]
    assert low.index("Un référendum local : 2/10") < low.index("Isoler les logements : 3/10")
    assert "mais pas mises en œuvre selon les institutions Un budget participatif : 8/10" in page


# Open data.


def test_the_open_data_carries_the_assessment(citizen, two_voices):
    body = citizen.get("/propositions.csv").content.decode()
    rows = {row["cle"]: row for row in csv.DictReader(io.StringIO(body[1:]))}
    data = json.loads(citizen.get("/propositions.json").content)
    referendum = next(row for row in data["propositions"] if row["cle"] == "referendum")

    assert (rows["train"]["avis_note"], rows["train"]["statut"]) == ("6", "implemented")
    assert rows["fret"]["avis_note"] == ""
    assert rows["referendum"]["avis_fidelite"] == "distorted"
    assert referendum["avis_note"] == 2 and referendum["avis_commentaire"] == "Commentaire du comité sur referendum."


def test_the_data_page_documents_the_assessment_columns(citizen, db):
    page = citizen.get("/donnees/").content.decode()

    for name in ["avis_note", "avis_fidelite", "avis_commentaire"]:
        assert f"<code>{name}</code>" in page


# Clermont: nothing until a committee publishes.


def test_clermont_shows_no_assessment(citizen, clermont):
    assert "Avis du comité" not in text(citizen.get("/propositions/"))
    assert "Selon le comité de suivi" not in text(citizen.get("/propositions/"))
    assert "comité de suivi" not in text(citizen.get("/bilans/2025/"))
    rows = list(csv.DictReader(io.StringIO(citizen.get("/propositions.csv").content.decode()[1:])))
    assert {row["avis_note"] for row in rows} == {""}


# The table reads the committee's version with the years (no extra query; 7: its rows fit on one
# page, so they are counted without a query); a proposal page, one more (8: its previous and next
# come from one read of its axis).


@pytest.mark.parametrize(
    "url, queries",
    [("/propositions/", 7), ("/propositions/?avis=ecart&tri=avis", 7), ("/propositions/train/", 8)],
)
def test_the_committee_costs_at_most_one_query(citizen, two_voices, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        assert citizen.get(url).status_code == 200
