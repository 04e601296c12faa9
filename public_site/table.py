"""The tracking table's rows: what each cell shows, computed once per row in Python.

The table is the site's heaviest page (every proposal, each with its projects). Building
plain rows here instead of model instances with per-cell filters, `reverse()` calls and a
prefetch manager per proposal makes the page several times cheaper to render; the template
only lays the values out.
"""

from collections import defaultdict
from functools import lru_cache
from typing import TypedDict
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from core.cache import memoized
from proposals.models import UNTITLED, Project, Proposal
from proposals.search import highlight
from proposals.templatetags.proposals_extras import status_badge

# What a row needs from the proposals queryset (`with_status_as_of` gives `status_as_of` and
# the axis as of the year).
ROW_FIELDS = ("id", "key", "number", "title", "short_title", "axis_name_as_of", "status_as_of")
# With the committee's assessment (`public_site.committee.with_committee`).
COMMITTEE_FIELDS = ("committee_entry", "committee_grade")


def url_maker(name: str):
    """`reverse(name, args=[slug])` for many slugs at the cost of one `reverse()`."""
    placeholder = "slug-placeholder"
    prefix, suffix = reverse(name, args=[placeholder]).split(placeholder)
    return lambda slug: f"{prefix}{quote(slug)}{suffix}"


class Row(TypedDict):
    """A row as the template reads it: a dict, which the template engine looks up at once (an
    object's attribute costs it a failed key lookup first: a quarter of the rows' rendering)."""

    number: str  # «n° 12», or "" when the proposal has no official number
    url: str
    title: SafeString  # the short title when there is one, the searched words in <mark>
    has_title: bool
    axis: str
    status: str  # the badge's HTML
    lead: str  # the institutions' names, "" when unknown
    projects: SafeString  # links to the projects, "" when there is none
    grade: str  # the committee's «6/10» or «pas d'avis»; "" when it did not assess the proposal


@memoized
def projects_by_proposal() -> dict[int, list[tuple[str, str]]]:
    """Each proposal's projects as (slug, title), by title (one query, once per process and content
    generation: every table page, filtered or not, reads its rows' projects there)."""
    links = Project.proposals.through.objects.order_by("project__title", "project_id").values_list(
        "proposal_id", "project__slug", "project__title"
    )
    by_proposal = defaultdict(list)
    for proposal_id, slug, title in links:
        by_proposal[proposal_id].append((slug, title))
    return dict(by_proposal)


def project_links(proposal_ids: list[int], words: list[str], projects: dict) -> dict[int, SafeString]:
    """The links to each proposal's projects (`projects_by_proposal()`), by title, comma-separated,
    the searched `words` in <mark>. Escaped here rather than by a nested {% for %} in the
    template: a third of the table's rendering."""
    project_url = url_maker("public_site:project-detail")
    return {
        proposal_id: mark_safe(
            ", ".join(
                f'<a href="{escape(project_url(slug))}">{highlight(title, words)}</a>'
                for slug, title in projects[proposal_id]
            )
        )
        for proposal_id in proposal_ids
        if proposal_id in projects
    }


@memoized
def leads_by_proposal() -> dict[int, str]:
    """Each proposal's institutions, by name in their display order, comma-separated (one query,
    once per process and content generation)."""
    leads = Proposal.leads.through.objects.order_by("institution__order", "institution__name").values_list(
        "proposal_id", "institution__name"
    )
    by_proposal = defaultdict(list)
    for proposal_id, name in leads:
        by_proposal[proposal_id].append(name)
    return {proposal_id: ", ".join(names) for proposal_id, names in by_proposal.items()}


def _grade(proposal: dict, no_grade: str) -> str:
    if proposal.get("committee_entry") is None:
        return ""
    grade = proposal["committee_grade"]
    return no_grade if grade is None else f"{grade}/10"


# The rows kept by this process (their values and searched words as the key), and the pages of
# rows, beside the memo's other entries.
TABLE_ROWS = 4096
TABLE_PAGES = 256


def table_rows(proposals, words: list[str] = ()) -> list[Row]:
    """One row per proposal; `proposals` is a `.values(*ROW_FIELDS)` queryset (one query); the
    searched `words` (`search.search_words`) are highlighted in the titles. A page of rows is
    laid out once per process and content generation for the same values and words
    (`page_rows`), each of its rows once for any page that shows it (`table_row`)."""
    proposals = list(proposals)
    if not proposals:
        return []
    return page_rows(tuple(tuple(proposal.items()) for proposal in proposals), tuple(words))


@memoized(entries=TABLE_PAGES, key=lambda rows, words: (rows, words))
def page_rows(rows: tuple, words: tuple) -> list[Row]:
    """The rows of a page, `rows` the items of each of its `.values(*ROW_FIELDS)` rows: one
    lookup in the memo for the page instead of one per row. Read-only: shared by the requests."""
    public_data = (projects_by_proposal(), leads_by_proposal())
    return [table_row(values, words, public_data) for values in rows]


@memoized(entries=TABLE_ROWS, key=lambda values, words, _public_data: (values, words))
def table_row(values: tuple, words: tuple, public_data: tuple[dict, dict]) -> Row:
    """The row of a proposal, `values` the items of its `.values(*ROW_FIELDS)` row; `public_data`:
    `projects_by_proposal()` and `leads_by_proposal()`, which the generation keys (given, not
    read again: a request inside a transaction reads them once). Read-only: shared by the requests."""
    proposal = dict(values)
    projects, leads = public_data
    words = list(words)
    links = project_links([proposal["id"]], words, projects)
    number = proposal["number"]
    return Row(
        number=gettext("n° %(number)s") % {"number": number} if number else "",
        url=url_maker("public_site:proposal-detail")(proposal["key"]),
        title=highlight(proposal["short_title"] or proposal["title"] or str(UNTITLED), words),
        has_title=bool(proposal["title"]),
        axis=proposal["axis_name_as_of"],
        status=status_badge(proposal["status_as_of"]),
        lead=leads.get(proposal["id"], ""),
        projects=links.get(proposal["id"], ""),
        grade=_grade(proposal, gettext("pas d'avis")),
    )


# The rows' HTML kept by this process: at most this many (a row is under a kilobyte), the least
# recently shown dropped first.
ROW_FRAGMENTS = 4096


@lru_cache(maxsize=ROW_FRAGMENTS)
def _row_html(row: tuple, axis_label: str, committee: bool, language: str) -> str:
    """A row's HTML, rendered once per process for the same values: the key is everything the
    fragment shows (each field of `Row` always of the same type, escaped or safe), the axis
    label, the committee's column and the language of its labels."""
    context = {"row": dict(row), "axis_label": axis_label, "committee": committee}
    return render_to_string("public_site/proposals/_table_row.html", context)


def table_body(rows: list[Row], axis_label: str, committee: bool) -> SafeString:
    """The table's rows in HTML (`_table_row.html` each): a row shown again, on any page of the
    table, filtered or not, costs a lookup instead of a rendering (two thirds of the page's)."""
    language = get_language()
    return mark_safe("".join(_row_html(tuple(row.items()), axis_label, committee, language) + "  " for row in rows))
