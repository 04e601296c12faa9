import pytest
from django.db import IntegrityError, transaction

from proposals.models import Proposal, Status, YearlyStatus
from tests.factory import make_proposal, set_status

pytestmark = pytest.mark.django_db


def status_in(year: int, proposal: Proposal) -> str:
    return Proposal.objects.with_status_as_of(year).get(pk=proposal.pk).status_as_of


def test_it_is_not_assessed_before_the_first_status():
    proposal = make_proposal()
    set_status(proposal, 2023, Status.UNDERWAY)

    assert status_in(2022, proposal) == Status.NOT_ASSESSED
    assert proposal.status_as_of(2022) is Status.NOT_ASSESSED


def test_it_carries_the_latest_status_forward():
    proposal = make_proposal()
    set_status(proposal, 2022, Status.UNDERWAY)
    set_status(proposal, 2024, Status.IMPLEMENTED)

    assert status_in(2022, proposal) == Status.UNDERWAY
    assert status_in(2023, proposal) == Status.UNDERWAY
    assert status_in(2024, proposal) == Status.IMPLEMENTED
    assert status_in(2030, proposal) == Status.IMPLEMENTED
    assert proposal.status_as_of(2023) is Status.UNDERWAY


def test_it_annotates_the_year_the_status_comes_from():
    proposal = make_proposal()
    set_status(proposal, 2022, Status.UNDERWAY)

    annotated = Proposal.objects.with_status_as_of(2025).get(pk=proposal.pk)

    assert annotated.status_year == 2022


def test_it_ignores_other_proposals_statuses():
    first, second = make_proposal(), make_proposal()
    set_status(first, 2022, Status.IMPLEMENTED)

    assert status_in(2025, second) == Status.NOT_ASSESSED


def test_the_database_refuses_a_second_status_for_the_same_year():
    proposal = make_proposal()
    set_status(proposal, 2024, Status.UNDERWAY)

    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyStatus.objects.create(proposal=proposal, year=2024, status=Status.IMPLEMENTED)

    assert proposal.yearly_statuses.get().status == Status.UNDERWAY


def test_the_database_refuses_an_unknown_status_code():
    proposal = make_proposal()

    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyStatus.objects.create(proposal=proposal, year=2024, status="done")


def test_the_database_refuses_a_duplicate_key():
    proposal = make_proposal()

    with pytest.raises(IntegrityError), transaction.atomic():
        make_proposal(axis=proposal.axis, key=proposal.key)


def test_a_proposal_without_title_says_so():
    proposal = Proposal(key="sans-titre", title="")

    assert proposal.display_title == "Intitulé à compléter"
    assert not proposal.has_title
