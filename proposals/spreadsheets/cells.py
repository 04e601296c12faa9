"""Spreadsheet cells that cannot run as formulas (OWASP «CSV injection»).

A spreadsheet program runs a cell that starts with =, +, - or @ (or a tab or a carriage
return before one) as a formula: a title such as `=HYPERLINK("https://…?"&A1,"Cliquez ici")`
would leak the sheet or run a command. Every CSV, XLSX and ODS the site and the back office
produce passes its text cells through `neutralise`, which puts an apostrophe in front, as OWASP
advises (and drops the control characters a spreadsheet cannot hold); the back-office import
takes it off again (`unneutralise`), so a round trip keeps the text. Numbers, and texts that
are plain numbers such as "-3", stay as they are.
"""

import re

from core.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _runs(text: str) -> bool:
    """Whether a spreadsheet program would run `text`, or `unneutralise` would alter it."""
    if text.startswith(QUOTE):
        return _runs(text[1:])
    return text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text)


def neutralise(value):
    """`value`, with an apostrophe in front when it is a text a spreadsheet would run, and
    without the control characters a spreadsheet cannot hold (openpyxl refuses them)."""
    value = printable(value)
    if isinstance(value, str) and _runs(value):
        return QUOTE + value
    return value


def unneutralise(value):
    """The text `neutralise` was given (for imports of the files it produced)."""
    if isinstance(value, str) and value.startswith(QUOTE) and _runs(value[1:]):
        return value[1:]
    return value


def neutralise_row(values) -> list:
    return [neutralise(value) for value in values]


def neutralise_dataset(dataset) -> None:
    """Neutralise every cell of a tablib `dataset`, in place."""
    for index in range(dataset.height):
        dataset[index] = neutralise_row(dataset[index])
