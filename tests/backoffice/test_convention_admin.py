"""The back office as the roles say: the convention's names are the superusers', the log-in
lock-out tables have a French section of their own."""

import re

import pytest
from django.urls import reverse

from proposals.models import Convention

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("admin:proposals_convention_change", args=[1])


@pytest.fixture
def convention():
    return Convention.objects.create(
        pk=1, name="Convention citoyenne pour Clermont", short_name="Convention citoyenne", introduction="Avant."
    )


def form_data(**changes):
    data = {
        "name": "Convention citoyenne pour Clermont",
        "short_name": "Convention citoyenne",
        "addressed_to": "",
        "introduction": "Avant.",
        "axis_name": "axe de transition",
        "axis_name_plural": "axes de transition",
        "proposal_name": "proposition",
        "proposal_name_plural": "propositions",
        "decision_name": "délibération",
        "decisions_title": "Les délibérations des conseils",
        "document_name": "le document présenté aux conseils",
        "licence_title": "Licence Ouverte / Open Licence version 2.0",
        "licence_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    }
    return data | changes


def test_an_editor_changes_the_presentation_and_not_the_names(editor_client, convention):
    response = editor_client.post(
        CHANGE_URL, form_data(name="Autre nom", axis_name="thème", introduction="Une présentation nouvelle.")
    )

    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.introduction == "Une présentation nouvelle."
    assert (convention.name, convention.axis_name) == ("Convention citoyenne pour Clermont", "axe de transition")


def test_the_editor_sees_the_names_without_a_field_to_change_them(editor_client, convention):
    page = editor_client.get(CHANGE_URL).content.decode()

    assert 'name="introduction"' in page
    assert 'name="name"' not in page and 'name="axis_name"' not in page
    assert "Convention citoyenne pour Clermont" in page


def test_an_editor_cannot_rename_the_convention_by_reverting_its_history(editor_client, superuser_client, convention):
    superuser_client.post(CHANGE_URL, form_data(name="Nouveau nom", introduction="Après."))
    old = convention.history.order_by("history_date").first()
    revert_url = reverse("admin:proposals_convention_simple_history", args=[1, old.history_id])

    response = editor_client.post(revert_url, form_data(introduction="Avant."))

    # History pages are read-only for everyone (core.admin.HistoryAdmin).
    assert response.status_code == 405
    convention.refresh_from_db()
    assert (convention.name, convention.introduction) == ("Nouveau nom", "Après.")


def test_a_superuser_renames_the_convention_and_gives_its_words(superuser_client, convention):
    superuser_client.post(CHANGE_URL, form_data(name="Convention citoyenne pour le climat", axis_name="thème"))

    convention.refresh_from_db()
    assert (convention.name, convention.axis_name) == ("Convention citoyenne pour le climat", "thème")


def test_the_log_in_lockout_tables_have_a_french_section_of_their_own(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    sections = re.findall(r'<a href="/admin/(\w+)/" class="section"[^>]*>([^<]+)</a>', page)

    assert ("axes", "Verrouillage des connexions") in sections
    assert [name for _, name in sections if name.lower().startswith("axe")] == []


def test_the_naming_rule_holds_outside_the_admin(editor, superuser, convention):
    """A script or a future form that saves for someone calls the same rule."""
    convention.name, convention.axis_name, convention.introduction = "Autre nom", "thème", "Après."
    convention.limit_changes_to(editor)
    convention.save()

    convention.refresh_from_db()
    assert (convention.name, convention.axis_name, convention.introduction) == (
        "Convention citoyenne pour Clermont",
        "axe de transition",
        "Après.",
    )

    convention.name = "Convention citoyenne pour le climat"
    convention.limit_changes_to(superuser)
    convention.save()

    convention.refresh_from_db()
    assert convention.name == "Convention citoyenne pour le climat"
