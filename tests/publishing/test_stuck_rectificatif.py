"""A rectificatif that cannot get stuck: its reason is clean before it is stored (a control
character pasted from a word processor is refused, in French, on every path), a published
reason stored with one renders clean, and the clerk cancels an open rectificatif or corrects
its reason before it is published, in the history. Run over both kinds of record (the
institutions' review, the committee's year)."""

from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from assessments.models import CommitteeReview, CommitteeVersion
from publishing.services import PublicationError, open_correction, publish_record
from reports.models import AnnualReview, ReviewDocument, ReviewVersion
from tests.factory import make_assessment, make_proposal, make_review, set_status

from ..conftest import logged_in

pytestmark = pytest.mark.django_db

YEAR = 2025
# Word's line break (vertical tab), a bell, an escape, a C1 control (NEL, then CSI).
DIRTY_REASONS = ["Ligne une\x0bligne deux", "Oubli\x07", "Échappé\x1b[0m", "Suite\x85fin", "CSI\x9b"]
REASON = "Le statut du vélo était faux."


@dataclass
class Kind:
    model: type
    publisher: str  # the fixture of the role that publishes (and so corrects) this kind
    outsider: str  # a role that sees the record and may not touch its rectificatif

    def published(self):
        """This kind's record of YEAR, published (version 1, no stored document)."""
        proposal = make_proposal(key="velo")
        set_status(proposal, YEAR, "underway")
        review = make_review(YEAR)
        if self.model is AnnualReview:
            return review
        make_assessment(proposal, YEAR, 6, comment="Un bon début.")
        record = CommitteeReview.objects.create(year=YEAR, statement="Notre avis.")
        publish_record(record)
        return record

    def admin_url(self, name: str, record) -> str:
        return reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_{name}", args=[record.pk])


KINDS = {
    "review": Kind(AnnualReview, publisher="clerk", outsider="editor"),
    "committee": Kind(CommitteeReview, publisher="committee", outsider="clerk"),
}


@pytest.fixture(params=KINDS.values(), ids=KINDS.keys())
def kind(request) -> Kind:
    return request.param


def reload(record):
    return type(record).objects.get(pk=record.pk)


# The reason is clean before it is stored.


@pytest.mark.parametrize("reason", DIRTY_REASONS)
def test_a_reason_with_a_control_character_is_refused_and_opens_nothing(kind, reason):
    record = kind.published()

    with pytest.raises(PublicationError, match="caractère de contrôle invisible"):
        open_correction(record, reason=reason)

    record = reload(record)
    assert not record.correction_is_open and record.correction_reason == ""


def test_the_model_refuses_it_on_every_path(kind):
    record = kind.published()

    with pytest.raises(PublicationError, match="caractère de contrôle invisible"):
        record.open_correction("Ligne une\x0bligne deux")
    record.correction_reason = "Oubli\x07"
    with pytest.raises(ValidationError, match="caractère de contrôle invisible"):
        record.save()

    assert reload(record).correction_reason == ""


def test_line_breaks_and_tabs_stay(kind):
    record = kind.published()

    open_correction(record, reason="Premier point.\r\n\tSecond point.")

    assert reload(record).correction_reason == "Premier point.\r\n\tSecond point."


def test_the_back_office_says_why_in_french_and_opens_nothing(request, kind):
    record = kind.published()
    client = logged_in(request.getfixturevalue(kind.publisher))

    response = client.post(kind.admin_url("correct", record), {"reason": "Ligne une\x0bligne deux"}, follow=True)

    assert response.status_code == 200
    assert "caractère de contrôle invisible (code 11)" in response.content.decode()
    assert not reload(record).correction_is_open


def test_a_clean_reason_publishes_every_document_and_the_command_too(clerk):
    set_status(make_proposal(key="velo"), YEAR, "underway")  # the command refuses a year without status
    review = make_review(YEAR, documents=True)
    open_correction(review, reason="Premier point.\nSecond point.", user=clerk)

    call_command("publish_review", str(YEAR), stdout=StringIO())

    version = ReviewVersion.objects.get(review=review, number=2)
    assert version.reason == "Premier point.\nSecond point."
    assert ReviewDocument.objects.filter(version=version).count() == 5


