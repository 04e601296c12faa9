"""The convention's proposals, their yearly follow-up, and the projects that carry them out."""

from functools import reduce
from operator import and_

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import CleanTextModel
from publishing.models import CitedSource, YearLockedRow
from publishing.years import FIRST_YEAR, next_year, year_range

from .search import SearchDocumentField, build_search_documents


class InstitutionQuerySet(models.QuerySet):
    def codes(self) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
        """(code, name) of every institution in display order, and the members' codes of each
        joint institution (one query)."""
        names, joints = {}, {}
        for code, name, member in self.values_list("code", "name", "members__code").order_by("order", "name"):
            names[code] = name
            if member:
                joints.setdefault(code, []).append(member)
        return list(names.items()), joints


class Institution(CleanTextModel):
    """Who carries a proposal or a project: data, as each convention has its own. The codes
    are the values of the `porteur` filter and of the open-data column «porteur»."""

    name = models.CharField(_("nom"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Valeur du filtre « porteur » des adresses et des données ouvertes ; à ne plus changer."),
    )
    order = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="joints",
        verbose_name=_("institutions réunies"),
        help_text=_(
            "Pour un porteur commun (« Ville et Métropole ») : les institutions qu'il réunit. Une proposition "
            "portée en commun porte chacune d'elles ; le filtre « porteur » de ce porteur commun liste les "
            "propositions portées par toutes."
        ),
    )

    history = HistoricalRecords(m2m_fields=[members])
    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        return self.name


# How the site shows a proposal whose title is not known yet (never an invented one).
UNTITLED = _("Intitulé à compléter")


class Status(models.TextChoices):
    """Where a proposal stands in a given year. Only IMPLEMENTED counts in the rates."""

    IMPLEMENTED = "implemented", _("Mise en œuvre")
    UNDERWAY = "underway", _("En cours")
    NOT_IMPLEMENTED = "not_implemented", _("Non mise en œuvre à ce jour")
    OUT_OF_SCOPE = "out_of_scope", _("Hors compétences")
    NOT_ASSESSED = "not_assessed", _("Non évaluée")

    @classmethod
    def of(cls, code: str) -> "Status":
        """The status of a code; an unknown or missing code reads «Non évaluée», never a verdict."""
        try:
            return cls(code)
        except ValueError:
            return cls.NOT_ASSESSED


# The site's name while no convention has been entered.
DEFAULT_CONVENTION_NAME = _("Suivi de la convention citoyenne")


class WithRevision(CleanTextModel):
    """Optimistic locking for what editors edit: every save bumps `revision` (an edit counter,
    not a published version); a form opened at an older revision is refused on save
    (forms.RevisionCheckedForm), so no one erases another's work."""

    revision = models.PositiveIntegerField(_("révision"), default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.revision = (self.revision or 0) + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)


# Licence Ouverte 2.0 (Etalab): the licence French public bodies publish their data under.
DEFAULT_LICENCE_TITLE = "Licence Ouverte / Open Licence version 2.0"
DEFAULT_LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


