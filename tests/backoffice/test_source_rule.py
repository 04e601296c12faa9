"""A yearly status that differs from the previous year's, or the first one, needs a source
(label, URL or reference, date): the model rule, the admin form and the bulk action."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from proposals.models import Source, YearlyStatus
from proposals.services import SourceData, yearly_status_set_bulk
from tests.factory import make_proposal, set_status

pytestmark = pytest.mark.django_db

COMPLETE = {"label": "Délibération", "url": "https://example.org/d", "date": datetime.date(2025, 12, 15)}


@pytest.mark.parametrize(
    "fields, complete",
    [
        (COMPLETE, True),
        ({**COMPLETE, "url": "", "reference": "DEL-2025-12"}, True),
        ({**COMPLETE, "url": ""}, False),
        ({**COMPLETE, "date": None}, False),
        ({**COMPLETE, "label": ""}, False),
    ],
)
def test_a_complete_source_has_a_label_a_url_or_reference_and_a_date(fields, complete):
    assert Source(**fields).is_complete is complete


def test_the_first_status_and_a_changed_status_need_a_source():
    proposal = make_proposal()
    first = YearlyStatus(proposal=proposal, year=2023, status="underway")
    assert first.needs_source()
    set_status(proposal, 2023, "underway")

    assert not YearlyStatus(proposal=proposal, year=2024, status="underway").needs_source()
    assert YearlyStatus(proposal=proposal, year=2024, status="implemented").needs_source()
    with pytest.raises(ValidationError, match="indiquez au moins une source"):
        YearlyStatus(proposal=proposal, year=2024, status="implemented").validate_sources([Source(label="x")])
    YearlyStatus(proposal=proposal, year=2024, status="implemented").validate_sources([Source(**COMPLETE)])


def _form(proposal, status, sources=()):
    data = {
        "proposal": proposal.pk,
        "year": 2025,
        "status": status,
        "explanation": "",
        "sources-TOTAL_FORMS": max(len(sources), 1),
        "sources-INITIAL_FORMS": 0,
        "sources-MIN_NUM_FORMS": 0,
        "sources-MAX_NUM_FORMS": 1000,
    }
    for i, source in enumerate(sources):
        data.update({f"sources-{i}-{key}": value for key, value in source.items()})
    return data


def test_the_admin_refuses_a_changed_status_without_a_source(editor_client):
    proposal = make_proposal()
    set_status(proposal, 2024, "underway")

    response = editor_client.post(reverse("admin:proposals_yearlystatus_add"), _form(proposal, "implemented"))

    assert response.status_code == 200
    assert "indiquez au moins une source" in response.content.decode()
    assert not YearlyStatus.objects.filter(year=2025).exists()


def test_the_admin_refuses_an_incomplete_source(editor_client):
    proposal = make_proposal()
    incomplete = {"label": "Délibération", "date": "2025-12-15"}  # neither URL nor reference

    response = editor_client.post(
        reverse("admin:proposals_yearlystatus_add"), _form(proposal, "underway", [incomplete])
    )

    assert response.status_code == 200
    assert "indiquez au moins une source" in response.content.decode()
    assert not YearlyStatus.objects.exists()


def test_the_admin_accepts_an_unchanged_status_without_a_source(editor_client):
    proposal = make_proposal()
    set_status(proposal, 2024, "underway")

    response = editor_client.post(reverse("admin:proposals_yearlystatus_add"), _form(proposal, "underway"))

    assert response.status_code == 302
    assert YearlyStatus.objects.get(year=2025).sources.count() == 0


def test_the_admin_refuses_removing_the_only_source_of_a_changed_status(editor_client):
    proposal = make_proposal()
    yearly = set_status(proposal, 2025, "implemented")
    source = yearly.sources.get()
    data = _form(proposal, "implemented")
    data.update(
        {
            "opened_revision": yearly.revision,
            "sources-INITIAL_FORMS": 1,
            "sources-0-id": source.pk,
            "sources-0-yearly_status": yearly.pk,
            "sources-0-label": source.label,
            "sources-0-url": source.url,
            "sources-0-date": source.date.isoformat(),
            "sources-0-DELETE": "on",
        }
    )

    response = editor_client.post(reverse("admin:proposals_yearlystatus_change", args=[yearly.pk]), data)

    assert response.status_code == 200
    assert yearly.sources.exists()


def test_the_bulk_service_writes_nothing_when_one_proposal_lacks_a_source(editor):
    unchanged, changed = make_proposal(key="a"), make_proposal(key="b")
    set_status(unchanged, 2024, "implemented")
    set_status(changed, 2024, "underway")

    with pytest.raises(ValidationError, match="b"):
        yearly_status_set_bulk(
            proposals=[unchanged, changed], year=2025, status="implemented", explanation="", source=None, user=editor
        )

    assert not YearlyStatus.objects.filter(year=2025).exists()


def test_the_bulk_service_sets_every_status_with_the_source(editor):
    proposals = [make_proposal(), make_proposal()]
    source = SourceData(label="Bilan 2025", reference="p. 12", date=datetime.date(2025, 12, 1))

    saved = yearly_status_set_bulk(
        proposals=proposals, year=2025, status="implemented", explanation="Fait.", source=source, user=editor
    )

    assert len(saved) == 2
    for yearly in YearlyStatus.objects.filter(year=2025):
        assert (yearly.status, yearly.explanation) == ("implemented", "Fait.")
        assert yearly.sources.get().reference == "p. 12"
        assert yearly.history.get().history_user == editor


def _action(client, proposals, **fields):
    data = {"action": "set_status_for_year", "_selected_action": [p.pk for p in proposals], **fields}
    return client.post(reverse("admin:proposals_proposal_changelist"), data)


def test_the_bulk_action_asks_for_the_year_status_and_source_on_an_intermediate_page(editor_client):
    proposals = [make_proposal(), make_proposal()]

    response = _action(editor_client, proposals)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Fixer le statut pour l" in page and 'name="source_label"' in page
    assert not YearlyStatus.objects.exists()


def test_the_bulk_action_sets_the_status(editor_client):
    proposals = [make_proposal(), make_proposal()]
    fields = {"year": 2025, "status": "underway", "explanation": "Travaux", "source_label": "Bilan 2025"}
    fields |= {"source_url": "https://example.org/bilan", "source_date": "2025-12-01", "apply": "1"}

    response = _action(editor_client, proposals, **fields)

    assert response.status_code == 302
    assert YearlyStatus.objects.filter(year=2025, status="underway").count() == 2
    assert Source.objects.filter(label="Bilan 2025").count() == 2


def test_the_bulk_action_refuses_a_changed_status_without_a_source(editor_client):
    proposal = make_proposal(key="sans-source")
    set_status(proposal, 2024, "underway")

    response = _action(editor_client, [proposal], year=2025, status="implemented", apply="1")

    assert response.status_code == 200
    assert "sans-source" in response.content.decode()
    assert not YearlyStatus.objects.filter(year=2025).exists()


def test_the_bulk_action_refuses_a_year_out_of_range(editor_client):
    proposal = make_proposal()
    fields = {"year": 1999, "status": "underway", "source_label": "x", "source_url": "https://e.org", "apply": "1"}

    response = _action(editor_client, [proposal], source_date="2025-01-01", **fields)

    assert response.status_code == 200
    assert "L&#x27;année doit être comprise entre 2000" in response.content.decode()
