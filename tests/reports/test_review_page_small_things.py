"""The review's page on its first year and on a phone."""

import pytest

from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    return make_proposal(make_axis())


def test_a_first_review_draws_no_chart_of_a_single_bar(citizen, proposal):
    set_status(proposal, 2025, "implemented")
    make_review(2025)

    page = citizen.get("/bilans/2025/").content.decode()

    assert 'aria-labelledby="graphique-annees-titre' not in page
    assert "l'évolution d'une année à l'autre apparaîtra avec le bilan suivant" in page


def test_a_second_review_draws_the_chart(citizen, proposal):
    set_status(proposal, 2024, "underway")
    make_review(2024)
    set_status(proposal, 2025, "implemented")
    make_review(2025)

    page = citizen.get("/bilans/2025/").content.decode()

    assert 'aria-labelledby="graphique-annees-titre' in page


def test_the_fingerprints_are_folded_under_their_documents(citizen, proposal):
    set_status(proposal, 2025, "implemented")
    review = make_review(2025, documents=True)
    pdf = review.latest_version().documents.get(fmt="pdf")

    page = citizen.get("/bilans/2025/").content.decode()

    folded = page.index('<details class="fingerprint"><summary>Empreinte SHA-256')
    assert folded < page.index(pdf.sha256) < page.index("</details>", folded)
