"""The suite's replayed fixtures (tests/snapshots.py): a replay writes what the builder wrote, or
the builder runs again; never a mix."""

import pytest
from django.db import transaction

from proposals.models import Axis
from reports.models import ReviewDocument
from tests import snapshots
from tests.factory import make_axis, make_proposal, make_review, set_status
from tests.snapshots import _all_rows, replayed

pytestmark = pytest.mark.django_db

runs = []


@pytest.fixture(autouse=True)
def nothing_recorded():
    """Each test starts with the builder never run in this process."""
    for key in [key for key in snapshots._recordings if key[1] == build_published_convention.__qualname__]:
        del snapshots._recordings[key]
    runs.clear()


def build_published_convention() -> dict:
    runs.append("built")
    axis = make_axis(slug="rejoue", name="Axe rejoué")
    proposal = make_proposal(axis, key="rejouee", title="Une proposition rejouée", leads=["ville"])
    set_status(proposal, 2025, "implemented")
    make_review(2025, documents=True)
    return {"axis": axis, "proposal": proposal}


def in_a_test_of_its_own(function):
    """What `function()` leaves in the database, then undone as at the end of a test."""
    with transaction.atomic():
        result = function()
        rows = _all_rows()
        transaction.set_rollback(True)
    return result, rows


def test_a_replay_writes_the_same_rows_and_documents_as_the_builder():
    built, built_rows = in_a_test_of_its_own(lambda: replayed(build_published_convention))
    replay = replayed(build_published_convention)
    replayed_rows = _all_rows()

    assert runs == ["built"]
    assert replayed_rows == built_rows
    assert {row["fields"]["fmt"] for row in replayed_rows.values() if row["model"] == "reports.reviewdocument"} == {
        "pdf",
        "xlsx",
        "ods",
        "csv",
        "json",
    }
    assert replay["proposal"].pk == built["proposal"].pk
    assert replay["proposal"].leads.get().code == "ville"  # what it returned, read afresh


def test_from_another_starting_point_the_builder_runs_again():
    in_a_test_of_its_own(lambda: replayed(build_published_convention))
    make_axis(slug="deja-la", name="Un axe déjà là")

    replayed(build_published_convention)

    assert runs == ["built", "built"]


def test_a_replay_that_no_longer_fits_is_undone_and_the_builder_runs():
    def after_one_axis():
        make_axis(slug="avant", name="Un axe d'avant")
        return replayed(build_published_convention)

    built, _ = in_a_test_of_its_own(after_one_axis)
    # The same number of rows as when it was recorded, but the primary key of its axis is taken.
    make_axis(slug="occupe", name="Un axe qui a pris la place", pk=built["axis"].pk)

    again = replayed(build_published_convention)

    assert runs == ["built", "built"]
    assert Axis.objects.get(pk=built["axis"].pk).slug == "occupe"
    assert again["axis"].slug == "rejoue" and again["axis"].pk != built["axis"].pk
    assert ReviewDocument.objects.filter(version__review__year=2025).count() == 5
