"""Spreadsheet import and export (django-import-export) for the back office.

The columns the exports produce are the ones the imports accept, with French headers.
Rows are matched on stable keys (the proposal key, the proposal key + year, the project
slug), never on database ids, so a file exported from one database imports into another,
and importing the same file twice changes nothing.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from .models import Axis, Institution, Project, ProjectState, Proposal, Source, Status, YearlyStatus
from .services import year_is_allowed, year_range_message


class ODS(base_formats.ODS):
    """An ODS file is a zip archive: read it as bytes. django-import-export 4.4 reads it as text
    and fails on every ODS import (fixed upstream by django-import-export PR #2176)."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return base_formats.TablibFormat.create_dataset(self, in_stream, **kwargs)


class CSV(base_formats.CSV):
    """Comma-separated, as exported; also reads the semicolon-separated CSV that a spreadsheet
    program set up in French saves."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        header = in_stream.split("\n", 1)[0]
        if ";" in header and "," not in header:
            kwargs.setdefault("delimiter", ";")
        return super().create_dataset(in_stream, **kwargs)


# The formats the back office imports and exports.
FORMATS = [CSV, base_formats.XLSX, ODS]


class KeyForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key given by a stable key, with a French error when it is unknown."""

    def __init__(self, model, field, message):
        super().__init__(model, field=field)
        self.message = message

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.message % {"value": value}) from None


class KeysManyToManyWidget(widgets.ManyToManyWidget):
    """Proposal keys separated by commas; an unknown key is an error, not silently dropped."""

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        keys = [key.strip() for key in str(value).split(self.separator) if key.strip()]
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        unknown = sorted(set(keys) - {getattr(obj, self.field) for obj in found})
        if unknown:
            raise ValueError(_("Proposition inconnue : %(keys)s.") % {"keys": ", ".join(unknown)})
        return found


class ChoiceWidget(widgets.CharWidget):
    """A code among `choices` (the export writes codes); French error listing the valid ones."""

    def __init__(self, choices, message, allow_blank=False):
        super().__init__(allow_blank=True)
        self.choices = choices
        self.message = message
        self.allow_empty = allow_blank

    def clean(self, value, row=None, **kwargs):
        code = super().clean(value, row=row, **kwargs).strip()
        if code == "" and self.allow_empty:
            return code
        if code not in self.choices.values:
            raise ValueError(self.message % {"value": code, "codes": ", ".join(self.choices.values)})
        return code


class FrenchDateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except ValueError:
            raise ValueError(_("Date invalide « %(value)s » : format attendu AAAA-MM-JJ.") % {"value": value}) from None


class FrenchIntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(_("Nombre entier attendu, pas « %(value)s ».") % {"value": value}) from None


def _text(column, attribute):
    return fields.Field(attribute=attribute, column_name=column, widget=widgets.CharWidget(allow_blank=True))


def _lead(column="porteur"):
    return fields.Field(
        attribute="lead",
        column_name=column,
        widget=ChoiceWidget(
            Institution, gettext_lazy("Porteur inconnu « %(value)s » (codes possibles : %(codes)s)."), allow_blank=True
        ),
    )


class FrenchResource(resources.ModelResource):
    """Shared behaviour: the columns a file must have, checked before any row."""

    def required_columns(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def missing_columns(self, headers) -> list[str]:
        headers = {str(header).strip() for header in headers or []}
        return [column for column in self.required_columns() if column not in headers]

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

    def before_import(self, dataset, **kwargs):
        missing = self.missing_columns(dataset.headers)
        if missing:
            raise ValueError(_("Colonnes manquantes : %(columns)s.") % {"columns": ", ".join(missing)})
        super().before_import(dataset, **kwargs)


class ProposalResource(FrenchResource):
    key = _text("cle", "key")
    number = fields.Field(attribute="number", column_name="numero", widget=FrenchIntegerWidget())
    axis = fields.Field(
        attribute="axis",
        column_name="axe",
        widget=KeyForeignKeyWidget(Axis, "slug", gettext_lazy("Axe inconnu « %(value)s ».")),
    )
    title = _text("titre", "title")
    short_title = _text("intitule_court", "short_title")
    text = _text("texte", "text")
    summary = _text("resume", "summary")
    lead = _lead()
    order = fields.Field(attribute="order", column_name="ordre", widget=FrenchIntegerWidget())

    class Meta:
        model = Proposal
        fields = ["key", "number", "axis", "title", "short_title", "text", "summary", "lead", "order"]
        import_id_fields = ["key"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("axis")

    def required_columns(self) -> list[str]:
        # Optional: a file made before short titles existed imports unchanged (they stay as they are).
        return [column for column in super().required_columns() if column != "intitule_court"]

    def before_import_row(self, row, **kwargs):
        if row.get("ordre") in (None, ""):
            row["ordre"] = 0


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
        widget=ChoiceWidget(Status, gettext_lazy("Statut inconnu « %(value)s » (codes possibles : %(codes)s).")),
    )
    explanation = _text("explication", "explanation")
    source_label = fields.Field(column_name="source_libelle", widget=widgets.CharWidget(allow_blank=True))
    source_url = fields.Field(column_name="source_url", widget=widgets.CharWidget(allow_blank=True))
    source_reference = fields.Field(column_name="source_reference", widget=widgets.CharWidget(allow_blank=True))
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

    def filter_export(self, queryset, **kwargs):
        # A stable order makes the export reproducible (the round trip compares files).
        return queryset.select_related("proposal").prefetch_related("sources").order_by("proposal__key", "year")

    # Export: the first source of each status.
    @staticmethod
    def _first_source(yearly):
        sources = list(yearly.sources.all())
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
        if "year" not in errors and instance.year is not None and not year_is_allowed(instance.year):
            errors["year"] = ValidationError(year_range_message())
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
    lead = _lead()
    start_year = fields.Field(attribute="start_year", column_name="annee_lancement", widget=FrenchIntegerWidget())
    state = fields.Field(
        attribute="state",
        column_name="etat",
        widget=ChoiceWidget(ProjectState, gettext_lazy("État inconnu « %(value)s » (codes possibles : %(codes)s).")),
    )
    proposals = fields.Field(
        attribute="proposals",
        column_name="propositions",
        widget=KeysManyToManyWidget(Proposal, field="key", separator=","),
    )

    class Meta:
        model = Project
        fields = ["slug", "title", "summary", "focus", "lead", "start_year", "state", "proposals"]
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("proposals__axis").order_by("slug")
