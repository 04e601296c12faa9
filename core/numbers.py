"""Numbers as the site writes them, in French whatever the active language (PRODUCT: fr-FR
formats): one rounding and one formatting, which the review's wording (`reports.formatting`),
the public pages' filters and the import's messages all call."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat

NBSP = "\u00a0"  # between thousands, and before a unit: «25 000 €» never breaks
MINUS = "\u2212"  # a real minus sign: screen readers say « moins », not « tiret »
ONE_DECIMAL = Decimal("0.1")


def one_decimal(value) -> Decimal:
    """`value` rounded half up to one decimal, in exact decimals (6.25 -> 6.3, never 6.2)."""
    return Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _decimal_places(value: Decimal) -> int:
    """How many decimals `value` needs: 2.50 -> 1, 25000.00 -> 0."""
    if value == value.to_integral_value():
        return 0
    return max(0, -value.normalize().as_tuple().exponent)


def fr_number(value, decimal_pos: int | None = None) -> str:
    """A number in French: «25 000», «2,5», «87,5» (a comma, a no-break space between
    thousands); useless decimals dropped unless `decimal_pos` is given; "" for no value."""
    if value is None or value == "":
        return ""
    if type(value) is int and not decimal_pos:  # a count: the same text without numberformat's work
        return f"{value:,}".replace(",", NBSP)
    value = Decimal(str(value))
    places = _decimal_places(value) if decimal_pos is None else int(decimal_pos)
    return numberformat.format(
        value, ",", decimal_pos=places, grouping=3, thousand_sep=NBSP, force_grouping=True, use_l10n=True
    )
