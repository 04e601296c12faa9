from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core.cache import memoized
from proposals.models import Convention

# The convention's row changes only with the content generation: read once per process and generation.
_current = memoized(Convention.current)


def current_convention(request) -> Convention:
    """The site's convention, read at most once per request (at most one query, only when a page
    uses it; none while this process holds it for the current content generation)."""
    if not hasattr(request, "_convention"):
        request._convention = _current()
    return request._convention


def site_values() -> dict:
    """`site`'s values without a request: for what is rendered once for every visitor."""
    return {"convention": _current(), "archived_at": settings.SITE_ARCHIVED_AT}


def site(request):
    """`convention`: its name, short name (`title`), whom it is addressed to, and whether it is a
    demonstration; a neutral «Suivi de la convention citoyenne» while none is entered.
    `archived_at`: when the page is rendered for the static archive, the moment it is made
    (the page then says so and leaves out what needs the server), else None."""
    return {
        "convention": SimpleLazyObject(lambda: current_convention(request)),
        "archived_at": settings.SITE_ARCHIVED_AT,
    }
