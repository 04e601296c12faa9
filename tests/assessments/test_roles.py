"""The committee and the institutions' staff each write their own voice, never the other's."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from assessments.models import Assessment, CommitteeReview
from proposals.models import Proposal, YearlyStatus
from reports.models import AnnualReview
from tests.backoffice.helpers import STATUS_HEADERS, spreadsheet, upload
from tests.factory import make_assessment, make_proposal, make_review, set_status
from tests.snapshots import replayed

pytestmark = pytest.mark.django_db


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def build_world():
    proposal = make_proposal(key="velo", title="Plus de vélos")
    yearly = set_status(proposal, 2024, "underway")
    make_review(2024)
    assessment = make_assessment(proposal, 2025, 6, comment="Un début.")
    committee_review = CommitteeReview.objects.create(year=2025, statement="Une année contrastée.")
    return {"proposal": proposal, "yearly": yearly, "assessment": assessment, "committee_review": committee_review}


@pytest.fixture
def world(db):
    return replayed(build_world)


def test_the_committee_group_writes_its_assessments_and_nothing_else(committee):
    granted = perms("Comité de suivi")

    for model in ["assessment", "assessmentsource", "axisstatement", "committeereview"]:
        assert {f"assessments.add_{model}", f"assessments.change_{model}"} <= granted
    assert "assessments.publish_committeereview" in granted
    assert not [p for p in granted if not p.startswith("assessments.") and ".view_" not in p]
    assert "assessments.delete_assessment" not in granted


def test_editors_and_clerks_only_see_the_assessments(committee):
    for group in ["Rédaction", "Greffe"]:
        granted = perms(group)
        assert "assessments.view_assessment" in granted
        assert not [p for p in granted if p.startswith("assessments.") and ".view_" not in p], group


def test_the_committee_writes_an_assessment_with_its_source(committee_client, world):
    other = make_proposal(key="bus", title="Des bus")
    data = {
        "proposal": other.pk,
        "year": 2025,
        "grade": 3,
        "fidelity": "distorted",
        "comment": "Réduite à un essai.",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-label": "Compte rendu du comité",
        "sources-0-url": "https://example.org/cr",
        "sources-0-date": "2025-11-30",
    }

    response = committee_client.post(reverse("admin:assessments_assessment_add"), data)

    assert response.status_code == 302
    assessment = Assessment.objects.get(proposal=other)
    assert (assessment.grade, assessment.fidelity) == (3, "distorted")
    assert assessment.sources.get().label == "Compte rendu du comité"


def test_a_grade_above_10_is_refused_with_a_french_error(committee_client, world):
    url = reverse("admin:assessments_assessment_change", args=[world["assessment"].pk])
    data = {"proposal": world["proposal"].pk, "year": 2025, "grade": 11, "comment": "", "fidelity": ""}
    data |= {"sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}

    response = committee_client.post(url, data)

    assert response.status_code == 200
    assert "La note va de 0 à 10." in response.content.decode()
    assert Assessment.objects.get().grade == 6


def test_the_committee_cannot_change_a_proposal_or_a_status(committee_client, world):
    proposal, yearly = world["proposal"], world["yearly"]
    writes = [
        reverse("admin:proposals_proposal_change", args=[proposal.pk]),
        reverse("admin:proposals_proposal_add"),
        reverse("admin:proposals_yearlystatus_change", args=[yearly.pk]),
        reverse("admin:proposals_yearlystatus_add"),
        reverse("admin:reports_annualreview_publish", args=[AnnualReview.objects.get().pk]),
    ]
    for url in writes:
        response = committee_client.post(url, {"proposal": proposal.pk, "year": 2025, "status": "implemented"})
        assert response.status_code == 403, url

    assert Proposal.objects.get(pk=proposal.pk).title == "Plus de vélos"
    assert list(YearlyStatus.objects.values_list("year", "status")) == [(2024, "underway")]


def test_the_committee_cannot_import_statuses(committee_client, world):
    content = spreadsheet(
        STATUS_HEADERS, [["velo", 2025, "implemented", "", "Bilan", "https://e.org", "", "2025-12-01"]], "csv"
    )

    assert upload(committee_client, "yearlystatus", content, "csv").status_code == 403
    assert not YearlyStatus.objects.filter(year=2025).exists()


def test_the_committee_cannot_run_the_bulk_status_action(committee_client, world):
    url = reverse("admin:proposals_proposal_changelist")
    data = {"action": "set_status_for_year", "_selected_action": [world["proposal"].pk], "apply": "1", "year": 2025}

    committee_client.post(url, {**data, "status": "implemented", "source_label": "x", "source_url": "https://e.org"})

    assert not YearlyStatus.objects.filter(year=2025).exists()


@pytest.mark.parametrize("actor", ["editor_client", "clerk_client"])
def test_editors_and_clerks_cannot_change_an_assessment(request, actor, world):
    client = request.getfixturevalue(actor)
    assessment, review = world["assessment"], world["committee_review"]
    data = {"proposal": world["proposal"].pk, "year": 2025, "grade": 10, "comment": "Parfait.", "fidelity": ""}
    data |= {"sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0"}
    writes = [
        reverse("admin:assessments_assessment_change", args=[assessment.pk]),
        reverse("admin:assessments_assessment_add"),
        reverse("admin:assessments_assessment_delete", args=[assessment.pk]),
        reverse("admin:assessments_axisstatement_add"),
        reverse("admin:assessments_committeereview_change", args=[review.pk]),
        reverse("admin:assessments_committeereview_publish", args=[review.pk]),
        reverse("admin:assessments_committeereview_correct", args=[review.pk]),
    ]
    for url in writes:
        assert client.post(url, {**data, "confirm": "1"}).status_code == 403, url

    assessment.refresh_from_db()
    assert (assessment.grade, assessment.comment) == (6, "Un début.")
    assert not review.versions.exists()


@pytest.mark.parametrize("actor", ["editor_client", "clerk_client"])
def test_editors_and_clerks_see_the_assessments(request, actor, world):
    client = request.getfixturevalue(actor)

    response = client.get(reverse("admin:assessments_assessment_change", args=[world["assessment"].pk]))

    assert response.status_code == 200
    assert "Un début." in response.content.decode()


def test_the_committee_sees_the_proposals_and_statuses(committee_client, world):
    assert committee_client.get(reverse("admin:proposals_proposal_changelist")).status_code == 200
    assert committee_client.get(reverse("admin:proposals_yearlystatus_changelist")).status_code == 200
