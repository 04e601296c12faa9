"""A deliberation voted after the December publication: the clerks record it as a dated
addition to the published version, shown on the review's page and in its live open data, while
the stored documents keep saying what they said."""

import csv
import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.models import AnnualReview, Deliberation, ReviewDocument
from tests.backoffice.helpers import form_data
from tests.factory import make_assembly, make_axis, make_proposal, set_status

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/reports/deliberation/add/"


@pytest.fixture
def published():
    """The 2026 review, published with its documents and without a deliberation yet."""
    set_status(make_proposal(make_axis()), 2026, "implemented")
    review = AnnualReview.objects.create(year=2026, situation_date=datetime.date(2026, 12, 1))
    review.publish()
    return review


def fingerprints(review) -> dict:
    return dict(ReviewDocument.objects.filter(version__review=review).values_list("fmt", "sha256"))


def late_vote(review, assembly) -> dict:
    return {"review": review.pk, "body": assembly.pk, "date": "2026-12-21", "reference": "DEL-2026-140", "url": ""}


def test_a_clerk_records_a_deliberation_voted_after_the_publication(published, clerk, clerk_client, citizen):
    assembly = make_assembly("ville", "Conseil municipal")
    before = fingerprints(published)

    response = clerk_client.post(ADD_URL, late_vote(published, assembly))

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    deliberation = Deliberation.objects.get(reference="DEL-2026-140")
    assert deliberation.added_to == published.latest_version()
    assert deliberation.added_at is not None
    # Kept in the history, with who recorded it.
    assert deliberation.history.get().history_user == clerk
    # The record and the stored documents keep saying what they said.
    assert published.latest_version().deliberations == []
    assert fingerprints(published) == before
    # The review's page shows it as an addition, dated.
    page = citizen.get("/bilans/2026/").content.decode()
    assert "Rien n'est encore enregistré" not in page
    assert "DEL-2026-140" in page
    assert f"ajoutée le {deliberation.added_on.day}" in page


def test_the_live_open_data_lists_the_additions_with_their_date(published, clerk_client, citizen):
    clerk_client.post(ADD_URL, late_vote(published, make_assembly("ville", "Conseil municipal")))
    added_on = Deliberation.objects.get().added_on.isoformat()

    data = json.loads(citizen.get("/bilans/2026/deliberations.json").content)
    rows = list(csv.DictReader(io.StringIO(citizen.get("/bilans/2026/deliberations.csv").content.decode("utf-8-sig"))))

    assert data["version"] == 1
    assert data["deliberations"] == [
        {
            "body": "Conseil municipal",
            "date": "2026-12-21",
            "reference": "DEL-2026-140",
            "url": "",
            "recorded_on": added_on,
            "addition": True,
        }
    ]
    assert rows[0]["reference"] == "DEL-2026-140" and rows[0]["recorded_on"] == added_on
    assert rows[0]["addition"] == "true"
    # The stored JSON document is not the place: it keeps its bytes.
    assert "DEL-2026-140" not in citizen.get("/bilans/2026.json").content.decode()


def test_the_published_deliberations_are_recorded_on_the_publication_date(published, citizen):
    published.open_correction("Une délibération manquait")
    Deliberation.objects.create(
        review=published, body=make_assembly("ville"), date=datetime.date(2026, 12, 15), reference="DEL-1"
    )
    version = published.publish(with_documents=False)

    data = json.loads(citizen.get("/bilans/2026/deliberations.json").content)

    assert [(d["reference"], d["addition"]) for d in data["deliberations"]] == [("DEL-1", False)]
    assert data["deliberations"][0]["recorded_on"] == timezone.localdate(version.published_at).isoformat()


@pytest.mark.parametrize("role", ["editor_client", "committee_client"])
def test_the_roles_that_do_not_record_deliberations_are_refused(published, role, request):
    client = request.getfixturevalue(role)

    response = client.post(ADD_URL, late_vote(published, make_assembly("ville")))

    assert response.status_code == 403
    assert not Deliberation.objects.exists()


def test_an_addition_is_neither_changed_nor_deleted_afterwards(published, clerk, clerk_client):
    clerk_client.post(ADD_URL, late_vote(published, make_assembly("ville")))
    deliberation = Deliberation.objects.get()

    deliberation.reference = "Autre"
    with pytest.raises(ValidationError):
        deliberation.save()
    with pytest.raises(ValidationError):
        deliberation.delete()
    assert clerk_client.get(f"/admin/reports/deliberation/{deliberation.pk}/delete/").status_code == 403


def test_a_deliberation_without_the_clerks_right_is_still_refused_by_the_lock(published):
    with pytest.raises(ValidationError, match="est publié"):
        Deliberation.objects.create(
            review=published, body=make_assembly("ville"), date=datetime.date(2026, 12, 21), reference="X"
        )


def test_a_clerk_adds_it_from_the_reviews_own_page(published, clerk_client):
    url = f"/admin/reports/annualreview/{published.pk}/change/"
    data = form_data(clerk_client.get(url))
    data.update(
        {
            "deliberations-0-body": str(make_assembly("ville").pk),
            "deliberations-0-date": "2026-12-21",
            "deliberations-0-reference": "DEL-2026-141",
        }
    )

    response = clerk_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    assert Deliberation.objects.get().added_to == published.latest_version()
