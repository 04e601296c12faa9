"""The change since the previous year is frozen with the published version: a later
rectificatif of the previous year, or a previous year published afterwards, leaves it as it
was published; a migration fills it for versions published before, from what they published."""

import importlib

import pytest
from django.apps import apps

from proposals.models import Status, YearlyStatus
from reports.models import AnnualReview, ReviewVersion
from reports.publication import review_open_correction, review_publish
from reports.report import review_report
from tests.factory import make_axis, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years():
    """2024: 1 of 4 implemented (25 %); 2025: 3 of 4 (75 %), both published."""
    axis = make_axis()
    proposals = [make_proposal(axis) for _ in range(4)]
    set_status(proposals[0], 2024, Status.IMPLEMENTED)
    for proposal in proposals[1:]:
        set_status(proposal, 2024, Status.UNDERWAY)
    for proposal in proposals[1:3]:
        set_status(proposal, 2025, Status.IMPLEMENTED)
    make_review(2024)
    make_review(2025)
    return proposals


def test_a_later_rectificatif_of_the_previous_year_leaves_the_change_as_published(citizen, two_years):
    review_2024 = AnnualReview.objects.get(year=2024)
    review_open_correction(review_2024, reason="Deux propositions étaient déjà mises en œuvre.")
    YearlyStatus.objects.filter(proposal=two_years[1], year=2024).update(status=Status.IMPLEMENTED)
    review_publish(review_2024, with_documents=False)

    page = citizen.get("/bilans/2025/").content.decode()

    assert "25,0 % en 2024" in page.replace("\u202f", " ").replace("\u00a0", " ")
    assert "50,0 % en 2024" not in page.replace("\u202f", " ").replace("\u00a0", " ")
    assert review_report(AnnualReview.objects.get(year=2025)).comparison.totals.previous == 25


def test_the_migration_freezes_the_change_from_what_each_version_published(two_years):
    review_2024 = AnnualReview.objects.get(year=2024)
    review_open_correction(review_2024, reason="Deux propositions étaient déjà mises en œuvre.")
    YearlyStatus.objects.filter(proposal=two_years[1], year=2024).update(status=Status.IMPLEMENTED)
    review_publish(review_2024, with_documents=False)
    for version in ReviewVersion.objects.all():  # as before the migration
        version.figures.pop("previous")
        version.figures.pop("licence")
        version.save(update_fields=["figures"])
    migration = importlib.import_module("reports.migrations.0011_review_change_frozen")

    migration.freeze_changes(apps, None)

    figures = {(v.review.year, v.number): v.figures for v in ReviewVersion.objects.select_related("review")}
    assert figures[(2024, 1)]["previous"] is None
    assert figures[(2025, 1)]["previous"]["year"] == 2024
    assert figures[(2025, 1)]["previous"]["totals"]["by_status"]["implemented"] == 1  # 2024 v1, not v2
    # And the licence its documents were published under: the one the settings declared.
    assert figures[(2025, 1)]["licence"]["title"] == "Licence Ouverte / Open Licence version 2.0"
