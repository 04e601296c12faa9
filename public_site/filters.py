"""The tracking table's filters, bound to the query string (`axe`, `statut`, `porteur`, `annee`, `q`,
`avis`, `tri`).

An invalid value never fails the page: the form drops it from `cleaned_data`, so the filter is
not applied, and the page shows the form's errors as a note.
"""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.cache import memoized
from proposals.models import Institution, Proposal, Status
from proposals.search import SEARCH_MAX_LENGTH, Matches, rank, search_words, searchable, validate_search
from reports.years import ReviewYear, live_axes, proposals_as_of

from .committee import PASSING_GRADE, public_years_with_committee, with_committee

# The institutions to filter by change only with the content generation (read-only: shared).
institution_codes = memoized(Institution.objects.codes)

# Statuses sort in the order of their enum, not alphabetically by code.
STATUS_RANK = Case(
    *[When(status_as_of=status.value, then=Value(rank)) for rank, status in enumerate(Status)],
    output_field=IntegerField(),
)


def _first_lead(field: str) -> Subquery:
    """`field` of a proposal's first institution in their display order (None when unknown)."""
    leads = Proposal.leads.through.objects.filter(proposal=OuterRef("pk"))
    return Subquery(leads.order_by("institution__order", "institution__name").values(f"institution__{field}")[:1])


# A search reads each proposal's stored search document (`proposals.search`).
SEARCH_DOCUMENT = F("search__document")


# Institutions sort in their display order (then by name); unknown ones last.
LEAD_RANK = [_first_lead("order"), _first_lead("name")]
UNTITLED_LAST = Case(When(title="", then=Value(1)), default=Value(0), output_field=IntegerField())

# `tri` value -> ordering; "-value" reverses it. The default order breaks ties.
SORTS = {
    # Numbered proposals first, then by title ignoring accents and case, untitled ones last.
    "titre": (_("Proposition"), [F("number"), UNTITLED_LAST, searchable("title")]),
    # The axis as of the chosen year (for a published year, as its review froze it).
    "axe": (_("Axe"), [F("axis_rank_as_of"), F("axis_name_as_of")]),
    "statut": (_("Statut"), [STATUS_RANK]),
    "porteur": (_("Porteur"), LEAD_RANK),
    # Only when the chosen year has a published committee assessment (`committee_version`).
    "avis": (_("Avis du comité"), [F("committee_grade")]),
}
DEFAULT_ORDER = [F("axis_rank_as_of").asc(), F("position_as_of").asc(), "key"]


def _ordering(expression, descending: bool):
    if isinstance(expression, str):
        expression = F(expression)
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


@memoized
def year_table(year: ReviewYear | None):
    """Every proposal with its status as of `year` (`proposals_as_of`) and, when the year has one,
    the committee's published assessment: the table's query before its filters and order, built
    once per process and content generation (its annotations cost more to build than to run). A
    query, never evaluated: each request filters and orders its own copy."""
    queryset = proposals_as_of(year, Proposal.objects.all())
    if year and year.committee_version_id:
        queryset = with_committee(queryset, year.committee_version_id)
    return queryset


@dataclass(frozen=True)
class Column:
    """A header of the tracking table: its label, and its sort link when it is sortable."""

    label: str
    sort_url: str = ""
    aria_sort: str = ""


