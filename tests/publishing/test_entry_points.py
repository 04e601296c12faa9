"""One publication and one rectificatif per record, whatever the door: the back office, the
`publish_review` command, the model's methods (the tests' factory) and the apps' services all
meet the same checks (`publishing.services`), and refuse with the same French message."""

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import CommitteeReview
from assessments.publication import committee_open_correction, committee_publish
from proposals.models import Status
from publishing.services import PublicationError, open_correction, publish_record
from publishing.workflow import publication_request
from reports.models import AnnualReview
from reports.publication import review_open_correction, review_publish
from tests.factory import make_assessment, make_proposal, make_review, set_status

pytestmark = pytest.mark.django_db

YEAR = 2025


def admin_publish(client, record) -> str:
    url = reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_publish", args=[record.pk])
    response = client.post(url, {"confirm": "1", "no_status_acknowledged": "1"})
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def admin_open_correction(client, record) -> str:
    url = reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_correct", args=[record.pk])
    response = client.post(url, {"reason": "Une erreur de saisie."})
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def command_publish(record) -> str:
    with pytest.raises(CommandError) as refusal:
        call_command("publish_review", str(record.year), "--no-status-acknowledged", stdout=StringIO())
    return str(refusal.value)


def raised(action) -> str:
    with pytest.raises(PublicationError) as refusal:
        action()
    return str(refusal.value)


@pytest.fixture
def published_review():
    set_status(make_proposal(key="velo"), YEAR, Status.UNDERWAY)
    return make_review(YEAR)


@pytest.fixture
def draft_review():
    set_status(make_proposal(key="velo"), YEAR, Status.UNDERWAY)
    return make_review(YEAR, published=False)


def test_publishing_a_published_review_is_refused_alike_on_every_path(published_review, clerk_client):
    review = published_review
    expected = str(review.already_published_message % {"year": YEAR})

    refusals = {
        "service": raised(lambda: publish_record(review, documents=False)),
        "model": raised(lambda: review.publish(with_documents=False)),
        "review service": raised(lambda: review_publish(review, with_documents=False)),
        "back office queue": raised(lambda: publication_request(review, queue=False)),
        "command": command_publish(review),
    }

    assert refusals == dict.fromkeys(refusals, expected)
    assert expected in admin_publish(clerk_client, review)
    assert review.versions.count() == 1


def test_opening_a_rectificatif_on_a_draft_review_is_refused_alike_on_every_path(draft_review, clerk_client):
    review = draft_review
    expected = str(review.not_published_message)

    refusals = {
        "service": raised(lambda: open_correction(review, reason="Une erreur.")),
        "model": raised(lambda: review.open_correction("Une erreur.")),
        "review service": raised(lambda: review_open_correction(review, reason="Une erreur.")),
    }

    assert refusals == dict.fromkeys(refusals, expected)
    assert expected in admin_open_correction(clerk_client, review)
    review = AnnualReview.objects.get(pk=review.pk)
    assert not review.correction_is_open and review.correction_reason == ""


def test_a_second_rectificatif_is_refused_alike_on_every_path(published_review, clerk_client):
    review = published_review
    open_correction(review, reason="Une première erreur.")
    expected = str(review.correction_open_message)

    refusals = {
        "service": raised(lambda: open_correction(review, reason="Une autre.")),
        "model": raised(lambda: review.open_correction("Une autre.")),
        "review service": raised(lambda: review_open_correction(review, reason="Une autre.")),
    }

    assert refusals == dict.fromkeys(refusals, expected)
    assert expected in admin_open_correction(clerk_client, review)
    assert AnnualReview.objects.get(pk=review.pk).correction_reason == "Une première erreur."


def test_the_committee_meets_the_same_checks(committee_client):
    make_review(YEAR)
    make_assessment(make_proposal(key="velo"), YEAR, 6, comment="Un bon début.")
    record = CommitteeReview.objects.create(year=YEAR, statement="Notre avis.")

    not_published = str(record.not_published_message)
    assert raised(lambda: record.open_correction("Trop tôt.")) == not_published
    assert raised(lambda: committee_open_correction(record, reason="Trop tôt.")) == not_published
    assert not_published in admin_open_correction(committee_client, record)

    committee_publish(record)
    already = str(record.already_published_message % {"year": YEAR})
    assert raised(lambda: record.publish()) == already
    assert raised(lambda: committee_publish(record)) == already
    assert raised(lambda: publication_request(record, queue=False)) == already
    assert already in admin_publish(committee_client, record)