class Convention(CleanTextModel):
    """The convention itself, in its own words: the site's name, titles and documents come from it."""

    name = models.CharField(
        _("nom"), max_length=200, help_text=_("Le nom du site, en tête de chaque page et sur les documents.")
    )
    short_name = models.CharField(
        _("nom court"),
        max_length=100,
        blank=True,
        help_text=_("Pour les titres des pages et du flux ; le nom complet s'il est vide."),
    )
    addressed_to = models.CharField(
        _("destinataires des propositions"),
        max_length=200,
        blank=True,
        help_text=_(
            "À qui les propositions sont adressées, tel qu'on l'écrit après « par » : "
            "« le Gouvernement et le Parlement ». Vide : les pages n'en disent rien."
        ),
    )
    introduction = models.TextField(
        _("présentation"),
        help_text=_("Quelques lignes pour le public : qui, quand, combien. Paragraphes séparés par une ligne vide."),
    )
    is_demo = models.BooleanField(
        _("démonstration"),
        default=False,
        help_text=_("Convention fictive : chaque page l'annonce par un bandeau."),
    )
    # The convention's own words, in lower case as within a sentence; the defaults are
    # Clermont's. Pages and documents write them, never a word of their own.
    axis_name = models.CharField(
        _("nom d'un axe"),
        max_length=60,
        default="axe de transition",
        help_text=_("Au singulier : « axe de transition », « thème », « objectif »."),
    )
    axis_name_plural = models.CharField(
        _("nom des axes"),
        max_length=60,
        default="axes de transition",
        help_text=_("Au pluriel : « axes de transition », « thèmes », « objectifs »."),
    )
    proposal_name = models.CharField(
        _("nom d'une proposition"),
        max_length=60,
        default="proposition",
        help_text=_("Au singulier : « proposition », « mesure »."),
    )
    proposal_name_plural = models.CharField(
        _("nom des propositions"),
        max_length=60,
        default="propositions",
        help_text=_("Au pluriel : « propositions », « mesures »."),
    )
    decision_name = models.CharField(
        _("nom d'une décision des assemblées"),
        max_length=60,
        default="délibération",
        help_text=_(
            "Ce que les assemblées adoptent sur un bilan : « délibération », « résolution ». "
            "Écrit devant le numéro d'une décision (« délibération n° 2025-118 »)."
        ),
    )
    decisions_title = models.CharField(
        _("titre des décisions des assemblées"),
        max_length=120,
        default="Les délibérations des conseils",
        help_text=_("Le titre de leur liste sur la page du bilan et dans le PDF : « Les débats au Parlement »."),
    )
    document_name = models.CharField(
        _("nom du document du bilan"),
        max_length=120,
        default="le document présenté aux conseils",
        help_text=_("Ce qu'est le PDF du bilan, dans le lien qui le propose : « le rapport remis au Parlement »."),
    )
    # The licence of the open data and of the published documents: the catalogue, the data
    # package, /donnees/ and each document name it (a stored document keeps the one it had).
    licence_title = models.CharField(
        _("licence des données"), max_length=200, default=DEFAULT_LICENCE_TITLE, help_text=_("Son nom complet.")
    )
    licence_url = models.URLField(
        _("adresse de la licence"), max_length=500, default=DEFAULT_LICENCE_URL, help_text=_("La page de son texte.")
    )

    history = HistoricalRecords()

    # What the convention calls its axes, proposals, decisions and documents.
    WORD_FIELDS = [
        "axis_name",
        "axis_name_plural",
        "proposal_name",
        "proposal_name_plural",
        "decision_name",
        "decisions_title",
        "document_name",
    ]
    LICENCE_FIELDS = ["licence_title", "licence_url"]
    # The convention's names and words are the superusers'; editors change its presentation.
    NAMING_FIELDS = ["name", "short_name", "addressed_to", "is_demo", *WORD_FIELDS, *LICENCE_FIELDS]

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("convention")
        constraints = [
            # One convention per site: pk 1.
            models.CheckConstraint(condition=models.Q(pk=1), name="proposals_convention_single_row"),
        ]

    def proposals_counted(self, count: int) -> str:
        """«1 proposition», «40 propositions» in the convention's own word (French: 0 and 1 take
        the singular)."""
        return f"{count} {self.proposal_name if count <= 1 else self.proposal_name_plural}"

    def __str__(self):
        return self.name

    @property
    def title(self) -> str:
        """The name for titles: the short name, or else the name."""
        return self.short_name or self.name

    @staticmethod
    def may_rename(user) -> bool:
        """The naming rule: only a superuser names the convention and gives its words
        (NAMING_FIELDS); the editors change its presentation only."""
        return bool(user and user.is_superuser)

    def limit_changes_to(self, user) -> None:
        """Apply the naming rule to what `user` is about to save, whatever the path (the admin's
        form, a revert that brings every field back, a script acting for someone): unless `user`
        may rename, the names and words stay as stored (a new convention's are the defaults)."""
        if self.may_rename(user):
            return
        stored = type(self).objects.filter(pk=self.pk).first() if self.pk else None
        for field in self.NAMING_FIELDS:
            value = getattr(stored, field) if stored else self._meta.get_field(field).get_default()
            setattr(self, field, value)

    @classmethod
    def of_request(cls, request) -> "Convention":
        """The site's convention, read at most once per request (the public pages' context
        processor keeps it in the same place)."""
        if not hasattr(request, "_convention"):
            request._convention = cls.current()
        return request._convention

    @classmethod
    def current(cls) -> "Convention":
        """The site's convention (one query), or an unsaved neutral one while none is entered."""
        return cls.objects.first() or cls(name=str(DEFAULT_CONVENTION_NAME), introduction="")


