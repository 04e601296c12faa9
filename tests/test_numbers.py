"""One rounding (half up, one decimal) and one French number format, shared by the review's
rates, the committee's averages, the review's wording, the key figures and the import's messages."""

from decimal import Decimal

import pytest

from core.numbers import MINUS, NBSP, fr_number, one_decimal
from proposals.templatetags.proposals_extras import with_unit
from public_site.committee import average
from reports.formatting import fr_decimal, fr_integer, fr_points
from reports.summary import rate


@pytest.mark.parametrize("value, rounded", [("6.25", "6.3"), ("6.249", "6.2"), ("-1.25", "-1.3"), (7, "7.0")])
def test_one_decimal_rounds_half_up_in_exact_decimals(value, rounded):
    assert one_decimal(Decimal(value) if isinstance(value, str) else value) == Decimal(rounded)


def test_the_rates_and_the_averages_round_the_same_way():
    assert rate(1, 16) == Decimal("6.3")  # 6.25
    assert average([6, 6, 6, 7]) == Decimal("6.3")  # 6.25
    assert fr_decimal(6.25) == "6,3"


@pytest.mark.parametrize(
    "value, decimal_pos, text",
    [
        (4000, None, f"4{NBSP}000"),
        (Decimal("25000.00"), None, f"25{NBSP}000"),
        (Decimal("2.50"), None, "2,5"),
        (Decimal("1234567.25"), None, f"1{NBSP}234{NBSP}567,25"),
        (Decimal("87.5"), 1, "87,5"),
        (None, None, ""),
    ],
)
def test_fr_number_writes_french_numbers(value, decimal_pos, text):
    assert fr_number(value, decimal_pos) == text


@pytest.mark.parametrize("value", [0, 7, -7, 999, 1000, -1000, 12345, 1234567, -1234567890])
@pytest.mark.parametrize("decimal_pos", [None, 0, 1])
def test_a_whole_number_is_written_as_its_decimal_would_be(value, decimal_pos):
    """Counts take a shorter path (a page writes dozens of them): the same text."""
    assert fr_number(value, decimal_pos) == fr_number(Decimal(value), decimal_pos)


def test_every_french_number_is_written_by_fr_number():
    assert fr_integer(4000) == fr_number(4000) == f"4{NBSP}000"
    assert fr_decimal("-1234.56") == f"{MINUS}1{NBSP}234,6"
    assert fr_points("1.5") == f"+1,5{NBSP}point"
    assert with_unit(Decimal("25000.00"), "€") == f"25{NBSP}000{NBSP}€"
