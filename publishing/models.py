"""What every record published in numbered versions shares: the institutions' yearly review
and the committee's year are two uses of it (as wagtail's pages share `DraftStateMixin`).

- `PublishedRecord`: a year's record. One truth for «published»: a version of it exists (the
  frozen record is what the public reads). `published_at` only dates the first version: data
  from before publication froze records may carry a date without a version, and is not
  published until frozen. A published record is locked until a rectificatif is opened
  (`open_correction()`), and again once the rectificatif is published.
- `PublishedVersion`: one publication of a record (number 1, then one per rectificatif), with
  when, by whom and why; rows are only ever added.
- `YearLockedRow`: a row of a year that a published record locks (a status, a source, an
  assessment, a deliberation): the one lock rule, checked on every path (clean, save, delete).
- `Publication`: one run of the publication workflow (queued by «Publier», run by the worker):
  its steps, how far it went, and why it failed; at most one under way per record.
- `CitedSource`: the fields of a source (label, URL, reference, date) and their one serialiser;
  `FrozenEntry`: a row as a version froze it, with its sources as they were (`FrozenSource`).

This app imports nothing of the project: a record names what it freezes, what the public pages
it changes are, and its own wording, through the hooks below.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .years import year_range

# A publication under way tells its progress at each step; one that has not for this long was
# abandoned (its worker was killed: its transaction rolled back, nothing was published).
PUBLICATION_STALE_AFTER = datetime.timedelta(minutes=10)

PUBLICATION_FIELDS = ["published_at", "correction_reason", "correction_opened_at"]

REASON_REQUIRED_MESSAGE = _("Indiquez le motif du rectificatif : il sera publié avec lui.")
NO_OPEN_CORRECTION_MESSAGE = _(
    "Aucun rectificatif n'est ouvert sur « %(record)s » (il a peut-être été publié entre-temps) : rien n'a été changé."
)

YEAR_CHANGE_MESSAGE = _("%(record)s est publié : son année ne peut plus changer, même pendant un rectificatif.")


class PublishedRecordQuerySet(models.QuerySet):
    def with_publication(self):
        """These records, each knowing whether it is published without a query of its own."""
        return self.annotate(has_version=self._has_version())

    def published(self):
        """Published records (a version exists): the only years the public sees."""
        return self.filter(self._has_version())

    def _has_version(self):
        versions = self.model._meta.get_field("versions").related_model.objects
        return models.Exists(versions.filter(review=models.OuterRef("pk")))

    def locked(self):
        """Published records without an open rectificatif: their year's rows cannot change."""
        return self.published().filter(correction_opened_at__isnull=True)

    def latest_published_year(self) -> int | None:
        return self.published().order_by("-year").values_list("year", flat=True).first()

    def for_writing(self):
        """These records, their rows locked until the saving transaction ends (outside one: as
        they are). A publication holds this lock from its start to its commit, so a write that
        checks a record this way either comes first, and the publication includes it, or waits
        for the publication and then sees the record published."""
        return self if transaction.get_autocommit() else self.select_for_update()

    def locked_years(self, years, *, for_writing: bool = False) -> list[int]:
        """Those of `years` whose record is locked. `for_writing`: inside the saving transaction,
        first wait for a publication of these years in progress, so that the answer holds until
        the save commits."""
        records = self.filter(year__in=[year for year in years if year])
        if for_writing:
            list(records.for_writing().order_by("year").values_list("pk", flat=True))
        return sorted(records.locked().values_list("year", flat=True))


