"""The back office for the annual reviews: the clerks record the council deliberations,
preview every document and publish the year."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from publishing.admin import PublishedRecordAdmin, YearLockedRowAdmin
from publishing.correction_admin import OpenCorrectionAdmin

from .models import AnnualReview, Assembly, Deliberation, ReviewVersion
from .publication import PublishReviewForm

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class DeliberationForm(forms.ModelForm):
    """A deliberation of a published review is recorded as a dated addition to its published
    version, when the user may record deliberations (`Deliberation.prepare_addition`); the
    review's lock refuses it otherwise."""

    user = None  # set by the admin for each request

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("review") is not None:
            self.instance.review = cleaned["review"]
        if self.user is not None:
            self.instance.prepare_addition(self.user)
        return cleaned


def form_for(request, form):
    return type(form.__name__, (form,), {"user": request.user})


class DeliberationInline(admin.TabularInline):
    """A locked review's deliberations are part of its record: shown, not editable; the clerks
    may add one voted after the publication (a dated addition)."""

    model = Deliberation
    form = DeliberationForm
    formfield_overrides = URL_FIELDS
    fields = ["body", "date", "reference", "url", "added_at"]
    readonly_fields = ["added_at"]
    extra = 1  # an empty row: a deliberation can be recorded without JavaScript

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = form_for(request, formset.form)
        return formset

    def has_add_permission(self, request, obj=None):
        if obj and obj.is_locked:
            return request.user.has_perm("reports.add_deliberation")
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_delete_permission(request, obj)


@admin.register(AnnualReview)
class AnnualReviewAdmin(OpenCorrectionAdmin, PublishedRecordAdmin, HistoryAdmin):
    """Clerks may change a draft only to record its deliberations; the review itself is written
    by whoever may create reviews."""

    list_display = ["year", "situation_date", "is_final", "is_published", "published_at", "documents"]
    list_filter = ["is_final"]
    inlines = [DeliberationInline]
    change_form_template = "admin/reports/annualreview/change_form.html"
    publish_confirm_template = "admin/reports/annualreview/publish_confirm.html"
    shown_fields = ["documents"]
    publish_title = _("Publier le bilan %(year)s ?")
    correction_publish_title = _("Publier le rectificatif du bilan %(year)s ?")
    published_message = _("Le bilan %(year)s est publié : l'année est désormais visible du public.")
    correction_published_message = _("Le rectificatif du bilan %(year)s est publié (version %(number)s).")
    correction_opened_message = _(
        "Rectificatif ouvert : les statuts %(year)s peuvent être corrigés, puis le rectificatif publié."
    )

    view_on_site = False  # the template's «Voir la page» (or «Prévisualiser la page») says it once

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.is_locked:
            # Nothing of a locked review changes here but a deliberation voted after its
            # publication: one «Enregistrer» for whoever may record one, none otherwise.
            context.update(
                show_save=request.user.has_perm("reports.add_deliberation"),
                show_save_and_continue=False,
                show_save_and_add_another=False,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("aperçu et documents"))
    def documents(self, review):
        if not review.pk:
            return "—"
        page = format_html('<a href="{}">{}</a>', review.get_absolute_url(), _("page"))
        files = format_html_join(" · ", '<a href="{1}">{0}</a>', review.document_links())
        return format_html("{} · {}", page, files)

    def publish_form(self, review, data):
        return PublishReviewForm(review, data)


@admin.register(Assembly)
class AssemblyAdmin(HistoryAdmin):
    """The assemblies the reviews are presented to (a council, a parliament's chamber)."""

    list_display = ["name", "code", "order"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Deliberation)
class DeliberationAdmin(YearLockedRowAdmin, HistoryAdmin):
    list_display = ["review", "body", "date", "reference", "added_at"]
    list_filter = ["body", "review"]
    list_select_related = ["review", "body"]
    search_fields = ["reference"]
    formfield_overrides = URL_FIELDS
    form = DeliberationForm
    readonly_fields = ["added_to", "added_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return form_for(request, super().get_form(request, obj, change, **kwargs))


@admin.register(ReviewVersion)
class ReviewVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The published versions, for the record: nobody changes them."""

    list_display = ["review", "number", "published_at", "published_by", "reason"]
    list_select_related = ["review", "published_by"]
    fields = ["review", "number", "published_at", "published_by", "reason", "situation_date", "is_final"]
    readonly_fields = fields
