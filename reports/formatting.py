"""French number formats for the review, on the page and in every document.

Plain functions, so the PDF, the page and the tests share them; the template filters in
`reports_extras` are thin wrappers. One decimal, a comma, and a non-breaking space before
« % » so that « 87,5 % » never breaks across two lines.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.numbers import MINUS, NBSP, fr_number, one_decimal


def fr_integer(value: int) -> str:
    """4000 -> « 4 000 » (non-breaking space between thousands)."""
    return fr_number(value, 0)


def fr_decimal(value) -> str:
    """87.5 -> « 87,5 »; always one decimal, rounded half up, no sign for positives."""
    value = one_decimal(value)
    sign = MINUS if value < 0 else ""
    return f"{sign}{fr_number(abs(value), 1)}"


def fr_percent(value) -> str:
    """87.5 -> « 87,5 % »."""
    return f"{fr_decimal(value)}{NBSP}%"


def fr_fraction(implemented: int, total: int, rate) -> str:
    """« 14 sur 16 · 87,5 % »."""
    return _("%(implemented)s sur %(total)s · %(rate)s") % {
        "implemented": fr_integer(implemented),
        "total": fr_integer(total),
        "rate": fr_percent(rate),
    }


def fr_points(value) -> str:
    """A change of rate, signed: « +6,2 points », « −1,5 point », « 0,0 point ».

    French puts the plural from 2 on: « 1,5 point », « 2,0 points »."""
    value = one_decimal(value)
    sign = "+" if value > 0 else ""
    unit = ngettext("point", "points", 2 if abs(value) >= 2 else 1)
    return f"{sign}{fr_decimal(value)}{NBSP}{unit}"


def fr_date(value) -> str:
    """A date in words, as French writes it: « 29 août 2025 », « 1er décembre 2024 »."""
    day = _("1er") if value.day == 1 else str(value.day)
    return f"{day} {date_format(value, 'F Y')}"


def decision_reference(reference: str, decision_name: str) -> str:
    """How a decision of an assembly is cited: «délibération n° 2025-118» when its reference is
    a number (one word with a digit: «2025-118», «T2025»), else the reference as given, which
    names itself («Débat en séance publique n° 42»): never «délibération n° Débat… n° 42»."""
    reference = reference.strip()
    if reference and not any(char.isspace() for char in reference) and any(char.isdigit() for char in reference):
        return f"{decision_name} n° {reference}"
    return reference
