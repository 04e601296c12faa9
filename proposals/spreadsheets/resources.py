"""Spreadsheet import and export (django-import-export) for the back office.

The columns the exports produce are the ones the imports accept, with French headers.
Rows are matched on stable keys (the proposal key, the proposal key + year, the project
slug), never on database ids, so a file exported from one database imports into another,
and importing the same file twice changes nothing.
"""

import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from core.text import check_text

from ..models import Axis, Convention, Institution, Project, ProjectState, Proposal, Source, Status, YearlyStatus
from .cells import neutralise_dataset
from .widgets import (
    AxisWidget,
    ChoiceWidget,
    FrenchDateWidget,
    FrenchIntegerWidget,
    InstitutionsWidget,
    InstitutionWidget,
    KeyForeignKeyWidget,
    KeysManyToManyWidget,
    TextWidget,
)


def _text(column, attribute):
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget())


class ExportedDiff(resources.Diff):
    """The preview shows every column as it will be written, computed ones included (the
    library's diff leaves the columns of `dehydrate_*` methods empty), and a status or a state
    by its label («En cours»), as the back office shows it, not by its code."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.left = self._exported(resource, instance)

    def compare_with(self, resource, instance):
        self.right = self._exported(resource, instance)

    @staticmethod
    def _exported(resource, instance):
        if instance is None:
            return [""] * len(resource.get_import_fields())
        return [
            field.widget.label(value) if isinstance(field.widget, ChoiceWidget) else value
            for field, value in (
                (field, resource.export_field(field, instance)) for field in resource.get_import_fields()
            )
        ]


class FrenchResource(resources.ModelResource):
    """Shared behaviour: the columns a file must have, checked before any row."""

    def get_diff_class(self):
        return ExportedDiff

    def required_columns(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def missing_columns(self, headers) -> list[str]:
        headers = {str(header).strip() for header in headers or []}
        return [column for column in self.required_columns() if column not in headers]

    def unknown_columns(self, headers) -> list[str]:
        """Headers the import does not know (a typo, a column of another file): refused, since
        their values would be lost without a word. A column without a header is left aside."""
        known = {field.column_name for field in self.get_import_fields()}
        headers = [str(header).strip() for header in headers or [] if header is not None]
        return [header for header in headers if header and header not in known]

    def import_row(self, row, instance_loader, **kwargs):
        # Name the columns of the file, not the model's fields, in the row's errors.
        row_result = super().import_row(row, instance_loader, **kwargs)
        error = row_result.validation_error
        if error is not None and hasattr(error, "error_dict"):
            columns = {field.attribute: field.column_name for field in self.fields.values() if field.attribute}
            columns.update({name: field.column_name for name, field in self.fields.items()})
            row_result.validation_error = ValidationError(
                {columns.get(key, key): messages for key, messages in error.error_dict.items()}
            )
        return row_result

    def example(self) -> dict:
        """One example row, column → value, that imports as it is into the current database."""
        return {}

    def example_dataset(self) -> tablib.Dataset:
        """The «modèle»: every column the import reads, optional ones included, and one example row."""
        headers = [field.column_name for field in self.get_import_fields()]
        example = self.example()
        return tablib.Dataset([str(example.get(column, "")) for column in headers], headers=headers)

    def before_import(self, dataset, **kwargs):
        missing = self.missing_columns(dataset.headers)
        if missing:
            raise ValueError(_("Colonnes manquantes : %(columns)s.") % {"columns": ", ".join(missing)})
        unknown = self.unknown_columns(dataset.headers)
        if unknown:
            raise ValueError(
                _(
                    "Colonnes inconnues : %(columns)s. Renommez-les ou retirez-les : leurs valeurs ne seraient "
                    "pas importées. Colonnes possibles : %(known)s."
                )
                % {
                    "columns": ", ".join(f"« {column} »" for column in unknown),
                    "known": ", ".join(field.column_name for field in self.get_import_fields()),
                }
            )
        self._rows_by_key = {}  # the key of each row read so far → its row number
        super().before_import(dataset, **kwargs)

    def after_export(self, queryset, dataset, **kwargs):
        # No text an editor typed may run as a formula in a spreadsheet program.
        neutralise_dataset(dataset)
        super().after_export(queryset, dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number")
        # No cell may hold a control character (PostgreSQL refuses NUL, the documents the
        # others): say which cell has one.
        errors = {}
        for column, value in row.items():
            try:
                check_text(value)
            except ValidationError as error:
                errors[column] = error
        if errors:
            raise ValidationError(errors)
        super().before_import_row(row, **kwargs)

    def get_instance(self, instance_loader, row):
        """The row's existing object, found by its key columns: an unknown or repeated key is
        an error of this row (the other rows are still checked)."""
        errors, key = {}, []
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                value = field.clean(row)
            except ValueError as exc:
                errors[field.column_name] = ValidationError(str(exc))
            else:
                key.append(getattr(value, "pk", value))
        if errors:
            raise ValidationError(errors)
        # `dup-1` and `DUP-1` are one key said twice (a person reads them alike, and so do URLs).
        key = [value.strip().casefold() if isinstance(value, str) else value for value in key]
        first = self._rows_by_key.setdefault(tuple(key), self._row_number)
        if first != self._row_number:
            column = self.fields[self.get_import_id_fields()[0]].column_name
            raise ValidationError({column: _("Clé en double : déjà à la ligne %(line)s.") % {"line": first}})
        return super().get_instance(instance_loader, row)


class ProposalResource(FrenchResource):
    key = _text("cle", "key")
    number = fields.Field(attribute="number", column_name="numero", widget=FrenchIntegerWidget())
    axis = fields.Field(
        attribute="axis",
        column_name="axe",
        widget=AxisWidget(),
    )
    title = _text("titre", "title")
    short_title = _text("intitule_court", "short_title")
    text = _text("texte", "text")
    summary = _text("resume", "summary")
    leads = fields.Field(attribute="leads", column_name="porteur", widget=InstitutionsWidget())
    order = fields.Field(attribute="order", column_name="ordre", widget=FrenchIntegerWidget())

    class Meta:
        model = Proposal
        fields = ["key", "number", "axis", "title", "short_title", "text", "summary", "leads", "order"]
        import_id_fields = ["key"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("axis").prefetch_related("leads")

    def example(self):
        axis = Axis.objects.first()
        return {
            "cle": "exemple-1",
            "numero": 1,
            "axe": axis.name if axis else _("nom-ou-identifiant-d-un-axe"),
            "titre": _("Exemple : un intitulé de proposition, aussi long que la convention l'a écrit (à remplacer)"),
            "intitule_court": _("Exemple d'intitulé court"),
            "texte": _("Le texte de la proposition, tel que la convention l'a adopté."),
            "resume": _("Un résumé en langage clair."),
            "porteur": " ; ".join(Institution.objects.values_list("name", flat=True)[:2]),
            "ordre": 1,
        }

    def required_columns(self) -> list[str]:
        # Optional: a file made before short titles existed imports unchanged (they stay as they are).
        return [column for column in super().required_columns() if column != "intitule_court"]

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if row.get("ordre") in (None, ""):
            row["ordre"] = 0

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("axis").prefetch_related("leads")


class YearlyStatusResource(FrenchResource):
    """One yearly status per row, with its first source (the columns `source_*`)."""

    proposal = fields.Field(
        attribute="proposal",
        column_name="cle_proposition",
        widget=KeyForeignKeyWidget(Proposal, "key", gettext_lazy("Proposition inconnue « %(value)s ».")),
    )
    year = fields.Field(attribute="year", column_name="annee", widget=FrenchIntegerWidget())
    status = fields.Field(
        attribute="status",
        column_name="statut",
        widget=ChoiceWidget(
            Status, gettext_lazy("Statut inconnu « %(value)s ». Valeurs possibles (code ou libellé) : %(codes)s.")
        ),
    )
    explanation = _text("explication", "explanation")
    source_label = fields.Field(column_name="source_libelle", widget=TextWidget())
    source_url = fields.Field(column_name="source_url", widget=TextWidget())
    source_reference = fields.Field(column_name="source_reference", widget=TextWidget())
    source_date = fields.Field(column_name="source_date", widget=FrenchDateWidget())

    SOURCE_FIELDS = {"source_label": "label", "source_url": "url", "source_reference": "reference"}

    class Meta:
        model = YearlyStatus
        fields = [
            "proposal",
            "year",
            "status",
            "explanation",
            "source_label",
            "source_url",
            "source_reference",
            "source_date",
        ]
        import_id_fields = ["proposal", "year"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("proposal").prefetch_related("sources")

    def example(self):
        proposal = Proposal.objects.order_by("key").first()
        today = timezone.localdate()
        return {
            "cle_proposition": proposal.key if proposal else _("cle-d-une-proposition"),
            "annee": today.year,
            "statut": Status.UNDERWAY.label,
            "explication": _("Ce qui a été fait cette année, en une ou deux phrases."),
            "source_libelle": _("Délibération du conseil"),
            "source_url": "https://example.org/deliberation",
            "source_reference": f"DEL-{today.year}-001",
            "source_date": today.isoformat(),
        }

    def filter_export(self, queryset, **kwargs):
        # A stable order makes the export reproducible (the round trip compares files).
        return queryset.select_related("proposal").prefetch_related("sources").order_by("proposal__key", "year")

    # Export: the first source of each status; in the import's preview, the row's source.
    @staticmethod
    def _first_source(yearly):
        if getattr(yearly, "_row_source", None) is not None:
            return yearly._row_source
        sources = list(yearly.sources.all()) if yearly.pk else []
        return sources[0] if sources else None

    def dehydrate_source_label(self, yearly):
        source = self._first_source(yearly)
        return source.label if source else ""

    def dehydrate_source_url(self, yearly):
        source = self._first_source(yearly)
        return source.url if source else ""

    def dehydrate_source_reference(self, yearly):
        source = self._first_source(yearly)
        return source.reference if source else ""

    def dehydrate_source_date(self, yearly):
        source = self._first_source(yearly)
        return source.date if source else None

    # Import.
    def _source_from_row(self, row, errors) -> Source | None:
        """The source the row describes (unsaved), or None when its columns are empty."""
        values = {}
        for name in ["source_label", "source_url", "source_reference", "source_date"]:
            field = self.fields[name]
            try:
                values[name] = field.clean(row) if field.column_name in row else None
            except ValueError as exc:
                errors[name] = ValidationError(str(exc))
                return None
        if not any(values.values()):
            return None
        source = Source(
            label=(values["source_label"] or "").strip(),
            url=(values["source_url"] or "").strip(),
            reference=(values["source_reference"] or "").strip(),
            date=values["source_date"],
        )
        try:
            source.full_clean(exclude=["yearly_status"])
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = {"label": "source_label", "url": "source_url", "reference": "source_reference"}.get(
                    field_name, "source_date"
                )
                errors[column] = ValidationError(messages)
        return source

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "year" not in errors:
            try:
                instance.validate_year(instance.year)
            except ValidationError as exc:
                errors["year"] = exc
        source = self._source_from_row(row, errors)
        instance._row_source = source
        if not errors and instance.proposal_id and instance.status:
            existing = list(instance.sources.all()) if instance.pk else []
            sources = [source, *existing[1:]] if source else existing
            try:
                instance.validate_sources(sources)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        source = getattr(instance, "_row_source", None)
        if source is None:
            return True
        first = self._first_source(original) if original.pk else None
        return first is not None and _source_values(first) == _source_values(source)

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run") and not kwargs.get("using_transactions"):
            return
        source = getattr(instance, "_row_source", None)
        if source is None:
            return
        first = instance.sources.order_by(*Source._meta.ordering).first()
        if first is None:
            source.yearly_status = instance
            source.save()
        elif _source_values(first) != _source_values(source):
            first.label, first.url, first.reference, first.date = _source_values(source)
            first.save()


def _source_values(source):
    return (source.label, source.url, source.reference, source.date)


class ProjectResource(FrenchResource):
    slug = _text("identifiant", "slug")
    title = _text("titre", "title")
    summary = _text("resume", "summary")
    focus = _text("focus", "focus")
    lead = fields.Field(attribute="lead", column_name="porteur", widget=InstitutionWidget())
    partners = fields.Field(attribute="partners", column_name="partenaires", widget=InstitutionsWidget())
    start_year = fields.Field(attribute="start_year", column_name="annee_lancement", widget=FrenchIntegerWidget())
    state = fields.Field(
        attribute="state",
        column_name="etat",
        widget=ChoiceWidget(
            ProjectState, gettext_lazy("État inconnu « %(value)s ». Valeurs possibles (code ou libellé) : %(codes)s.")
        ),
    )
    proposals = fields.Field(
        attribute="proposals",
        column_name="propositions",
        widget=KeysManyToManyWidget(Proposal, field="key"),
    )

    class Meta:
        model = Project
        fields = ["slug", "title", "summary", "focus", "lead", "partners", "start_year", "state", "proposals"]
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("lead").prefetch_related("partners", "proposals__axis").order_by("slug")

    def required_columns(self) -> list[str]:
        # Optional: a file made before partners existed imports unchanged (they stay as they are).
        return [column for column in super().required_columns() if column != "partenaires"]

    def example(self):
        proposal = Proposal.objects.order_by("key").first()
        return {
            "identifiant": "exemple-de-projet",
            "titre": _("Exemple de projet (à remplacer)"),
            "resume": _("Ce que le projet change, en une phrase."),
            "porteur": getattr(Institution.objects.first(), "name", ""),
            "annee_lancement": timezone.localdate().year,
            "etat": ProjectState.IN_PROGRESS.label,
            "propositions": proposal.key if proposal else "",
        }


class InstitutionResource(FrenchResource):
    code = _text("code", "code")
    name = _text("nom", "name")
    order = fields.Field(attribute="order", column_name="ordre", widget=FrenchIntegerWidget())

    class Meta:
        model = Institution
        fields = ["code", "name", "order"]
        import_id_fields = ["code"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def example(self):
        return {"code": "exemple", "nom": _("Exemple d'institution (à remplacer)"), "ordre": 1}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if row.get("ordre") in (None, ""):
            row["ordre"] = 0


class AxisResource(FrenchResource):
    """The convention's axes (or themes, objectives…): created before its proposals."""

    slug = _text("identifiant", "slug")
    name = _text("nom", "name")
    description = _text("description", "description")
    order = fields.Field(attribute="order", column_name="ordre", widget=FrenchIntegerWidget())

    class Meta:
        model = Axis
        fields = ["slug", "name", "description", "order"]
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def required_columns(self) -> list[str]:
        return ["identifiant", "nom"]

    def example(self):
        axis_name = Convention.current().axis_name
        return {
            "identifiant": "exemple",
            "nom": _("Exemple : %(axis)s (à remplacer)") % {"axis": axis_name},
            "description": _("En une phrase, ce que recouvre ce %(axis)s.") % {"axis": axis_name},
            "ordre": 1,
        }

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        for column, empty in (("ordre", 0), ("description", "")):
            if row.get(column) in (None, ""):
                row[column] = empty
