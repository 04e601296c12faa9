"""/bilans/ and /bilans/<year>/: the reviews and one December review."""

import datetime

import pytest

from proposals.models import Status
from public_site.reviews import REVIEW_PAGE_LISTED
from reports.models import Assembly, Deliberation, ReviewDocument
from tests.conftest import logged_in
from tests.factory import make_axis, make_convention, make_proposal, make_review, set_status
from tests.reports.conftest import grant_preview

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CLERMONT_2025 = [
    "14 sur 16 · 87,5 %",
    "11 sur 13 · 84,6 %",
    "9 sur 11 · 81,8 %",
    "34 sur 40 · 85,0 %",
]


def french(text: str) -> str:
    """The page's spelling of a figure: a non-breaking space before « % » and « point(s) »."""
    return text.replace(" %", f"{NBSP}%").replace(" point", f"{NBSP}point")


def page(client, url="/bilans/2025/"):
    response = client.get(url)
    return response, response.content.decode()


def test_it_shows_the_2025_rates_with_their_fractions(citizen, clermont):
    response, html = page(citizen)

    assert response.status_code == 200
    for figure in CLERMONT_2025:
        assert french(figure) in html
    assert "<h1>Bilan 2025 — Convention citoyenne" in html
    assert "Situation au 29 août 2025" in html
    assert "bilan final du suivi" in html


def test_the_printed_rate_of_the_source_appears_nowhere(citizen, clermont):
    _, html = page(citizen)

    assert "84,5" not in html
    assert "84.5" not in html


def test_it_gives_the_breakdown_by_status_beside_its_chart(citizen, clermont):
    _, html = page(citizen)

    assert html.count('role="img"') == 1  # the first review: no year-to-year chart of one bar
    assert '<title id="graphique-statuts-titre">Répartition des propositions par statut' in html
    assert 'aria-labelledby="graphique-statuts-titre graphique-statuts-desc"' in html
    assert "Nombre de propositions par statut et par axe de transition en 2025" in html  # the data table
    for label in ["Mise en œuvre", "En cours", "Non mise en œuvre à ce jour", "Hors compétences", "Non évaluée"]:
        assert f'<th scope="col">{label}</th>' in html


def test_it_lists_the_proposals_not_implemented_grouped_by_reason(citizen, clermont):
    _, html = page(citizen)

    assert "En cours (2)" in html
    assert "Non mise en œuvre à ce jour (2)" in html
    assert "Hors compétences (2)" in html
    assert "Non évaluée (" not in html  # no empty group
    assert (
        html.index("En cours (2)") < html.index("Non mise en œuvre à ce jour (2)") < html.index("Hors compétences (2)")
    )


def test_it_gives_the_explanation_of_a_pending_proposal(citizen):
    axis = make_axis(name="Climat")
    waiting = make_proposal(axis=axis, title="Des bus la nuit")
    set_status(waiting, 2025, Status.UNDERWAY, explanation="Les lignes de nuit sont à l'étude.")
    set_status(make_proposal(axis=axis, title="Planter des arbres"), 2025, Status.IMPLEMENTED)
    make_review(2025)

    _, html = page(citizen)

    assert "Des bus la nuit" in html
    assert "Les lignes de nuit sont à l&#x27;étude." in html
    assert "Planter des arbres" not in html  # implemented: not in the list


def test_a_proposal_never_assessed_is_not_shown_as_a_failure(citizen):
    make_proposal(axis=make_axis(), title="Des jardins partagés")
    make_review(2025)

    _, html = page(citizen)

    not_implemented = html.index("ne sont pas mises en œuvre, et pourquoi")
    not_assessed = html.index("Proposition pas encore évaluée (1)")
    assert not_implemented < not_assessed < html.index("Des jardins partagés")
    assert "Non évaluée (" not in html  # not a group among the reasons
    assert "Aucune proposition évaluée n'est en attente de mise en œuvre." in html
    assert "ce n'est pas un jugement sur leur mise en œuvre" in html


