"""Back-office forms: they validate and normalise; the workflows live in services.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from publishing.years import next_year

from .models import Project, Proposal, Status, YearlyStatus
from .services import SourceData


class RevisionCheckedForm(forms.ModelForm):
    """A change form that refuses to save over a change made since it was opened: it carries
    the revision it was opened at, checked against the database (row locked until the save)."""

    # Not named `revision`: a form may not name a model's non-editable field.
    opened_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        rows = type(self.instance).objects.filter(pk=self.instance.pk)
        if not transaction.get_autocommit():  # the admin's save runs in a transaction
            # This row only: the model's ordering joins the proposal, whose row a publication
            # references when it commits (a lock on it there would deadlock with the review's).
            rows = rows.select_for_update(of=("self",))
        current = rows.values_list("revision", flat=True).first()
        if current is not None and cleaned.get("opened_revision") != current:
            raise ValidationError(self.conflict_message(cleaned.get("opened_revision")), code="stale")
        return cleaned

    def conflict_message(self, seen: int | None) -> str:
        """Who changed the row since `seen`, when, and what each changed field holds now."""
        current = type(self.instance).objects.get(pk=self.instance.pk)
        history = list(self.instance.history.order_by("-history_date", "-history_id"))
        latest = history[0] if history else None
        opened = next((entry for entry in history if entry.revision == seen), None)
        names = []
        if latest is not None and opened is not None and latest is not opened:
            names = latest.diff_against(opened, excluded_fields=["revision"]).changed_fields
        parts = [
            gettext(
                "Cette fiche a été modifiée depuis que vous l'avez ouverte (par %(user)s, le %(date)s) : "
                "votre enregistrement est refusé pour ne rien effacer."
            )
            % {
                "user": (latest and latest.history_user) or gettext("un import ou un traitement"),
                "date": date_format(timezone.localtime(latest.history_date), "DATETIME_FORMAT") if latest else "?",
            }
        ]
        if names:
            changes = "; ".join(
                f"{capfirst(current._meta.get_field(name).verbose_name)} : « {_shown(current, name)} »"
                for name in names
            )
            parts.append(gettext("Ce qui a changé entre-temps : %(changes)s.") % {"changes": changes})
        parts.append(
            gettext(
                "Votre saisie est conservée ci-dessous : ouvrez la fiche à nouveau dans un autre onglet, "
                "puis reportez-y vos modifications."
            )
        )
        return " ".join(parts)


def _label(instance, name) -> str:
    return capfirst(instance._meta.get_field(name).verbose_name)


def _shown(instance, name) -> str:
    """A field's value as the admin shows it."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return truncatechars(", ".join(str(obj) for obj in getattr(instance, name).all()), 300)
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    value = getattr(instance, name)
    return "—" if value in (None, "") else truncatechars(str(value), 300)


class ProposalForm(RevisionCheckedForm):
    class Meta:
        model = Proposal
        fields = ["key", "number", "axis", "order", "leads", "title", "summary", "text"]


class ProjectForm(RevisionCheckedForm):
    class Meta:
        model = Project
        fields = ["slug", "title", "summary", "focus", "lead", "partners", "start_year", "state", "proposals"]


class YearlyStatusForm(RevisionCheckedForm):
    class Meta:
        model = YearlyStatus
        fields = ["proposal", "year", "status", "explanation"]


class SourceInlineFormSet(BaseInlineFormSet):
    """The sources of a yearly status; enforces the source rule across the whole page."""

    def clean(self):
        super().clean()
        yearly = self.instance
        if any(self.errors) or not (yearly.proposal_id and yearly.year and yearly.status):
            return
        sources = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and (form.instance.pk or form.has_changed())
        ]
        yearly.validate_sources(sources)


class BulkStatusForm(forms.Form):
    """The intermediate page of the «Fixer le statut pour l'année…» action."""

    year = forms.IntegerField(label=_("Année"))
    status = forms.ChoiceField(label=_("Statut"), choices=Status.choices)
    explanation = forms.CharField(
        label=_("Explication publique"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    source_label = forms.CharField(label=_("Source : libellé"), max_length=300, required=False)
    source_url = forms.URLField(
        label=_("Source : adresse (URL)"), max_length=500, required=False, assume_scheme="https"
    )
    source_reference = forms.CharField(label=_("Source : référence du document"), max_length=200, required=False)
    source_date = forms.DateField(
        label=_("Source : date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].min_value = None
        self.fields["year"].help_text = _("Au plus %(last)s.") % {"last": next_year()}

    def clean_year(self):
        year = self.cleaned_data["year"]
        YearlyStatus.validate_year(year)
        return year

    def clean(self):
        cleaned = super().clean()
        described = any(cleaned.get(name) for name in ["source_url", "source_reference", "source_date"])
        if described and not cleaned.get("source_label"):
            self.add_error("source_label", _("Donnez un libellé à la source."))
        return cleaned

    def source(self) -> SourceData | None:
        data = self.cleaned_data
        if not data.get("source_label"):
            return None
        return SourceData(
            label=data["source_label"],
            url=data.get("source_url") or "",
            reference=data.get("source_reference") or "",
            date=data.get("source_date"),
        )
