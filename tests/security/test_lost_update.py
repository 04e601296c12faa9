"""Two editors open the same record; the first saves; the second's stale form is refused with a
French message that shows what changed in between, and nothing is lost."""

from html import unescape

import pytest
from django.urls import reverse

from proposals.models import Project, Proposal, YearlyStatus
from tests.conftest import EDITORS, _member_of, logged_in
from tests.factory import make_project, make_proposal, set_status

pytestmark = pytest.mark.django_db
REFUSED = "a été modifiée depuis que vous l'avez ouverte"


@pytest.fixture
def second_editor_client():
    return logged_in(_member_of(EDITORS, "redaction2"))


def opened(client, url) -> dict:
    """The form as a browser would post it back unchanged: every field's initial value."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    for form in [response.context["adminform"].form, *[f.formset for f in response.context["inline_admin_formsets"]]]:
        if hasattr(form, "management_form"):
            for field in form.management_form:
                data[field.html_name] = field.value()
            forms = form.forms
        else:
            forms = [form]
        for each in forms:
            for field in each:
                value = field.value()
                if value is None:
                    continue
                data[field.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def test_a_stale_proposal_form_is_refused_and_nothing_is_lost(editor_client, second_editor_client):
    proposal = make_proposal(key="velo", title="Pistes cyclables", summary="Ancien résumé")
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    first, second = opened(editor_client, url), opened(second_editor_client, url)

    assert editor_client.post(url, {**first, "summary": "Nouveau résumé"}).status_code == 302
    response = second_editor_client.post(url, {**second, "title": "Pistes cyclables sûres"})

    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert REFUSED in page
    assert "redaction" in page and "Nouveau résumé" in page  # who, and what changed
    assert "Pistes cyclables sûres" in page  # the second editor's text is still in the form
    proposal.refresh_from_db()
    assert (proposal.title, proposal.summary) == ("Pistes cyclables", "Nouveau résumé")


def test_a_fresh_form_saves(editor_client):
    proposal = make_proposal(key="velo", title="Pistes cyclables")
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])

    for title in ["Un", "Deux"]:
        assert editor_client.post(url, {**opened(editor_client, url), "title": title}).status_code == 302

    assert Proposal.objects.get().title == "Deux"


def test_a_stale_project_form_is_refused(editor_client, second_editor_client):
    project = make_project(title="Plan vélo", summary="Ancien")
    url = reverse("admin:proposals_project_change", args=[project.pk])
    first, second = opened(editor_client, url), opened(second_editor_client, url)

    assert editor_client.post(url, {**first, "summary": "Nouveau"}).status_code == 302
    response = second_editor_client.post(url, {**second, "title": "Plan vélo 2"})

    assert REFUSED in unescape(response.content.decode())
    assert Project.objects.get().summary == "Nouveau" and Project.objects.get().title == "Plan vélo"


def test_a_stale_yearly_status_form_is_refused(editor_client, second_editor_client):
    yearly = set_status(make_proposal(), 2025, "underway", explanation="Ancienne")
    url = reverse("admin:proposals_yearlystatus_change", args=[yearly.pk])
    first, second = opened(editor_client, url), opened(second_editor_client, url)

    assert editor_client.post(url, {**first, "explanation": "Nouvelle"}).status_code == 302
    response = second_editor_client.post(url, {**second, "status": "implemented"})

    assert REFUSED in unescape(response.content.decode())
    yearly = YearlyStatus.objects.get()
    assert (yearly.status, yearly.explanation) == ("underway", "Nouvelle")