class ProposalFilter(django_filters.FilterSet):
    axe = django_filters.ChoiceFilter(
        label=_("Axe"), field_name="axis_slug_as_of", empty_label=_("Tous les axes"), choices=()
    )
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), field_name="status_as_of", choices=Status.choices, empty_label=_("Tous les statuts")
    )
    porteur = django_filters.ChoiceFilter(
        label=_("Porteur"), choices=(), empty_label=_("Tous les porteurs"), method="filter_lead"
    )
    annee = django_filters.ChoiceFilter(
        label=_("Année du bilan"), choices=(), empty_label=None, method="filter_nothing"
    )
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_search],
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_(
            "Des mots, dans les intitulés, les textes et les projets : les accents, les majuscules, le pluriel "
            "et les formes d'un même mot sont indifférents. Huit mots au plus."
        ),
    )
    avis = django_filters.ChoiceFilter(
        label=_("Avis du comité de suivi"),
        choices=[
            ("note", _("Avec une note")),
            ("sans-note", _("Sans note")),
            ("moins-de-5", _("Note inférieure à 5")),
            ("ecart", _("Mise en œuvre mais note < 5")),
        ],
        help_text=_(
            "« Mise en œuvre mais note < 5 » : mise en œuvre selon les institutions, notée moins de 5 par le comité."
        ),
        empty_label=_("Tous les avis"),
        method="filter_assessment",
    )
    tri = django_filters.ChoiceFilter(
        label=_("Tri"),
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")],
        method="filter_nothing",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Proposal
        fields = []

    def __init__(self, data, *, years: list[ReviewYear], **kwargs):
        """`years`: the published years, newest first, with the committee's versions
        (`public_site.committee.public_years_with_committee`). The axes to choose from are the chosen
        year's (as its review froze them), or the live ones before any publication."""
        super().__init__(data, queryset=Proposal.objects.all(), **kwargs)
        self.years = years
        chosen = str((data or {}).get("annee", ""))
        year = next((year for year in years if str(year.year) == chosen), years[0] if years else None)
        axes = year.axes() if year else live_axes()
        self.form.fields["axe"].choices = [(axis.slug, axis.name) for axis in axes]
        self.form.fields["porteur"].choices, self.joints = institution_codes()
        self.form.fields["annee"].choices = [(str(year.year), str(year.year)) for year in years]
        self.axis_label = str(SORTS["axe"][0])

    def name_axes(self, convention) -> None:
        """Call an axis what the convention calls it («Thème», «Tous les thèmes»)."""
        self.axis_label = capfirst(convention.axis_name)
        self.form.fields["axe"].label = self.axis_label
        self.form.fields["axe"].empty_label = _("Tous les %(axes)s") % {"axes": convention.axis_name_plural}

    @cached_property
    def review_year(self) -> ReviewYear | None:
        """The year of the statuses shown: the chosen published year, or the latest one."""
        chosen = self.cleaned("annee")
        if chosen:
            return next(year for year in self.years if year.year == int(chosen))
        return self.years[0] if self.years else None

    @property
    def year(self) -> int | None:
        return self.review_year.year if self.review_year else None

    def cleaned(self, name: str) -> str:
        return self._cleaned_data.get(name) or ""

    @cached_property
    def _cleaned_data(self) -> dict:
        self.form.is_valid()  # validates the form once; invalid values are left out
        return self.form.cleaned_data

    def filter_nothing(self, queryset, name, value):
        return queryset

    @property
    def committee_version(self) -> int | None:
        """The committee's published version of the chosen year, if any: without it the table
        has no «Avis du comité» column and `avis` filters nothing."""
        return self.review_year.committee_version_id if self.review_year else None

    def filter_assessment(self, queryset, name, value):
        if not self.committee_version:
            return queryset
        graded = Q(committee_grade__isnull=False)
        below = Q(committee_grade__lt=PASSING_GRADE)
        return queryset.filter(
            {
                "note": graded,
                "sans-note": Q(committee_grade__isnull=True),
                "moins-de-5": below,
                "ecart": below & Q(status_as_of=Status.IMPLEMENTED),
            }[value]
        )

    def filter_lead(self, queryset, name, value):
        return queryset.carried_by(value, self.joints)

    @cached_property
    def search_words(self) -> list[str]:
        """The words searched (none when the search is empty, invalid or only stop words)."""
        return search_words(self.cleaned("q"))

    def filter_search(self, queryset, name, value):
        words = self.search_words
        return queryset.filter(Matches(SEARCH_DOCUMENT, words)) if words else queryset

    def filter_queryset(self, queryset):
        # The status filter and sort read `status_as_of`, which depends on the chosen year (the
        # set's queryset is always every proposal: `year_table` starts from it too).
        queryset = super().filter_queryset(year_table(self.review_year).all())
        return queryset.order_by(*self.ordering())

    def ordering(self) -> list:
        sort = self.cleaned("tri")
        if not sort:
            words = self.search_words
            return [rank(SEARCH_DOCUMENT, words).desc(), *DEFAULT_ORDER] if words else DEFAULT_ORDER
        name = sort.lstrip("-")
        if name == "avis" and not self.committee_version:
            return DEFAULT_ORDER
        return [_ordering(expression, sort.startswith("-")) for expression in SORTS[name][1]] + DEFAULT_ORDER

    @property
    def chosen_axis(self) -> dict | None:
        """The axis the table is filtered by ({"slug", "name"}, as the chosen year names it), or None."""
        slug = self.cleaned("axe")
        choices = self.form.fields["axe"].choices if slug else []
        return next(({"slug": key, "name": name} for key, name in choices if key == slug), None)

    @property
    def invalid_filters(self) -> list[tuple[str, str]]:
        """(label, message) for every value ignored because it is not valid."""
        return [
            (str(self.form.fields[name].label), " ".join(str(message) for message in messages))
            for name, messages in self.errors.items()
        ]

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned(name) for name in ("axe", "statut", "porteur", "q", "avis"))

    @cached_property
    def valid_params(self) -> dict[str, str]:
        """The valid, non-empty filters, as they appear in the query string."""
        return {name: self.form.data.get(name) for name in self.filters if self.cleaned(name)}

    def querystring(self, **changes) -> str:
        params = self.valid_params | changes
        return urlencode({name: value for name, value in params.items() if value})

    def columns(self) -> list[Column]:
        """The table headers, each sortable one linking to its sort (or its reverse once sorted)."""
        current = self.cleaned("tri")
        columns = []
        for name, (label, _expressions) in SORTS.items():
            if name == "avis" and not self.committee_version:
                continue
            aria_sort = ""
            next_sort = name
            if current == name:
                aria_sort, next_sort = "ascending", f"-{name}"
            elif current == f"-{name}":
                aria_sort = "descending"
            label = self.axis_label if name == "axe" else str(label)
            columns.append(Column(label, "?" + self.querystring(tri=next_sort), aria_sort))
        columns.append(Column(str(_("Projets"))))
        return columns