class Axis(CleanTextModel):
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(
        _("identifiant"), max_length=50, unique=True, help_text=_("Valeur du filtre « axe » des URL.")
    )
    description = models.TextField(_("description courte"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("axe de transition")
        verbose_name_plural = _("axes de transition")

    def __str__(self):
        return self.name


class ProposalQuerySet(models.QuerySet):
    def carried_by(self, code: str, joints: dict[str, list[str]]):
        """The proposals the institution `code` carries: itself, or through a joint institution
        it is a member of; for a joint institution, also those carried by all its members.
        `joints`: each joint institution's members (`Institution.objects.codes()`)."""
        leads = Proposal.leads.through.objects.filter(proposal=OuterRef("pk"))
        through_joints = [joint for joint, members in joints.items() if code in members]
        carried = models.Exists(leads.filter(institution__code__in=[code, *through_joints]))
        members = joints.get(code)
        if members:
            by_all = [models.Exists(leads.filter(institution__code=member)) for member in members]
            carried |= reduce(and_, by_all)
        return self.filter(carried)

    def with_status_as_of(self, year: int):
        """Annotate `status_as_of` (and `status_year`, `explanation_as_of`) from the live rows:
        the latest yearly status with year <= `year`, or NOT_ASSESSED when there is none.
        Public pages read a published year through `reports.years` instead."""
        latest = YearlyStatus.objects.filter(proposal=OuterRef("pk"), year__lte=year).order_by("-year")
        return self.with_live_axis().annotate(
            status_as_of=Coalesce(
                Subquery(latest.values("status")[:1]),
                Value(Status.NOT_ASSESSED.value),
                output_field=models.CharField(),
            ),
            status_year=Subquery(latest.values("year")[:1]),
            explanation_as_of=Coalesce(
                Subquery(latest.values("explanation")[:1]), Value(""), output_field=models.TextField()
            ),
        )

    def with_frozen_status(self, version_id: int, *, counted_only: bool = True):
        """The proposals a published review version counts, annotated as `with_status_as_of`
        is, from what the version froze. A proposal added after publication is not among them;
        with `counted_only=False` it is kept, «Non évaluée»."""
        entry = FilteredRelation("review_entries", condition=Q(review_entries__version_id=version_id))
        queryset = self.annotate(entry=entry)
        if counted_only:
            queryset = queryset.filter(entry__isnull=False)
        return queryset.annotate(
            status_as_of=Coalesce(
                F("entry__status"), Value(Status.NOT_ASSESSED.value), output_field=models.CharField()
            ),
            status_year=F("entry__status_year"),
            explanation_as_of=Coalesce(F("entry__explanation"), Value(""), output_field=models.TextField()),
            # The axis as published (a proposal moved or an axis renamed since stays where the
            # review put it); a proposal the version does not count has its live axis.
            axis_slug_as_of=Coalesce(F("entry__axis_slug"), F("axis__slug"), output_field=models.CharField()),
            axis_name_as_of=Coalesce(F("entry__axis_name"), F("axis__name"), output_field=models.CharField()),
            # The convention's order at publication (axes in their published order, then the
            # proposals of each): it ranks the frozen axes too, at no extra query.
            position_as_of=Coalesce(F("entry__position"), Value(2**31 - 1)),
            # An axis ranks where its first proposal stood in the published order (stored).
            axis_rank_as_of=Coalesce(F("entry__axis_rank"), Value(2**31 - 1)),
        )

    def with_live_axis(self):
        """The axis annotations `with_frozen_status` gives, from the live rows."""
        return self.annotate(
            axis_slug_as_of=F("axis__slug"),
            axis_name_as_of=F("axis__name"),
            axis_rank_as_of=F("axis__order"),
            position_as_of=F("order"),
        )

    def not_assessed(self):
        """Every proposal «Non évaluée»: what the public sees before any review is published."""
        return self.with_live_axis().annotate(
            status_as_of=Value(Status.NOT_ASSESSED.value, output_field=models.CharField()),
            status_year=Value(None, output_field=models.PositiveSmallIntegerField()),
            explanation_as_of=Value("", output_field=models.TextField()),
        )

    def to_check(self, review_year: int | None):
        """«À vérifier»: proposals whose latest yearly status is older than `review_year`
        (the latest review, draft or not), or that have none. Nothing when there is no review."""
        if review_year is None:
            return self.none()
        latest_year = YearlyStatus.objects.filter(proposal=OuterRef("pk")).order_by("-year").values("year")[:1]
        return self.alias(latest_status_year=Subquery(latest_year)).filter(
            models.Q(latest_status_year__lt=review_year) | models.Q(latest_status_year__isnull=True)
        )


class Proposal(WithRevision):
    key = models.SlugField(
        _("clé"),
        max_length=80,
        unique=True,
        help_text=_("Identifiant stable, utilisé dans l'adresse de la page et dans les imports."),
    )
    number = models.PositiveSmallIntegerField(
        _("numéro officiel"), null=True, blank=True, help_text=_("Laisser vide s'il n'est pas connu.")
    )
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("axe"))
    # Conventions write long titles (several hundred characters): kept whole.
    title = models.CharField(
        _("intitulé"),
        max_length=1000,
        blank=True,
        help_text=_("Laisser vide tant que l'intitulé n'est pas connu : le site affiche « Intitulé à compléter »."),
    )
    short_title = models.CharField(
        _("intitulé court"),
        max_length=200,
        blank=True,
        help_text=_(
            "Facultatif. Remplace un long intitulé dans le tableau de suivi, les liens vers les propositions "
            "voisines, le titre de l'onglet et le flux ; la page de la proposition et les documents du bilan "
            "donnent l'intitulé complet."
        ),
    )
    text = models.TextField(_("texte de la Convention"), blank=True)
    summary = models.TextField(_("résumé en langage clair"), blank=True)
    leads = models.ManyToManyField(
        Institution,
        related_name="proposals",
        blank=True,
        verbose_name=_("porteurs"),
        help_text=_("Institution(s) chargée(s) de la mise en œuvre ; aucune si elle n'est pas connue."),
    )
    order = models.PositiveSmallIntegerField(_("ordre dans l'axe"), default=0)

    history = HistoricalRecords(m2m_fields=[leads])
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["axis__order", "order", "key"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        constraints = [
            # An official number identifies one proposal; many have none (NULLs don't clash).
            models.UniqueConstraint(fields=["number"], name="proposals_proposal_unique_number"),
        ]

    def __str__(self):
        return f"{self.key} — {self.display_title}"

    def get_absolute_url(self):
        return reverse("public_site:proposal-detail", args=[self.key])

    @property
    def display_title(self) -> str:
        return self.title or str(UNTITLED)

    @property
    def short_display_title(self) -> str:
        """The short title where one is given, for links and lists where space is short."""
        return self.short_title or self.display_title

    @property
    def has_title(self) -> bool:
        return bool(self.title)

    def clean(self):
        """A key names one proposal in every case: «DUP-1» is «dup-1» for a reader, an address
        and an import, so it may not name a second one."""
        super().clean()
        if self.key and Proposal.objects.filter(key__iexact=self.key).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"key": _("La clé « %(key)s » est déjà celle d'une autre proposition (en d'autres majuscules).")},
                params={"key": self.key},
                code="key_taken",
            )

    def status_as_of(self, year: int) -> Status:
        """The status for one proposal (a query); lists use `with_status_as_of`."""
        latest = self.yearly_statuses.filter(year__lte=year).order_by("-year").first()
        return Status(latest.status) if latest else Status.NOT_ASSESSED


