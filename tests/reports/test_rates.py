from decimal import Decimal

import pytest

from proposals.models import Status
from reports.summary import live_summary as review_summary
from reports.summary import rate
from tests.factory import make_axis, make_proposal, set_status


@pytest.mark.parametrize(
    ("implemented", "total", "expected"),
    [
        (1, 8, "12.5"),
        (1, 6, "16.7"),
        (2, 3, "66.7"),
        (1, 16, "6.3"),  # 6.25: half up, never half even
        (1, 80, "1.3"),  # 1.25
        (11, 13, "84.6"),
        (9, 11, "81.8"),
        (0, 5, "0.0"),
        (5, 5, "100.0"),
        (0, 0, "0.0"),
    ],
)
def test_rate_rounds_half_up_to_one_decimal(implemented, total, expected):
    assert rate(implemented, total) == Decimal(expected)


@pytest.mark.django_db
def test_the_summary_counts_every_status_in_the_denominator():
    axis = make_axis(slug="ecologique")
    for status in [Status.IMPLEMENTED, Status.UNDERWAY, Status.NOT_IMPLEMENTED, Status.OUT_OF_SCOPE]:
        set_status(make_proposal(axis=axis), 2025, status)
    make_proposal(axis=axis)  # never assessed

    summary = review_summary(2025)

    (tally,) = summary.axes
    assert tally.proposals == 5
    assert tally.implemented == 1
    assert tally.rate == Decimal("20.0")
    assert tally.by_status == {
        "implemented": 1,
        "underway": 1,
        "not_implemented": 1,
        "out_of_scope": 1,
        "not_assessed": 1,
    }


@pytest.mark.django_db
def test_an_axis_without_proposals_does_not_crash():
    empty = make_axis(slug="vide")
    full = make_axis(slug="plein")
    set_status(make_proposal(axis=full), 2025, Status.IMPLEMENTED)

    summary = review_summary(2025)

    rates = {tally.axis.slug: (tally.proposals, tally.rate) for tally in summary.axes}
    assert rates == {"vide": (0, Decimal("0.0")), "plein": (1, Decimal("100.0"))}
    assert summary.totals.rate == Decimal("100.0")
    assert empty in [tally.axis for tally in summary.axes]


@pytest.mark.django_db
def test_a_year_without_statuses_counts_everything_as_not_assessed():
    axis = make_axis()
    set_status(make_proposal(axis=axis), 2024, Status.IMPLEMENTED)
    make_proposal(axis=axis)

    summary = review_summary(2021)

    assert summary.totals.proposals == 2
    assert summary.totals.implemented == 0
    assert summary.totals.by_status["not_assessed"] == 2
    assert summary.totals.rate == Decimal("0.0")


@pytest.mark.django_db
def test_the_summary_uses_statuses_carried_forward():
    axis = make_axis()
    early, late = make_proposal(axis=axis), make_proposal(axis=axis)
    set_status(early, 2022, Status.IMPLEMENTED)
    set_status(late, 2022, Status.UNDERWAY)
    set_status(late, 2024, Status.IMPLEMENTED)

    assert review_summary(2023).totals.implemented == 1
    assert review_summary(2024).totals.implemented == 2


@pytest.mark.django_db
def test_clermont_2025_rates_are_computed_from_the_data(clermont):
    summary = review_summary(2025)

    rates = {tally.axis.slug: (tally.implemented, tally.proposals, tally.rate) for tally in summary.axes}
    assert rates == {
        "ecologique": (14, 16, Decimal("87.5")),
        "democratique": (11, 13, Decimal("84.6")),
        "sociale": (9, 11, Decimal("81.8")),
    }
    assert (summary.totals.implemented, summary.totals.proposals, summary.totals.rate) == (34, 40, Decimal("85.0"))


@pytest.mark.django_db
def test_the_summary_takes_two_queries_whatever_the_size(django_assert_num_queries):
    axis = make_axis()
    for _ in range(30):
        set_status(make_proposal(axis=axis), 2025, Status.IMPLEMENTED, source=False)

    with django_assert_num_queries(2):
        review_summary(2025)
