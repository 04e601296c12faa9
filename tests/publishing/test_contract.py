"""The contract of every published record, run over both kinds (the institutions' review and
the committee's year): publish, lock, correct, warm, refuse."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models import Assessment, AssessmentSource, CommitteeReview
from core import cache
from proposals.models import Source, Status, YearlyStatus
from publishing.services import PublicationError, open_correction, publish_record
from tests.factory import make_assessment, make_proposal, make_review, set_status

YEAR = 2025


@dataclass
class Kind:
    """A kind of record: a draft of `YEAR` with one row of its year (and a source of it)."""

    record: object
    row: object
    source: object
    new_row: object  # an unsaved row of the year


def review_kind() -> Kind:
    yearly = set_status(make_proposal(key="velo"), YEAR, Status.UNDERWAY)
    record = make_review(YEAR, published=False)
    new_row = YearlyStatus(proposal=make_proposal(key="bus"), year=YEAR, status=Status.IMPLEMENTED)
    return Kind(record, yearly, Source.objects.get(yearly_status=yearly), new_row)


def committee_kind() -> Kind:
    proposal = make_proposal(key="velo")
    make_review(YEAR, documents=False)  # the committee's voice shows on the year's review page
    assessment = make_assessment(proposal, YEAR, 6, comment="Un bon début.")
    source = AssessmentSource.objects.create(assessment=assessment, label="Compte rendu", url="https://example.org")
    record = CommitteeReview.objects.create(year=YEAR, statement="Notre avis.")
    new_row = Assessment(proposal=make_proposal(key="bus"), year=YEAR, grade=3)
    return Kind(record, assessment, source, new_row)


@pytest.fixture(params=[review_kind, committee_kind], ids=["review", "committee"])
def kind(request, db) -> Kind:
    return request.param()


def publish(record, **kwargs):
    # No documents: the review's are rendered in the tests about documents.
    return publish_record(record, documents=False, **kwargs)


def refused(action, match: str = "") -> None:
    with pytest.raises((ValidationError, PublicationError), match=match):
        action()


def test_publishing_freezes_version_1_and_publishes_the_year(kind):
    record = kind.record

    version = publish(record)

    record = type(record).objects.get(pk=record.pk)
    assert (version.number, version.reason, version.year) == (1, "", YEAR)
    assert record.is_published and record.published_at == version.published_at
    assert list(type(record).objects.published()) == [record]
    assert list(type(record).objects.locked()) == [record]
    assert record.is_locked


def test_a_draft_is_not_published_and_locks_nothing(kind):
    assert not kind.record.is_published and not kind.record.is_locked
    assert not type(kind.record).objects.published().exists()

    kind.row.save()
    kind.new_row.save()
    kind.source.delete()


def test_a_published_year_refuses_every_change_of_its_rows(kind):
    publish(kind.record)
    row = type(kind.row).objects.get(pk=kind.row.pk)

    refused(row.save, "publié")
    refused(row.full_clean, "publié")
    refused(row.delete, "publié")
    refused(kind.new_row.save, "publié")
    refused(kind.source.save, "publié")
    refused(kind.source.delete, "publié")
    assert type(kind.row).objects.filter(pk=row.pk).exists()
    assert not type(kind.new_row).objects.filter(year=YEAR).exclude(pk=row.pk).exists()
    assert row.locked_year() == YEAR


def test_a_published_record_keeps_its_own_texts_and_its_year(kind):
    publish(kind.record)
    record = type(kind.record).objects.get(pk=kind.record.pk)
    field = [name for name in record.record_fields if name != "year"][-1]

    setattr(record, field, "Réécrit" if isinstance(getattr(record, field), str) else not getattr(record, field))
    refused(record.save, "publié")
    refused(record.full_clean, "publié")
    record = type(kind.record).objects.get(pk=kind.record.pk)
    record.year = YEAR - 1
    refused(record.save, "son année ne peut plus changer")


def test_a_rectificatif_opens_the_year_then_publishes_version_2(kind, clerk):
    first = publish(kind.record)

    open_correction(kind.record, reason="  Une erreur de saisie.  ", user=clerk)
    record = type(kind.record).objects.get(pk=kind.record.pk)
    assert record.correction_is_open and not record.is_locked
    kind.row.save()  # the year's rows may be corrected
    kind.new_row.save()
    second = publish(record, user=clerk)

    record = type(kind.record).objects.get(pk=kind.record.pk)
    assert (second.number, second.reason, second.published_by) == (2, "Une erreur de saisie.", clerk)
    assert record.published_at == first.published_at  # the first publication's date stays
    assert record.is_locked and not record.correction_is_open and record.correction_reason == ""
    refused(kind.row.save, "publié")


def test_what_a_publication_refuses(kind):
    record = kind.record
    refused(lambda: open_correction(record, reason="Trop tôt."), "Seul un")

    publish(record)

    refused(lambda: publish(record), "déjà publié")
    refused(lambda: open_correction(record, reason="   "), "motif")
    open_correction(record, reason="Une erreur.")
    refused(lambda: open_correction(record, reason="Une autre."), "déjà ouvert")
    assert record.versions.count() == 1


def test_a_failed_publication_leaves_the_record_as_it_was(kind):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(kind.record)
        raise RuntimeError

    assert not type(kind.record).objects.get(pk=kind.record.pk).is_published
    kind.row.save()


def test_only_the_committee_refuses_an_empty_year(db):
    # The committee's year is nothing but its assessments; a review counts every proposal as of
    # its latest status, so a year without a status of its own is still a review.
    make_proposal()
    refused(lambda: publish(CommitteeReview.objects.create(year=YEAR)), "Aucun avis n'est saisi pour 2025")
    assert publish(make_review(YEAR, published=False)).number == 1


def test_the_pages_a_publication_changes_are_warmed_once_it_commits(
    kind, monkeypatch, django_capture_on_commit_callbacks
):
    warmed = []
    monkeypatch.setattr(cache, "warm_public_pages", lambda paths: warmed.append(list(paths)))

    with django_capture_on_commit_callbacks() as callbacks:
        publish(kind.record)
    assert warmed == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert warmed == [kind.record.pages_to_warm()]
    assert f"/bilans/{YEAR}/" in warmed[0] and "/propositions/velo/" in warmed[0]


@pytest.mark.django_db(transaction=True)  # the warming runs once the publication is committed
@pytest.mark.parametrize("make_kind", [review_kind, committee_kind], ids=["review", "committee"])
def test_warmed_pages_are_served_from_the_cache(make_kind, citizen, page_cache, settings, django_assert_num_queries):
    settings.SITE_URL = "http://testserver"
    record = make_kind().record

    publish(record)

    paths = record.pages_to_warm()
    with django_assert_num_queries(0):
        for path in paths:
            assert citizen.get(path).status_code == 200