def test_it_shows_the_change_since_the_previous_published_year(citizen, history):
    _, html = page(citizen, "/bilans/2024/")

    assert "Évolution depuis 2023" in html
    assert french("+50,0 points") in html  # Climat: 50,0 % -> 100,0 %
    assert french("+33,3 points") in html  # Démocratie: 0,0 % -> 33,3 %
    assert french("\u2212100,0 points") in html  # Solidarité: 100,0 % -> 0,0 %
    assert french("+16,7 points") in html  # overall: 33,3 % -> 50,0 %
    assert french("(33,3 % en 2023)") in html


def test_the_change_is_since_the_previous_published_year_not_a_draft(citizen, history):
    make_review(2025, published=False)
    set_status(history.proposals["budget"], 2026, Status.IMPLEMENTED)
    make_review(2026)

    _, html = page(citizen, "/bilans/2026/")

    assert "Évolution depuis 2024" in html
    assert "Évolution depuis 2025" not in html


def test_the_change_is_the_difference_of_the_printed_rates(citizen, history):
    set_status(history.proposals["budget"], 2025, Status.IMPLEMENTED)
    make_review(2025)

    _, html = page(citizen, "/bilans/2025/")

    assert "Évolution depuis 2024" in html
    assert french("+33,4 points") in html  # Démocratie: 33,3 % -> 66,7 %, as a reader computes it


def test_the_first_review_has_no_change_column(citizen, history):
    _, html = page(citizen, "/bilans/2023/")

    assert "Évolution depuis" not in html


def test_it_charts_the_rate_of_every_published_year(citizen, history):
    make_review(2025, published=False)

    _, html = page(citizen, "/bilans/2024/")

    chart = html[
        html.index('id="graphique-annees-titre"') : html.index("</svg>", html.index('id="graphique-annees-titre"'))
    ]
    assert french("33,3 %") in chart and french("50,0 %") in chart
    assert ">2023</text>" in chart and ">2024</text>" in chart
    assert "2025" not in chart


def test_it_lists_the_deliberations_recorded_before_publication(citizen, db):
    set_status(make_proposal(axis=make_axis()), 2025, Status.IMPLEMENTED)
    review = make_review(2025, published=False)
    Deliberation.objects.create(
        review=review,
        body=Assembly.objects.create(name="Conseil municipal", code="ville"),
        date=datetime.date(2025, 12, 1),
        reference="2025-123",
        url="https://example.org/deliberation-2025-123",
    )
    review.publish()
    Deliberation.objects.filter(review=review).update(reference="2025-999")  # after publication: not shown

    _, html = page(citizen)

    assert "Conseil municipal, séance du 1er décembre 2025 : délibération n° 2025-123" in html
    assert 'href="https://example.org/deliberation-2025-123"' in html


def test_it_links_every_document(citizen, clermont):
    _, html = page(citizen)

    for document in ReviewDocument.objects.filter(version__review__year=2025):
        assert f'href="/bilans/2025.{document.fmt}"' in html
        assert f"<code>{document.sha256}</code>" in html


def test_it_links_its_stylesheet_and_explains_the_rates(citizen, clermont):
    _, html = page(citizen)

    assert "css/review.css" in html
    assert "quel que soit leur statut" in html


def test_an_unknown_year_gets_a_french_404_page(citizen, clermont):
    response, html = page(citizen, "/bilans/1999/")

    assert response.status_code == 404
    assert "Pas de bilan publié pour 1999" in html
    assert 'href="/bilans/2025/"' in html


def test_a_draft_is_hidden_from_the_public(citizen, editor_client):
    make_review(2026, published=False)

    assert citizen.get("/bilans/2026/").status_code == 404
    assert editor_client.get("/bilans/2026/").status_code == 404  # editors may not preview


def test_a_previewer_sees_a_draft_marked_as_such(previewer_client):
    set_status(make_proposal(axis=make_axis()), 2026, Status.IMPLEMENTED)
    make_review(2026, published=False)

    response, html = page(previewer_client, "/bilans/2026/")

    assert response.status_code == 200
    assert '<p class="draft-notice"><strong>Brouillon</strong>' in html
    assert "(brouillon)" in html
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_a_superuser_previews_a_draft(superuser_client):
    make_review(2026, published=False)

    assert "Brouillon" in superuser_client.get("/bilans/2026/").content.decode()