def test_a_published_reason_stored_with_control_characters_renders_clean(citizen, db):
    """A committee rectificatif published before the rule printed the raw characters: its
    stored row stays as it is, every page renders it clean."""
    record = KINDS["committee"].published()
    open_correction(record, reason="Note oubliée.")
    publish_record(record)
    version = CommitteeVersion.objects.get(number=2)
    CommitteeVersion.objects.filter(pk=version.pk).update(reason="Note\x0boubliée\x07.")

    pages = [citizen.get(url).content.decode() for url in ("/bilans/2025/", "/propositions/velo/")]

    for page in pages:
        assert "Rectifié le" in page
        assert "Note\noubliée." in page
        assert not any(character in page for character in "\x0b\x07")
    # The record itself is untouched.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM assessments_committeeversion WHERE id = %s", [version.pk])
        assert cursor.fetchone() == ("Note\x0boubliée\x07.",)


# Cancelled, or its reason corrected, before publication.


@pytest.fixture
def opened(request, kind):
    """This kind's record published, a rectificatif opened on it by its publisher."""
    record = kind.published()
    open_correction(record, reason=REASON, user=request.getfixturevalue(kind.publisher))
    return reload(record)


def history_of(record) -> list[tuple]:
    return list(record.history.order_by("history_id").values_list("history_user__username", "history_change_reason"))


def test_the_publisher_cancels_an_open_rectificatif_in_the_history(request, kind, opened):
    client = logged_in(request.getfixturevalue(kind.publisher))

    page = client.get(kind.admin_url("change", opened)).content.decode()
    assert "Annuler le rectificatif sans le publier" in page and "Corriger le motif" in page
    response = client.post(kind.admin_url("correction_cancel", opened), follow=True)

    assert "est annulé" in response.content.decode()
    record = reload(opened)
    assert not record.correction_is_open and record.correction_reason == ""
    assert record.is_locked and record.versions.count() == 1
    user = request.getfixturevalue(kind.publisher).username
    assert history_of(record)[-1] == (user, "Rectificatif annulé avant publication")
    # Nothing left to publish, and a new rectificatif may be opened.
    assert "Annuler le rectificatif" not in client.get(kind.admin_url("change", opened)).content.decode()
    open_correction(record, reason="Une autre correction.")


def test_the_publisher_corrects_the_reason_then_publishes_with_it(request, kind, opened):
    client = logged_in(request.getfixturevalue(kind.publisher))

    response = client.post(kind.admin_url("correction_reason", opened), {"reason": " Le bon motif. "}, follow=True)

    assert "est corrigé" in response.content.decode()
    record = reload(opened)
    assert record.correction_is_open and record.correction_reason == "Le bon motif."
    user = request.getfixturevalue(kind.publisher).username
    assert history_of(record)[-1] == (user, "Motif du rectificatif corrigé")
    publish_record(record)
    assert record.versions.get(number=2).reason == "Le bon motif."


@pytest.mark.parametrize("reason", ["", "   ", "Ligne une\x0bligne deux"])
def test_a_corrected_reason_keeps_the_rules(request, kind, opened, reason):
    client = logged_in(request.getfixturevalue(kind.publisher))

    page = client.post(kind.admin_url("correction_reason", opened), {"reason": reason}, follow=True).content.decode()

    assert "motif du rectificatif" in page or "caractère de contrôle invisible" in page
    assert reload(opened).correction_reason == REASON


def test_roles_that_may_not_publish_are_refused(request, kind, opened):
    client = logged_in(request.getfixturevalue(kind.outsider))

    page = client.get(kind.admin_url("change", opened))
    assert page.status_code == 200 and "Annuler le rectificatif" not in page.content.decode()
    assert client.post(kind.admin_url("correction_cancel", opened)).status_code == 403
    assert client.post(kind.admin_url("correction_reason", opened), {"reason": "Autre."}).status_code == 403

    record = reload(opened)
    assert record.correction_is_open and record.correction_reason == REASON


def test_the_actions_answer_only_post(request, kind, opened):
    client = logged_in(request.getfixturevalue(kind.publisher))

    assert client.get(kind.admin_url("correction_cancel", opened)).status_code == 405
    assert client.get(kind.admin_url("correction_reason", opened)).status_code == 405
    assert reload(opened).correction_is_open


def test_nothing_changes_once_the_rectificatif_is_published(request, kind, opened):
    """A page opened before the publication posts after it: refused, in French."""
    client = logged_in(request.getfixturevalue(kind.publisher))
    publish_record(opened)

    cancel = client.post(kind.admin_url("correction_cancel", opened), follow=True).content.decode()
    reason = client.post(kind.admin_url("correction_reason", opened), {"reason": "Autre."}, follow=True)

    assert "Aucun rectificatif n&#x27;est ouvert" in cancel
    assert "Aucun rectificatif n&#x27;est ouvert" in reason.content.decode()
    record = reload(opened)
    assert record.is_locked and record.correction_reason == ""
    assert record.versions.get(number=2).reason == REASON
    with pytest.raises(ValidationError):
        record.cancel_correction()
