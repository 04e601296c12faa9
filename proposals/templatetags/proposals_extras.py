"""Formatting for the public pages: statuses, French numbers, the main navigation."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core import numbers
from core.cache import memoized
from core.site import fixed_url
from proposals.models import ProjectState, Status

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """«Mise en œuvre» for "implemented"; an unknown code reads «Non évaluée»."""
    return Status.of(code).label


@register.filter
def status_badge(code: str):
    """The status as a badge: always its text; the colour only repeats it."""
    status = Status.of(code)
    return format_html('<span class="badge badge-{}">{}</span>', status.value.replace("_", "-"), status.label)


@register.filter
def state_badge(code: str):
    try:
        state = ProjectState(code)
    except ValueError:
        return ""
    return format_html('<span class="badge badge-state-{}">{}</span>', state.value.replace("_", "-"), state.label)


@register.filter
def select_options(field) -> list[tuple[str, str, bool]]:
    """A <select>'s options as (value, label, selected), for includes/select.html: the HTML of
    Django's Select widget without rendering two templates per option (a few ms per form).
    For single, optional selects without extra widget attributes (the table's filters)."""
    current = field.value()
    current = "" if current is None else str(current)
    return [(str(value), label, str(value) == current) for value, label in field.field.choices]


@register.filter
def fr_number(value, decimal_pos=None) -> str:
    """A number in French: «25 000», «2,5»; useless decimals dropped unless `decimal_pos` is given."""
    return numbers.fr_number(value, decimal_pos)


@register.filter
def with_unit(value, unit: str = "") -> str:
    """«25 000 €», «2,5 ha», «66»: the number in French, a no-break space, the unit."""
    number = fr_number(value)
    return f"{number}{numbers.NBSP}{unit}" if unit else number


NAV = [
    ("public_site:home", _("Accueil")),
    ("public_site:proposal-list", _("Propositions")),
    ("public_site:project-list", _("Projets")),
    ("public_site:review-list", _("Bilans")),
    ("public_site:opendata", _("Données ouvertes")),
]


def nav_currents(path: str) -> tuple[str, ...]:
    """For each link of the menu (`NAV`), as its `aria-current`: "page" on the page itself,
    "true" inside its section, else ""."""
    home = fixed_url("public_site:home")
    currents = []
    for name, _label in NAV:
        url = fixed_url(name)
        if path == url:
            currents.append("page")
        elif url != home and path.startswith(url):
            currents.append("true")
        else:
            currents.append("")
    return tuple(currents)


# The site's header and footer: rendered once per process and content generation for each state
# of the menu (`nav_currents`) and of the site (archived or not). The convention they name is
# public data, which the generation keys; a page rendered without it is kept apart.


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    """`{% site_header %}`: includes/header.html, the menu's current link marked."""
    request = context.get("request")
    currents = nav_currents(request.path if request else "")
    return _site_part("includes/header.html", currents, context.get("archived_at"), context.get("convention"))


@register.simple_tag(takes_context=True)
def site_footer(context) -> SafeString:
    """`{% site_footer %}`: includes/footer.html."""
    return _site_part("includes/footer.html", (), context.get("archived_at"), context.get("convention"))


def _site_part_key(template_name, currents, archived_at, convention) -> tuple:
    return template_name, currents, archived_at, convention is None


@memoized(entries=64, key=_site_part_key)
def _site_part(template_name: str, currents: tuple, archived_at, convention) -> SafeString:
    # the header's menu (none for the footer)
    links = (
        [
            {"url": fixed_url(name), "label": label, "current": current}
            for (name, label), current in zip(NAV, currents, strict=True)
        ]
        if currents
        else []
    )
    context = {"links": links, "archived_at": archived_at, "convention": convention}
    return render_to_string(template_name, context)


@register.filter
def proposals_counted(count: int, convention) -> str:
    """`{{ count|proposals_counted:convention }}`: «40 propositions», «1 mesure»."""
    return convention.proposals_counted(count)
