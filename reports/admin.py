"""The back office for the annual reviews: the clerks record the council deliberations,
preview every document and publish the year."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from publishing.admin import PublishedRecordAdmin, YearLockedRowAdmin

from .models import AnnualReview, Assembly, Deliberation, ReviewVersion

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class DeliberationInline(admin.TabularInline):
    """A locked review's deliberations are part of its record: shown, not editable."""

    model = Deliberation
    formfield_overrides = URL_FIELDS
    fields = ["body", "date", "reference", "url"]
    extra = 1  # an empty row: a deliberation can be recorded without JavaScript

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_locked) and super().has_delete_permission(request, obj)


@admin.register(AnnualReview)
class AnnualReviewAdmin(PublishedRecordAdmin, HistoryAdmin):
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

    @admin.display(description=_("aperçu et documents"))
    def documents(self, review):
        if not review.pk:
            return "—"
        page = format_html('<a href="{}">{}</a>', review.get_absolute_url(), _("page"))
        files = format_html_join(" · ", '<a href="{1}">{0}</a>', review.document_links())
        return format_html("{} · {}", page, files)


@admin.register(Assembly)
class AssemblyAdmin(HistoryAdmin):
    """The assemblies the reviews are presented to (a council, a parliament's chamber)."""

    list_display = ["name", "code", "order"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Deliberation)
class DeliberationAdmin(YearLockedRowAdmin, HistoryAdmin):
    list_display = ["review", "body", "date", "reference"]
    list_filter = ["body", "review"]
    list_select_related = ["review", "body"]
    search_fields = ["reference"]
    formfield_overrides = URL_FIELDS


@admin.register(ReviewVersion)
class ReviewVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The published versions, for the record: nobody changes them."""

    list_display = ["review", "number", "published_at", "published_by", "reason"]
    list_select_related = ["review", "published_by"]
    fields = ["review", "number", "published_at", "published_by", "reason", "situation_date", "is_final"]
    readonly_fields = fields
