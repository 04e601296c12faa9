"""The tracking table's filters, bound to the query string (`axe`, `statut`, `porteur`, `annee`, `q`,
`avis`, `tri`).

An invalid value never fails the page: the form drops it from `cleaned_data`, so the filter is
not applied, and the page shows the form's errors as a note.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from reports.years import ReviewYear, proposals_as_of

from .models import Institution, Project, Proposal, Status
from .search import normalize, searchable

SEARCH_MAX_LENGTH = 200

# Statuses sort in the order of their enum, not alphabetically by code.
STATUS_RANK = Case(
    *[When(status_as_of=status.value, then=Value(rank)) for rank, status in enumerate(Status)],
    output_field=IntegerField(),
)


def _first_lead(field: str) -> Subquery:
    """`field` of a proposal's first institution in their display order (None when unknown)."""
    leads = Proposal.leads.through.objects.filter(proposal=OuterRef("pk"))
    return Subquery(leads.order_by("institution__order", "institution__name").values(f"institution__{field}")[:1])


# Institutions sort in their display order (then by name); unknown ones last.
LEAD_RANK = [_first_lead("order"), _first_lead("name")]
UNTITLED_LAST = Case(When(title="", then=Value(1)), default=Value(0), output_field=IntegerField())

# `tri` value -> ordering; "-value" reverses it. The default order breaks ties.
SORTS = {
    # Numbered proposals first, then by title ignoring accents and case, untitled ones last.
    "titre": (_("Proposition"), [F("number"), UNTITLED_LAST, searchable("title")]),
    "axe": (_("Axe"), ["axis__order", "axis__name"]),
    "statut": (_("Statut"), [STATUS_RANK]),
    "porteur": (_("Porteur"), LEAD_RANK),
    # Only when the chosen year has a published committee assessment (`committee_version`).
    "avis": (_("Avis du comité"), [F("committee_grade")]),
}
DEFAULT_ORDER = ["axis__order", "order", "key"]


def _ordering(expression, descending: bool):
    if isinstance(expression, str):
        expression = F(expression)
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


@dataclass(frozen=True)
class Column:
    """A header of the tracking table: its label, and its sort link when it is sortable."""

    label: str
    sort_url: str = ""
    aria_sort: str = ""


class ProposalFilter(django_filters.FilterSet):
    axe = django_filters.ChoiceFilter(
        label=_("Axe"), field_name="axis__slug", empty_label=_("Tous les axes"), choices=()
    )
    statut = django_filters.ChoiceFilter(
        label=_("Statut"), field_name="status_as_of", choices=Status.choices, empty_label=_("Tous les statuts")
    )
    porteur = django_filters.ChoiceFilter(
        label=_("Porteur"), field_name="leads__code", choices=(), empty_label=_("Tous les porteurs")
    )
    annee = django_filters.ChoiceFilter(
        label=_("Année du bilan"), choices=(), empty_label=None, method="filter_nothing"
    )
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Dans les intitulés, les textes et les projets ; accents et majuscules indifférents."),
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

    def __init__(self, data, *, axes, years: list[ReviewYear], **kwargs):
        """`axes`: the axes to choose from; `years`: the published years, newest first."""
        super().__init__(data, queryset=Proposal.objects.all(), **kwargs)
        self.years = years
        self.form.fields["axe"].choices = [(axis.slug, axis.name) for axis in axes]
        self.form.fields["porteur"].choices = list(Institution.objects.values_list("code", "name"))
        self.form.fields["annee"].choices = [(str(year.year), str(year.year)) for year in years]

    @property
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
        self.form.is_valid()  # validates the form once; invalid values are left out
        return self.form.cleaned_data.get(name) or ""

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
        below = Q(committee_grade__lt=5)
        return queryset.filter(
            {
                "note": graded,
                "sans-note": Q(committee_grade__isnull=True),
                "moins-de-5": below,
                "ecart": below & Q(status_as_of=Status.IMPLEMENTED),
            }[value]
        )

    def filter_search(self, queryset, name, value):
        words = normalize(value).split()
        for word in words:
            in_projects = Project.objects.alias(found=searchable("title")).filter(
                proposals=OuterRef("pk"), found__contains=word
            )
            queryset = queryset.alias(
                found_title=searchable("title"),
                found_short_title=searchable("short_title"),
                found_summary=searchable("summary"),
                found_text=searchable("text"),
            ).filter(
                Q(found_title__contains=word)
                | Q(found_short_title__contains=word)
                | Q(found_summary__contains=word)
                | Q(found_text__contains=word)
                | Exists(in_projects)
            )
        return queryset

    def filter_queryset(self, queryset):
        # The status filter and sort read `status_as_of`, which depends on the chosen year.
        queryset = proposals_as_of(self.review_year, queryset)
        if self.committee_version:
            from assessments.public import with_committee

            queryset = with_committee(queryset, self.committee_version)
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*self.ordering())

    def ordering(self) -> list:
        sort = self.cleaned("tri")
        if not sort:
            return DEFAULT_ORDER
        name = sort.lstrip("-")
        if name == "avis" and not self.committee_version:
            return DEFAULT_ORDER
        return [_ordering(expression, sort.startswith("-")) for expression in SORTS[name][1]] + DEFAULT_ORDER

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

    def valid_params(self) -> dict[str, str]:
        """The valid, non-empty filters, as they appear in the query string."""
        return {name: self.form.data.get(name) for name in self.filters if self.cleaned(name)}

    def querystring(self, **changes) -> str:
        params = self.valid_params() | changes
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
            columns.append(Column(str(label), "?" + self.querystring(tri=next_sort), aria_sort))
        columns.append(Column(str(_("Projets"))))
        return columns
