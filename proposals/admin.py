"""The back office for the convention's content: proposals, yearly statuses and their sources,
projects and key figures. Who may do what is in the groups the migration 0003_roles creates."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm
from simple_history.admin import SimpleHistoryAdmin

from reports.models import AnnualReview

from .forms import BulkStatusForm, SourceInlineFormSet, SpreadsheetImportForm, YearlyStatusForm
from .models import Axis, Convention, KeyFigure, Project, Proposal, Source, Status, YearlyStatus
from .resources import FORMATS, ProjectResource, ProposalResource, YearlyStatusResource
from .services import latest_review_year, yearly_status_set_bulk


class SpreadsheetAdmin(ImportExportMixin, SimpleHistoryAdmin):
    """Import and export in CSV, XLSX and ODS, with the history of every change.

    Import needs the model's add and change permissions (editors); export needs the view
    permission (clerks too). An import writes nothing unless every row is valid."""

    formats = FORMATS
    import_form_class = SpreadsheetImportForm
    # Every column, always: the file an export gives is the file an import takes.
    export_form_class = ExportForm

    # django-import-export 4.4 lets every staff member import and export unless the settings
    # IMPORT_EXPORT_*_PERMISSION_CODE are set: the model's own permissions decide here instead.
    def has_import_permission(self, request):
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The confirmed import runs again from the file: roll everything back on any invalid row.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_export_filename(self, request, queryset, file_format):
        # e.g. suivis-annuels-2025-12-15.xlsx
        name = slugify(str(self.opts.verbose_name_plural))
        return f"{name}-{timezone.localdate().isoformat()}.{file_format.get_extension()}"

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", gettext("Ce fichier n'est pas lisible dans le format choisi."))


# The back office names itself after the site (SITE_NAME), not "Administration de Django".
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Back-office")


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    """The home page's presentation of the convention: one per site."""

    list_display = ["name"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Convention.objects.exists()


@admin.register(Axis)
class AxisAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


# The proposals' list filters.


class AsOfYearFilter(admin.SimpleListFilter):
    """The year the «statut» column and filter refer to; by default the latest review's year."""

    title = _("statut au bilan de l'année")
    parameter_name = "annee"

    def lookups(self, request, model_admin):
        self.current = str(model_admin.status_year(request))
        years = set(AnnualReview.objects.values_list("year", flat=True))
        years |= set(YearlyStatus.objects.values_list("year", flat=True).distinct())
        return [(str(year), str(year)) for year in sorted(years, reverse=True)]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": value == self.current,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        return queryset  # The year is applied by ProposalAdmin.get_queryset (the annotation).


class StatusAsOfFilter(admin.SimpleListFilter):
    title = _("statut")
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.filter(status_as_of=self.value())
        return queryset


class ToCheckFilter(admin.SimpleListFilter):
    title = _("mise à jour")
    parameter_name = "a_verifier"

    def lookups(self, request, model_admin):
        return [("oui", _("À vérifier : statut plus ancien que le dernier bilan"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.to_check(latest_review_year())
        return queryset


class MissingTitleFilter(admin.SimpleListFilter):
    title = _("intitulé")
    parameter_name = "intitule"

    def lookups(self, request, model_admin):
        return [("a_completer", _("Intitulé à compléter")), ("renseigne", _("Intitulé renseigné"))]

    def queryset(self, request, queryset):
        if self.value() == "a_completer":
            return queryset.filter(title="")
        if self.value() == "renseigne":
            return queryset.exclude(title="")
        return queryset


class YearlyStatusInline(admin.TabularInline):
    """The proposal's yearly statuses, read-only here: a status is entered with its sources on
    its own page (the link of each row), where the source rule is checked."""

    model = YearlyStatus
    fields = ["year", "status", "explanation", "source_count"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposal").annotate(n_sources=Count("sources"))

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sources"))
    def source_count(self, yearly):
        return yearly.n_sources


@admin.register(Proposal)
class ProposalAdmin(SpreadsheetAdmin):
    resource_classes = [ProposalResource]
    list_display = ["key", "number", "display_title", "axis", "current_status", "lead", "title_missing"]
    list_display_links = ["key", "display_title"]
    list_filter = [AsOfYearFilter, StatusAsOfFilter, "axis", "lead", MissingTitleFilter, ToCheckFilter]
    search_fields = ["key", "title", "short_title", "summary", "text"]
    list_select_related = ["axis"]
    readonly_fields = ["add_yearly_status"]
    fieldsets = [
        (None, {"fields": ["key", "number", "axis", "order", "lead"]}),
        (_("Textes"), {"fields": ["title", "short_title", "summary", "text"]}),
        (_("Suivi annuel"), {"fields": ["add_yearly_status"]}),
    ]
    inlines = [YearlyStatusInline]
    actions = ["set_status_for_year"]

    def status_year(self, request) -> int:
        """The year of the «statut» column: ?annee=, else the latest review, else this year's."""
        try:
            return int(request.GET["annee"])
        except (KeyError, ValueError):
            pass
        if not hasattr(request, "_latest_review_year"):
            request._latest_review_year = latest_review_year()
        return request._latest_review_year or YearlyStatus.objects.aggregate(year=Max("year"))["year"] or 0

    def get_queryset(self, request):
        return super().get_queryset(request).with_status_as_of(self.status_year(request))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            # Up to 1,000 characters: a text area shows a long title whole.
            kwargs["widget"] = forms.Textarea(attrs={"rows": 4, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("intitulé"), ordering="title")
    def display_title(self, proposal):
        return proposal.short_display_title

    @admin.display(description=_("statut"), ordering="status_as_of")
    def current_status(self, proposal):
        return Status(proposal.status_as_of).label

    @admin.display(description=_("titre à compléter"), boolean=True)
    def title_missing(self, proposal):
        return not proposal.has_title

    @admin.display(description=_("ajouter un suivi"))
    def add_yearly_status(self, proposal):
        if not proposal.pk:
            return _("Enregistrez d'abord la proposition.")
        url = reverse("admin:proposals_yearlystatus_add")
        return format_html('<a href="{}?proposal={}">{}</a>', url, proposal.pk, _("Ajouter le statut d'une année"))

    # The bulk action.

    def has_set_status_permission(self, request):
        return request.user.has_perms(["proposals.add_yearlystatus", "proposals.change_yearlystatus"])

    @admin.action(description=_("Fixer le statut pour l'année…"), permissions=["set_status"])
    def set_status_for_year(self, request, queryset):
        """An intermediate page asks once for the year, status, explanation and source; the
        form posts back here (with `apply`) and every selected proposal gets that status."""
        form = BulkStatusForm(request.POST if "apply" in request.POST else None, initial={"year": latest_review_year()})
        if form.is_valid():
            try:
                saved = yearly_status_set_bulk(
                    proposals=queryset,
                    year=form.cleaned_data["year"],
                    status=form.cleaned_data["status"],
                    explanation=form.cleaned_data["explanation"],
                    source=form.source(),
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    gettext("Statut %(year)s enregistré pour %(count)s proposition(s).")
                    % {"year": form.cleaned_data["year"], "count": len(saved)},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Fixer le statut pour l'année"),
            "opts": self.opts,
            "form": form,
            "proposals": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/proposals/proposal/set_status.html", context)


class SourceInline(admin.TabularInline):
    model = Source
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    formset = SourceInlineFormSet
    fields = ["label", "url", "reference", "date"]
    extra = 1


@admin.register(YearlyStatus)
class YearlyStatusAdmin(SpreadsheetAdmin):
    resource_classes = [YearlyStatusResource]
    form = YearlyStatusForm
    list_display = ["proposal_key", "year", "status", "source_count"]
    list_filter = ["year", "status", "proposal__axis"]
    search_fields = ["proposal__key", "proposal__title", "explanation"]
    list_select_related = ["proposal"]
    inlines = [SourceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_sources=Count("sources"))

    @admin.display(description=_("proposition"), ordering="proposal__key")
    def proposal_key(self, yearly):
        return yearly.proposal.key

    @admin.display(description=_("sources"), ordering="n_sources")
    def source_count(self, yearly):
        return yearly.n_sources


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    """To look up sources and their history; they are edited on their yearly status's page,
    where the source rule is checked."""

    list_display = ["label", "yearly_status", "reference", "date"]
    list_select_related = ["yearly_status__proposal"]
    search_fields = ["label", "reference", "url", "yearly_status__proposal__key"]
    list_filter = ["yearly_status__year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 1  # an empty row: a figure can be added without JavaScript


@admin.register(Project)
class ProjectAdmin(SpreadsheetAdmin):
    resource_classes = [ProjectResource]
    list_display = ["title", "slug", "lead", "state", "start_year", "proposal_count"]
    list_filter = ["state", "lead"]
    search_fields = ["title", "summary", "focus"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["proposals"]
    inlines = [KeyFigureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_proposals=Count("proposals"))

    @admin.display(description=_("propositions"), ordering="n_proposals")
    def proposal_count(self, project):
        return project.n_proposals


@admin.register(KeyFigure)
class KeyFigureAdmin(SimpleHistoryAdmin):
    list_display = ["label", "value", "unit", "year", "project"]
    list_select_related = ["project"]
    list_filter = ["project"]
    search_fields = ["label", "project__title"]
