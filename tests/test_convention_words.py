"""The convention's own words, everywhere: what a proposal is called, its name in every fixed
phrase (footer, meta descriptions, the archive's title), its word for an axis in the back office."""

import pytest
from django.template.loader import render_to_string

from proposals.models import Convention
from tests.factory import make_axis, make_proposal

pytestmark = pytest.mark.django_db

NAME = "Convention pour le climat de Lyon"


@pytest.fixture
def lyon():
    convention = Convention.objects.create(
        pk=1,
        name=NAME,
        short_name="Convention climat",
        introduction="Une convention.",
        axis_name="thème",
        axis_name_plural="thèmes",
        proposal_name="mesure",
        proposal_name_plural="mesures",
    )
    make_proposal(make_axis(name="Se déplacer"))
    return convention


def test_the_pages_use_the_conventions_name_and_its_word_for_a_proposal(citizen, lyon):
    home = citizen.get("/").content.decode()
    table = citizen.get("/propositions/").content.decode()

    assert f"{NAME} : le suivi public de ses mesures." in home  # the footer
    assert "Convention citoyenne" not in home and "Convention citoyenne" not in table
    assert f"Où en sont les mesures — {NAME}" in home  # the meta description
    assert "Tableau de suivi des mesures" in table
    assert "1 mesure" in table


def test_the_archives_title_names_the_convention(lyon):
    page = render_to_string(
        "public_site/reviews/archive_readme.html",
        {"convention": lyon, "made_at": None, "site_url": "", "release": "", "file_count": 0, "manifest": ""},
    )

    assert f"Archive du site de suivi — {NAME}" in page


def test_the_back_office_names_the_axes_with_the_conventions_word(superuser_client, lyon):
    index = superuser_client.get("/admin/").content.decode()
    axes = superuser_client.get("/admin/proposals/axis/").content.decode()

    assert "Thèmes" in index and "Axes de transition" not in index
    assert "<h1>Thèmes</h1>" in axes


def test_a_convention_without_its_words_keeps_clermonts():
    convention = Convention.objects.create(pk=1, name="Convention", introduction=".")

    assert (convention.proposal_name, convention.proposal_name_plural) == ("proposition", "propositions")


def test_the_review_pages_say_the_conventions_word_for_a_proposal(citizen, lyon):
    from tests.factory import make_review, set_status

    set_status(make_proposal(make_axis()), 2025, "implemented")
    make_review(2025)

    page = citizen.get("/bilans/2025/").content.decode()
    listing = citizen.get("/bilans/").content.decode()

    assert "Où en sont les mesures" in page and "Où en sont les propositions" not in page
    assert "des mesures mises en œuvre" in listing