YEAR_LOCKED_MESSAGE = _(
    "Le bilan %(year)s est publié : les statuts de cette année ne peuvent plus être modifiés. "
    "Pour corriger une erreur, la Greffe ouvre un rectificatif sur ce bilan ; les statuts de l'année "
    "peuvent alors être corrigés, puis le rectificatif est publié."
)


class YearlyStatus(YearLockedRow, WithRevision):
    """A proposal's status for a year. A published review's year is a record: its statuses
    change only through a rectificatif (`YearLockedRow`, on every path)."""

    locked_by = "reports.AnnualReview"  # by label: the reviews depend on the proposals
    locked_message = YEAR_LOCKED_MESSAGE

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="yearly_statuses", verbose_name=_("proposition")
    )
    year = models.PositiveSmallIntegerField(_("année du bilan"))
    status = models.CharField(_("statut"), max_length=20, choices=Status)
    explanation = models.TextField(_("explication publique"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "-year"]
        verbose_name = _("suivi annuel")
        verbose_name_plural = _("suivis annuels")
        constraints = [
            # The status of a proposal "as of a year" must be unambiguous.
            models.UniqueConstraint(fields=["proposal", "year"], name="proposals_yearlystatus_one_per_year"),
            models.CheckConstraint(condition=year_range(), name="proposals_yearlystatus_year_range"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="proposals_yearlystatus_known_status"
            ),
        ]
        indexes = [
            # The "status as of year" subquery looks up (proposal, year <= Y) for every row.
            models.Index(fields=["proposal", "-year"], name="proposals_ys_prop_year_idx"),
        ]

    def __str__(self):
        return f"{self.proposal.key} {self.year} : {self.get_status_display()}"

    @staticmethod
    def validate_year(year: int | None) -> None:
        """The year rule: a status is entered for a year from FIRST_YEAR to next year. Raise a
        ValidationError (in French) otherwise. `clean` calls it, so every path that writes a
        status meets it (the admin, the bulk action, the import, a script's full_clean)."""
        if year is not None and not FIRST_YEAR <= year <= next_year():
            raise ValidationError(
                _("L'année doit être comprise entre %(first)s et %(last)s."),
                params={"first": FIRST_YEAR, "last": next_year()},
                code="year_range",
            )

    def clean(self):
        super().clean()
        try:
            self.validate_year(self.year)
        except ValidationError as exc:
            raise ValidationError({"year": exc}) from None

    def needs_source(self) -> bool:
        """The source rule: a status that differs from the previous year's (or the first
        status of a proposal) must say where it comes from. One query."""
        previous = (
            YearlyStatus.objects.filter(proposal_id=self.proposal_id, year__lt=self.year)
            .order_by("-year")
            .values_list("status", flat=True)
            .first()
        )
        return previous != self.status

    def validate_sources(self, sources) -> None:
        """Raise a ValidationError unless the rule above is met by `sources` (Source
        instances, saved or not). The admin, the import and the bulk action all call this."""
        if self.needs_source() and not any(source.is_complete for source in sources):
            raise ValidationError(SOURCE_REQUIRED_MESSAGE, code="source_required")


SOURCE_REQUIRED_MESSAGE = _(
    "Ce statut est nouveau ou diffère de celui de l'année précédente : indiquez au moins une source "
    "complète, c'est-à-dire avec à la fois un libellé, une date, et une adresse (URL) ou une référence."
)


class Source(YearLockedRow, CitedSource, CleanTextModel):
    """Where a yearly status comes from: a deliberation, the review document, a page. In a
    locked year it is neither added, changed nor deleted, as its status."""

    locked_by = "reports.AnnualReview"
    locked_message = YEAR_LOCKED_MESSAGE

    yearly_status = models.ForeignKey(
        YearlyStatus, on_delete=models.CASCADE, related_name="sources", verbose_name=_("suivi annuel")
    )

    history = HistoricalRecords()

    class Meta(CitedSource.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def record_years(self) -> set[int]:
        """The year of its status, and of the status it had if it is moved."""
        return self.parent_years("yearly_status")


class ProjectState(models.TextChoices):
    DELIVERED = "delivered", _("Réalisé")
    IN_PROGRESS = "in_progress", _("En cours")


class Project(WithRevision):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)
    focus = models.TextField(_("texte du focus"), blank=True, help_text=_("Paragraphes séparés par une ligne vide."))
    lead = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("porteur"),
    )
    # The other institutions taking part, beside the one that leads it.
    partners = models.ManyToManyField(
        Institution,
        related_name="partner_projects",
        blank=True,
        verbose_name=_("partenaires"),
        help_text=_("Les autres institutions qui y prennent part, à côté du porteur."),
    )
    start_year = models.PositiveSmallIntegerField(_("année de lancement"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=ProjectState, default=ProjectState.IN_PROGRESS)
    proposals = models.ManyToManyField(
        Proposal, related_name="projects", blank=True, verbose_name=_("propositions mises en œuvre")
    )

    history = HistoricalRecords(m2m_fields=[proposals, partners])

    class Meta:
        ordering = ["title"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public_site:project-detail", args=[self.slug])


class KeyFigure(CleanTextModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="key_figures", verbose_name=_("projet"))
    label = models.CharField(_("libellé"), max_length=200)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=20, blank=True, help_text=_("Par exemple « € » ou « ha »."))
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("chiffre clé")
        verbose_name_plural = _("chiffres clés")

    def __str__(self):
        return f"{self.label} : {self.value} {self.unit}".strip()


class SearchDocument(models.Model):
    """A proposal's words as a search reads them (`search.build_search_documents`): rebuilt when
    the proposal or one of its projects changes (`receivers`), never edited. Kept apart from the
    proposal so that reading or saving a proposal never carries it. On PostgreSQL a GIN index
    serves it (created by the migration: SQLite has no such index)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, primary_key=True, related_name="search")
    document = SearchDocumentField(default="")

    class Meta:
        verbose_name = _("document de recherche")
        verbose_name_plural = _("documents de recherche")

    def __str__(self):
        return str(self.proposal_id)

    @classmethod
    def rebuild(cls, proposal_ids=None) -> None:
        """Store the documents of `proposal_ids` (of every proposal when None)."""
        build_search_documents(cls, Proposal, Project, proposal_ids)