class PublishedRecord(models.Model):
    """A year's record, published as numbered, frozen versions (its model names them with a
    `PublishedVersion` whose ForeignKey `review` has `related_name="versions"`).

    A subclass says what its versions record and its wording:
    - `record_fields`: its own fields a version records (they change only under a rectificatif);
    - `version_fields()`, `freeze(version)`: what a new version holds;
    - `publication_refusal()`: why it cannot be published now, if anything;
    - `pages_to_warm()`: the public pages a publication changes (URLs);
    - the messages below, in French, with `%(year)s`."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    published_at = models.DateTimeField(
        _("publié le"),
        null=True,
        blank=True,
        help_text=_(
            "Date de la première version publiée ; vide tant que rien n'est publié (l'année reste invisible au public)."
        ),
    )
    correction_reason = models.TextField(
        _("motif du rectificatif en cours"),
        blank=True,
        help_text=_("Dit au public pourquoi la version publiée est corrigée."),
    )
    correction_opened_at = models.DateTimeField(
        _("rectificatif ouvert le"),
        null=True,
        blank=True,
        help_text=_("Tant qu'un rectificatif est ouvert, ce qui a été publié pour l'année peut être corrigé."),
    )

    record_fields = ["year"]
    locked_message = ""  # the record, or a row of its year, while it is locked
    already_published_message = ""
    not_published_message = ""
    correction_open_message = ""

    objects = PublishedRecordQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=year_range(), name="%(app_label)s_%(class)s_year_range"),
        ]

    def save(self, *args, **kwargs):
        # The record's guard (check_record) for the paths that skip clean(), and the reason's.
        fields = kwargs.get("update_fields")
        self.check_record(fields)
        if self.correction_reason and (fields is None or "correction_reason" in fields):
            self.check_correction_reason()
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("has_version", None)
        super().refresh_from_db(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        """Whether a version exists (a query; none on a row read `with_publication()`)."""
        if self.pk is None:
            return False
        known = self.__dict__.get("has_version")
        return known if known is not None else self.versions.exists()

    @property
    def correction_is_open(self) -> bool:
        return self.correction_opened_at is not None

    @property
    def is_locked(self) -> bool:
        """Published without an open rectificatif: nobody changes it, superusers included."""
        return self.pk is not None and self.is_published and not self.correction_is_open

    def latest_version(self):
        return self.versions.order_by("-number").first()

    def next_version_number(self) -> int:
        """The number the next publication gets: 1, then 2 for the first rectificatif…"""
        latest = self.latest_version()
        return latest.number + 1 if latest else 1

    # The two actions on a record, each one function of `services` with its checks; these
    # methods only call it.

    def publish(self, *, user=None, when=None, **announce):
        """Publish this record, or its open rectificatif (`services.publish_record`)."""
        version = services.publish_record(self, user=user, when=when, **announce)
        self.refresh_from_db()
        return version

    def open_correction(self, reason: str, *, user=None, when=None) -> None:
        """Open a rectificatif (`services.open_correction`): the year's rows may be corrected
        until it is published."""
        services.open_correction(self, reason=reason, user=user, when=when)

    def check_correction_reason(self) -> None:
        """Raise a ValidationError (in French) unless `correction_reason` is a reason every
        document can carry: given, and held to the record's text rules (`clean_fields`: a
        `core.text.CleanTextModel` refuses control characters, which no spreadsheet or feed
        can carry)."""
        if not self.correction_reason.strip():
            raise ValidationError({"correction_reason": REASON_REQUIRED_MESSAGE}, code="reason_required")
        others = [field.name for field in self._meta.concrete_fields if field.name != "correction_reason"]
        self.clean_fields(exclude=others)

    # A rectificatif that cannot be published (its reason was wrong, it was opened by mistake)
    # is never stuck: until it is published, whoever may publish the record corrects its reason
    # or cancels it. Both lock the record's row first, so they wait for a publication in
    # progress and then find nothing open. Each leaves a line in the record's history.

    def correct_correction_reason(self, reason: str, *, user=None) -> None:
        """Replace the open rectificatif's reason (the one it will be published with)."""
        with transaction.atomic():
            self._lock_open_correction()
            self.correction_reason = reason.strip()
            self.check_correction_reason()
            self._history_user = user
            self._change_reason = str(_("Motif du rectificatif corrigé"))
            self.save(update_fields=["correction_reason"])

    def cancel_correction(self, *, user=None) -> None:
        """Close the open rectificatif without publishing it: the published version stays what
        the public reads, and the year is locked again. What was corrected in the year's rows
        meanwhile stays in them (and in their history) for a next rectificatif."""
        with transaction.atomic():
            self._lock_open_correction()
            self.correction_reason = ""
            self.correction_opened_at = None
            self._history_user = user
            self._change_reason = str(_("Rectificatif annulé avant publication"))
            self.save(update_fields=["correction_reason", "correction_opened_at"])

    def _lock_open_correction(self) -> None:
        """Lock this record's row and raise a ValidationError (in French) unless a rectificatif
        is open on it now (published meanwhile, or never opened: nothing to change)."""
        opened_at = (
            type(self).objects.for_writing().filter(pk=self.pk).values_list("correction_opened_at", flat=True).first()
        )
        if opened_at is None:
            raise ValidationError(NO_OPEN_CORRECTION_MESSAGE % {"record": self}, code="no_open_correction")
        self.correction_opened_at = opened_at

    # Hooks of the publication.

    def publication_refusal(self) -> str:
        """Why this record cannot be published now (French), or "" when it can."""
        return ""

    def version_fields(self) -> dict:
        """The record's own texts, as its new version records them."""
        return {}

    def freeze(self, version) -> None:
        """Freeze what the new, saved `version` holds beyond its own fields (rows, figures)."""

    def pages_to_warm(self) -> list[str]:
        """The public pages a publication of this record changes."""
        return []

    def document_steps(self) -> list[tuple[str, str]]:
        """(key, French label) of each document a publication stores, in order."""
        return []

    def store_document(self, version, key: str) -> None:
        """Render and store the document `key` of the new `version` (in its transaction)."""
        raise NotImplementedError

    freeze_label = _("Figer la version publiée")

    def publication_steps(self, *, documents: bool = True) -> list[tuple[str, str]]:
        """(key, French label) of every step of a publication, in order: what its progress shows."""
        return [
            ("freeze", str(self.freeze_label)),
            *((key, str(label)) for key, label in (self.document_steps() if documents else [])),
            ("announce", str(_("Annonce aux abonnés"))),
            ("warm", str(_("Préparation des pages publiques"))),
        ]

    # A published record's own fields change only through a rectificatif, and its year never.
    # Checked in clean() for the forms, and in save() for the paths that skip clean();
    # publication itself only writes the fields it manages (PUBLICATION_FIELDS), which stay free.

    def clean(self):
        super().clean()
        self.check_record()

    def check_record(self, fields=None) -> None:
        """Raise a ValidationError (in French) when this unsaved state changes a published
        record's year, or a locked record's own fields (`fields`: only those, when given)."""
        if self.pk is None:
            return
        names = [name for name in self.record_fields if fields is None or name in fields]
        if not names:
            return
        stored = (
            type(self)
            .objects.for_writing()
            .filter(pk=self.pk)
            .values(*self.record_fields, "correction_opened_at")
            .first()
        )
        # Asked once the row is locked, in a statement of its own: it sees a publication that
        # held the lock (the locking statement itself reads as of its start).
        if stored is None or not self.versions.exists():
            return
        if "year" in names and self.year != stored["year"]:
            record = type(self)(year=stored["year"])
            raise ValidationError({"year": YEAR_CHANGE_MESSAGE % {"record": record}}, code="record_year")
        changed = [name for name in names if getattr(self, name) != stored[name]]
        if changed and stored["correction_opened_at"] is None:
            raise ValidationError(self.locked_message % {"year": stored["year"]}, code="record_locked")


