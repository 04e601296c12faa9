"""The back office for the convention's content: proposals, yearly statuses and their sources,
projects and key figures. Who may do what is in the groups the migration 0003_roles creates."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from publishing.admin import YearLockedRowAdmin

from .forms import (
    BulkStatusForm,
    ProjectForm,
    ProposalForm,
    SourceInlineFormSet,
    YearlyStatusForm,
)
from .models import (
    Axis,
    Convention,
    Institution,
    KeyFigure,
    Project,
    Proposal,
    Source,
    Status,
    YearlyStatus,
)
from .services import latest_review_year, yearly_status_set_bulk
from .spreadsheets.admin import SpreadsheetAdmin
from .spreadsheets.resources import (
    AxisResource,
    InstitutionResource,
    ProjectResource,
    ProposalResource,
    YearlyStatusResource,
)

# The back office names itself after the convention: see templates/admin/base_site.html.
admin.site.index_title = _("Back-office")


@admin.register(Convention)
class ConventionAdmin(HistoryAdmin):
    """The convention, one per site: superusers name it and give its words; editors change
    its presentation only."""

    list_display = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "addressed_to", "introduction", "is_demo"]}),
        (_("Les mots de la convention"), {"fields": Convention.WORD_FIELDS}),
        (_("La licence des données et des documents"), {"fields": Convention.LICENCE_FIELDS}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Convention.objects.exists()

    def get_readonly_fields(self, request, obj=None):
        return [] if Convention.may_rename(request.user) else Convention.NAMING_FIELDS

    def save_model(self, request, obj, form, change):
        obj.limit_changes_to(request.user)
        super().save_model(request, obj, form, change)


@admin.register(Institution)
class InstitutionAdmin(SpreadsheetAdmin):
    """Who carries the proposals and projects; the code is the `porteur` filter's value."""

    resource_classes = [InstitutionResource]
    list_display = ["name", "code", "order"]
    prepopulated_fields = {"code": ["name"]}
    search_fields = ["name", "code"]


@admin.register(Axis)
class AxisAdmin(SpreadsheetAdmin):
    """The convention's axes; importable (`identifiant`, `nom`, `description`, `ordre`) before its proposals.
    Their list is titled with the convention's own word («Thèmes»)."""

    def changelist_view(self, request, extra_context=None):
        title = capfirst(Convention.of_request(request).axis_name_plural)
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    resource_classes = [AxisResource]
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


# The proposals' list filters.


class AsOfYearFilter(admin.SimpleListFilter):
    """The year the «statut» column and filter refer to; by default the latest review's year."""

    title = _("statut au bilan de l'année")
    parameter_name = "annee"

    def lookups(self, request, model_admin):
        self.current = str(model_admin.status_year(request))
        years = set(YearlyStatus.record_model().objects.values_list("year", flat=True))
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

    # View-only rows: Django neither validates nor saves them, so a status of a locked year
    # does not block saving the proposal's live fields (its own page keeps the lock).
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sources"))
    def source_count(self, yearly):
        return yearly.n_sources


@admin.register(Proposal)
class ProposalAdmin(SpreadsheetAdmin):
    resource_classes = [ProposalResource]
    list_display = ["key", "number", "display_title", "axis", "current_status", "title_missing"]
    list_display_links = ["key", "display_title"]
    list_filter = [AsOfYearFilter, StatusAsOfFilter, "axis", "leads", MissingTitleFilter, ToCheckFilter]
    search_fields = ["key", "title", "short_title", "summary", "text"]
    list_select_related = ["axis"]
    readonly_fields = ["add_yearly_status"]
    form = ProposalForm
    fieldsets = [
        (None, {"fields": ["key", "number", "axis", "order", "leads", "opened_revision"]}),
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

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "leads":  # a few institutions: boxes to tick, no JavaScript needed
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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
class YearlyStatusAdmin(YearLockedRowAdmin, SpreadsheetAdmin):
    """A yearly status of a published year is part of the record: read-only (with its sources)
    until a rectificatif is opened on that year's review."""

    resource_classes = [YearlyStatusResource]
    form = YearlyStatusForm
    list_display = ["proposal_key", "year", "status", "source_count"]
    list_filter = ["year", "status", "proposal__axis"]
    search_fields = ["proposal__key", "proposal__title", "explanation"]
    list_select_related = ["proposal"]
    inlines = [SourceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_sources=Count("sources"))

    def get_deleted_objects(self, objs, request):
        # A status goes with its sources. SourceAdmin refuses deleting a source on its own (that
        # would bypass the source rule), which must not block deleting the status itself.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if request.user.has_perm("proposals.delete_source"):
            source_name = str(Source._meta.verbose_name)
            perms_needed = {name for name in perms_needed if str(name) != source_name}
        return deleted, counts, perms_needed, protected

    @admin.display(description=_("proposition"), ordering="proposal__key")
    def proposal_key(self, yearly):
        return yearly.proposal.key

    @admin.display(description=_("sources"), ordering="n_sources")
    def source_count(self, yearly):
        return yearly.n_sources


@admin.register(Source)
class SourceAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """To look up sources and their history; they are edited on their yearly status's page,
    where the source rule is checked."""

    list_display = ["label", "yearly_status", "reference", "date"]
    list_select_related = ["yearly_status__proposal"]
    search_fields = ["label", "reference", "url", "yearly_status__proposal__key"]
    list_filter = ["yearly_status__year"]


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 1  # an empty row: a figure can be added without JavaScript


@admin.register(Project)
class ProjectAdmin(SpreadsheetAdmin):
    resource_classes = [ProjectResource]
    form = ProjectForm
    list_display = ["title", "slug", "lead", "state", "start_year", "proposal_count"]
    list_select_related = ["lead"]
    list_filter = ["state", "lead"]
    search_fields = ["title", "summary", "focus"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["proposals", "partners"]
    inlines = [KeyFigureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_proposals=Count("proposals"))

    @admin.display(description=_("propositions"), ordering="n_proposals")
    def proposal_count(self, project):
        return project.n_proposals


@admin.register(KeyFigure)
class KeyFigureAdmin(HistoryAdmin):
    list_display = ["label", "value", "unit", "year", "project"]
    list_select_related = ["project"]
    list_filter = ["project"]
    search_fields = ["label", "project__title"]


def _axes_named_by_the_convention(get_app_list):
    """The back office's index and menu name the axes with the convention's word («Thèmes»),
    not the model's fixed one."""

    def app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        for app in apps:
            for model in app["models"]:
                if model["model"] is Axis:
                    model["name"] = capfirst(Convention.of_request(request).axis_name_plural)
        return apps

    return app_list


admin.site.get_app_list = _axes_named_by_the_convention(admin.site.get_app_list)