def test_a_published_review_is_not_marked_draft(citizen, clermont):
    response, html = page(citizen)

    assert "Brouillon" not in html
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_list_shows_published_reviews_newest_first_with_their_rate(citizen, history):
    make_review(2025, published=False)

    response, html = page(citizen, "/bilans/")

    assert response.status_code == 200
    assert html.index("Bilan 2024") < html.index("Bilan 2023")
    assert "Bilan 2025" not in html
    assert french("3 sur 6 · 50,0 %") in html
    assert french("2 sur 6 · 33,3 %") in html


def test_the_list_says_when_nothing_is_published(citizen):
    assert "Aucun bilan n'est encore publié." in citizen.get("/bilans/").content.decode()


def test_the_pages_refuse_to_change_anything(citizen, clermont):
    assert citizen.post("/bilans/2025/").status_code == 405
    assert citizen.post("/bilans/").status_code == 405


@pytest.mark.parametrize("size", [40, 400])
def test_the_page_query_count_does_not_grow_with_the_proposals(citizen, django_assert_num_queries, size):
    make_convention(size, year=2024)
    make_review(2024)
    make_review(2025)

    # the convention, the review, its versions, their documents, earlier years, their frozen
    # figures, pending proposals (deliberations are in the version), the committee's published
    # assessments of the year
    with django_assert_num_queries(8):
        assert citizen.get("/bilans/2025/").status_code == 200


@pytest.mark.parametrize("size", [40, 400])
def test_the_list_query_count_does_not_grow_with_the_proposals(citizen, django_assert_num_queries, size):
    make_convention(size, year=2024)
    make_review(2024)
    make_review(2025)

    with django_assert_num_queries(4):  # published years, their frozen figures, the reviews, the convention
        assert citizen.get("/bilans/").status_code == 200


def test_a_previewer_query_count_is_bounded(django_assert_max_num_queries, clerk):
    make_convention(40)
    make_review(2025, published=False)
    client = logged_in(grant_preview(clerk))

    # One more: the committee's published assessments; one more: the second factor that verified
    # the session (django-otp).
    with django_assert_max_num_queries(14):
        assert client.get("/bilans/2025/").status_code == 200


def test_a_large_review_lists_the_first_of_each_group_and_links_to_the_table_for_the_rest(citizen, monkeypatch):
    monkeypatch.setattr("public_site.reviews.REVIEW_PAGE_LISTED", 2)
    axis = make_axis(name="Climat")
    for i in range(1, 5):
        set_status(make_proposal(axis=axis, key=f"en-cours-{i}", title=f"En cours n° {i}", order=i), 2025, "underway")
    for i in range(1, 4):
        make_proposal(axis=axis, key=f"sans-statut-{i}", title=f"Sans statut n° {i}", order=10 + i)
    set_status(make_proposal(axis=axis, key="hors", title="Hors de la ville", order=20), 2025, "out_of_scope")
    make_review(2025)

    _, html = page(citizen)

    assert "En cours (4)" in html and "Hors compétences (1)" in html
    assert "En cours n° 1" in html and "En cours n° 2" in html
    assert "En cours n° 3" not in html and "En cours n° 4" not in html
    assert '<a href="/propositions/?annee=2025&amp;statut=underway">Et 2 autres : toutes dans le tableau' in html
    assert "Propositions pas encore évaluées (3)" in html
    assert "Sans statut n° 2" in html and "Sans statut n° 3" not in html
    assert '<a href="/propositions/?annee=2025&amp;statut=not_assessed">Et 1 autre : toutes dans le tableau' in html
    assert html.count("toutes dans le tableau") == 2  # nothing more to see of «Hors compétences»


def test_the_review_of_a_national_convention_lists_a_phone_screenful_of_each_group(citizen):
    """146 measures: each group not implemented shows its first few and links to the (paged)
    table for the rest, rather than a page of tens of thousands of pixels."""
    make_convention(146)
    make_review(2025)

    _, html = page(citizen)
    listed = html.split('class="pending-group"')[1:]

    assert len(listed) == 3 and REVIEW_PAGE_LISTED <= 10
    for group in listed:
        assert group.count('href="/propositions/gen-') == REVIEW_PAGE_LISTED
        assert "toutes dans le tableau" in group
