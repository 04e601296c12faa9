"""A published year's statuses, sources and the committee's rows are a record in the models
themselves: a script, a shell or any door the admin does not draw meets the same lock."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assessments.models import AssessmentSource
from proposals.models import Source, YearlyStatus
from tests.factory import make_assessment, make_proposal, make_review, publish_committee, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked():
    """A proposal whose 2025 status (with one source) a published review holds, and whose 2026
    status is still a draft."""
    proposal = make_proposal()
    set_status(proposal, 2025, "implemented")
    set_status(proposal, 2026, "underway")
    make_review(2025)
    return proposal


def test_a_source_of_a_locked_year_is_neither_changed_added_nor_deleted(locked):
    source = Source.objects.get(yearly_status__year=2025)

    source.url = "https://example.org/ailleurs"
    with pytest.raises(ValidationError, match="est publié"):
        source.save()
    with pytest.raises(ValidationError, match="est publié"):
        Source(yearly_status=source.yearly_status, label="Ajout", date=datetime.date(2026, 1, 1)).save()
    with pytest.raises(ValidationError, match="est publié"):
        source.delete()

    assert list(Source.objects.filter(yearly_status__year=2025).values_list("url", flat=True)) == [
        "https://example.org/deliberation"
    ]


def test_a_source_is_not_moved_out_of_a_locked_year(locked):
    source = Source.objects.get(yearly_status__year=2025)
    source.yearly_status = YearlyStatus.objects.get(year=2026)

    with pytest.raises(ValidationError, match="est publié"):
        source.save()


def test_a_status_of_a_locked_year_is_not_deleted(locked):
    with pytest.raises(ValidationError, match="est publié"):
        YearlyStatus.objects.get(year=2025).delete()

    assert YearlyStatus.objects.filter(year=2025).exists()


def test_an_open_year_changes_freely(locked):
    draft = YearlyStatus.objects.get(year=2026)
    source = draft.sources.get()
    source.label = "Corrigé"
    source.save()
    Source.objects.create(yearly_status=draft, label="Ajout", date=datetime.date(2026, 1, 1))
    source.delete()
    draft.delete()

    assert not YearlyStatus.objects.filter(year=2026).exists()


def test_the_committees_published_rows_are_kept_the_same_way():
    proposal = make_proposal()
    assessment = make_assessment(proposal, 2025, 7)
    source = AssessmentSource.objects.create(assessment=assessment, label="Visite", date=datetime.date(2025, 6, 1))
    publish_committee(2025)

    source.label = "Autre"
    with pytest.raises(ValidationError):
        source.save()
    with pytest.raises(ValidationError):
        source.delete()
    with pytest.raises(ValidationError):
        assessment.delete()

    assert AssessmentSource.objects.get().label == "Visite"
