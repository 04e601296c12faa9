"""The years the site keeps: one range, read by the database constraints of every yearly row
and by the back office's checks."""

from django.db.models import Q
from django.utils import timezone

# A yearly row (a status, a review, an assessment) has a year in this range: the database
# refuses any other (the `*_year_range` constraints are built by `year_range` below).
FIRST_YEAR = 2000
LAST_YEAR = 2100


def year_range() -> Q:
    """The condition of the `*_year_range` check constraints."""
    return Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR)


def next_year() -> int:
    """The latest year a status may be entered for: next year (the site's time zone)."""
    return timezone.localdate().year + 1