class PublishedVersion(models.Model):
    """One publication of a record: version 1, then one per rectificatif. Its model names the
    record with a ForeignKey `review` (`related_name="versions"`). Rows are only ever added."""

    number = models.PositiveSmallIntegerField(_("version"))
    published_at = models.DateTimeField(_("publiée le"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publiée par"),
    )
    reason = models.TextField(_("motif du rectificatif"), blank=True)

    class Meta:
        abstract = True
        ordering = ["review", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="%(app_label)s_%(class)s_unique_number"),
        ]

    @property
    def year(self) -> int:
        return self.review.year

    @property
    def is_correction(self) -> bool:
        return self.number > 1


class YearLockedRow(models.Model):
    """A row of a year that a published record locks: while that record is locked, the row is
    neither added, changed nor deleted, whatever the path (a form, an inline, an import, a
    script). The one lock rule of every such row.

    A subclass names its record's model by a lazy label (`locked_by = "reports.AnnualReview"`),
    so that a lower app needs no import of the record's app; it may give its own
    `locked_message`, else the record's is used. Its years are its own `year` field; a row that
    belongs to another row (a source of a status) says `record_years()` with `parent_years()`."""

    locked_by = ""  # "app_label.ModelName" of the published record
    locked_message = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.check_years_open(self.record_years())
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            self.check_years_open(self.record_years())
            return super().delete(*args, **kwargs)

    @classmethod
    def record_model(cls):
        return apps.get_model(cls.locked_by)

    @classmethod
    def check_years_open(cls, years) -> None:
        """Raise a ValidationError (in French) when one of `years` is locked. Every write of a
        year's rows calls this in its transaction: it waits for a publication of that year in
        progress, then refuses."""
        locked = cls.record_model().objects.locked_years(years, for_writing=True)
        if locked:
            message = cls.locked_message or cls.record_model().locked_message
            raise ValidationError(message % {"year": locked[0]}, code="year_locked")

    def record_years(self) -> set[int]:
        """The years this row belongs to: its own, and the one it had if it moves."""
        years = {self.year}
        if self.pk:
            years |= set(type(self)._default_manager.filter(pk=self.pk).values_list("year", flat=True))
        return years

    def parent_years(self, field: str) -> set[int]:
        """The year of the row `field` points to, and of the one it pointed to if it moves."""
        parents = {getattr(self, f"{field}_id")}
        if self.pk:
            parents |= set(type(self)._default_manager.filter(pk=self.pk).values_list(f"{field}_id", flat=True))
        parent = self._meta.get_field(field).related_model
        return set(parent._default_manager.filter(pk__in=parents).values_list("year", flat=True))

    def locked_year(self) -> int | None:
        """The first of this row's years that is locked now, if any (for the back office)."""
        locked = self.record_model().objects.locked_years(self.record_years())
        return locked[0] if locked else None

    def lock_message(self) -> str:
        year = self.locked_year()
        if year is None:
            return ""
        return (self.locked_message or self.record_model().locked_message) % {"year": year}

    def clean(self):
        super().clean()
        self.check_years_open(self.record_years())