def filters_asked(data: QueryDict, *_unkeyed) -> tuple:
    """Every value asked for each declared filter in the query string `data`, as given (valid or
    not): what a filter set bound to `data` depends on, besides public data (the content
    generation) and the language."""
    return tuple((name, tuple(data.getlist(name))) for name in ProposalFilter.base_filters)


# The filter sets kept by this process (a few kilobytes each, their form included), beside the
# memo's other entries.
TABLE_FILTERS = 256


@memoized(entries=TABLE_FILTERS, key=filters_asked)
def table_filters(data: QueryDict, convention) -> ProposalFilter:
    """The table's filters bound to the query string `data` (its filters only), validated, the
    axes named by `convention` (public data: the generation keys it), the table's query built
    (not run) and the form in HTML (`form_html`): once per process and content generation for
    the same filters asked for (a table's other pages, its visitors), instead of a filter set,
    a form class and their deep copies at each request. Read-only: shared by the requests."""
    asked = QueryDict(mutable=True)
    for name, values in filters_asked(data):
        if values:
            asked.setlist(name, list(values))
    asked._mutable = False
    filterset = ProposalFilter(asked, years=public_years_with_committee())
    filterset.name_axes(convention)
    # Validated, its query built (never run: each request reads a copy) and its words read now,
    # each cached on the set: the requests that share it only read it.
    _ = (filterset.qs, filterset.search_words, filterset.valid_params)
    context = {"filterset": filterset, "committee": filterset.committee_version}
    filterset.form_html = render_to_string("public_site/proposals/_filter_form.html", context)
    return filterset
