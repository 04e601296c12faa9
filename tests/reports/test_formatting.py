import datetime
from decimal import Decimal

import pytest

from reports import formatting
from reports.formatting import fr_date, fr_decimal, fr_fraction, fr_integer, fr_percent, fr_points

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("87.5"), "87,5"),
        (Decimal("85"), "85,0"),
        (Decimal("6.25"), "6,3"),
        (0, "0,0"),
        (Decimal("1234.5"), "1 234,5"),
    ],
)
def test_it_writes_one_decimal_with_a_comma(value, expected):
    assert fr_decimal(value) == expected.replace(" ", NBSP)


def test_it_puts_a_non_breaking_space_before_the_percent_sign():
    assert fr_percent(Decimal("84.6")) == f"84,6{NBSP}%"


def test_it_writes_the_fraction_and_the_rate():
    assert fr_fraction(14, 16, Decimal("87.5")) == f"14 sur 16 · 87,5{NBSP}%"


def test_it_groups_thousands():
    assert fr_integer(4000) == f"4{NBSP}000"


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (Decimal("6.2"), "+6,2 points"),
        (Decimal("-1.5"), "\u22121,5 point"),
        (Decimal("0.0"), "0,0 point"),
        (Decimal("2.0"), "+2,0 points"),
        (Decimal("-100.0"), "\u2212100,0 points"),
    ],
)
def test_it_signs_a_change_in_points(points, expected):
    assert fr_points(points) == expected.replace(" ", NBSP)


def test_it_writes_dates_the_french_way():
    assert fr_date(datetime.date(2025, 8, 29)) == "29 août 2025"
    assert fr_date(datetime.date(2024, 12, 1)) == "1er décembre 2024"


@pytest.mark.parametrize(
    "reference, cited",
    [
        ("2025-118", "délibération n° 2025-118"),
        ("T2025", "délibération n° T2025"),
        ("Débat en séance publique n° 42", "Débat en séance publique n° 42"),
        ("Vœu adopté à l'unanimité", "Vœu adopté à l'unanimité"),
    ],
)
def test_a_decision_is_cited_with_n_only_when_its_reference_is_a_number(reference, cited):
    assert formatting.decision_reference(reference, "délibération") == cited