class PublicationQuerySet(models.QuerySet):
    def of(self, record):
        """The publications of `record`, latest first."""
        return self.filter(record_type=record._meta.label_lower, record_id=record.pk).order_by("-pk")

    def under_way(self):
        return self.filter(state__in=Publication.ACTIVE)


class Publication(models.Model):
    """One run of a record's publication: queued by «Publier» (or `publish_review`), run by the
    worker (`workflow.publication_run`), step by step; the record becomes public with its last
    stored step (one transaction), then its pages are warmed. Rows are kept as the history of
    what was tried, failures included."""

    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        PUBLISHED = "published", _("publiée, pages en préparation")
        DONE = "done", _("terminée")
        FAILED = "failed", _("échouée")

    ACTIVE = [State.QUEUED, State.RUNNING]

    record_type = models.CharField(max_length=100)  # the record's model label: "reports.annualreview"
    record_id = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField(_("année"))
    number = models.PositiveSmallIntegerField(_("version"))  # the version it publishes
    state = models.CharField(_("état"), max_length=20, choices=State, default=State.QUEUED)
    steps = models.JSONField(_("étapes"), default=list)  # their labels, in French, in order
    done = models.PositiveSmallIntegerField(_("étapes faites"), default=0)
    error = models.TextField(_("motif de l'échec"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandée par"),
    )
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    heartbeat_at = models.DateTimeField(_("dernière nouvelle"), default=timezone.now)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            # Two clicks on «Publier» (two clerks, a double submit) make one publication: the
            # second insert fails and gets the first one's page.
            models.UniqueConstraint(
                fields=["record_type", "record_id"],
                condition=models.Q(state__in=["queued", "running"]),
                name="publishing_publication_one_under_way",
            ),
        ]
        indexes = [
            # The record's change page and the progress page read its latest publication.
            models.Index(fields=["record_type", "record_id", "-id"], name="publishing_pub_record_idx"),
        ]

    def __str__(self):
        return f"{self.record_type} {self.year} v{self.number} ({self.state})"

    @property
    def is_under_way(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def is_published(self) -> bool:
        return self.state in (self.State.PUBLISHED, self.State.DONE)

    def is_stale(self, now=None) -> bool:
        """Under way, yet without news for PUBLICATION_STALE_AFTER: its worker died (or none
        ran it), and a new publication may replace it."""
        return self.is_under_way and self.heartbeat_at < (now or timezone.now()) - PUBLICATION_STALE_AFTER

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def current_step(self) -> str:
        """The step being done (or the one it failed at), "" when none."""
        if self.state in (self.State.QUEUED, self.State.DONE) or self.done >= self.total:
            return ""
        return self.steps[self.done]

    @property
    def remaining_steps(self) -> list[str]:
        """The steps after the current one."""
        return self.steps[self.done + 1 :] if self.current_step else []

    def step_list(self) -> list[tuple[str, str]]:
        """(label, "done" | "current" | "failed" | "todo") of each step, for the progress page."""
        states = []
        for index, label in enumerate(self.steps):
            if index < self.done or self.state == self.State.DONE:
                state = "done"
            elif index == self.done and self.state == self.State.FAILED:
                state = "failed"
            elif index == self.done and self.state in (self.State.RUNNING, self.State.PUBLISHED):
                state = "current"
            else:
                state = "todo"
            states.append((label, state))
        return states


class CitedSource(models.Model):
    """Where something published comes from: a deliberation, a review document, a page."""

    label = models.CharField(_("libellé"), max_length=300)
    url = models.URLField(_("adresse (URL)"), max_length=500, blank=True)
    reference = models.CharField(
        _("référence du document"), max_length=200, blank=True, help_text=_("Par exemple le numéro d'une délibération.")
    )
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = [F("date").asc(nulls_last=True), "pk"]

    def __str__(self):
        return self.label

    @property
    def is_complete(self) -> bool:
        """Enough to find the document again: a label, a URL or a reference, and a date."""
        return bool(self.label and (self.url or self.reference) and self.date)

    def frozen(self) -> dict:
        """The source as a published version records it."""
        return {
            "label": self.label,
            "url": self.url,
            "reference": self.reference,
            "date": self.date.isoformat() if self.date else None,
        }


@dataclass(frozen=True)
class FrozenSource:
    """A source as a published version recorded it (read like a `CitedSource`)."""

    label: str
    url: str
    reference: str
    date: datetime.date | None


class FrozenEntry(models.Model):
    """A row as a published version froze it (a proposal's status, an assessment): keyed once
    in its version (a ForeignKey `version`), in its axis as then named, citing its sources as
    they were (`CitedSource.frozen()` of each)."""

    key = models.CharField(max_length=80)
    axis_slug = models.CharField(max_length=50)
    axis_name = models.CharField(max_length=200)
    sources = models.JSONField(default=list)  # [{"label", "url", "reference", "date"}]

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="%(app_label)s_%(class)s_unique_key"),
        ]

    def source_list(self) -> list[FrozenSource]:
        return [
            FrozenSource(
                label=source["label"],
                url=source["url"],
                reference=source["reference"],
                date=datetime.date.fromisoformat(source["date"]) if source["date"] else None,
            )
            for source in self.sources
        ]
