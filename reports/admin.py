"""The back office for the annual reviews: the clerks record the council deliberations,
preview every document and publish the year."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnualReview, Deliberation

# The review's documents, by extension (served at /bilans/<year>.<ext>).

REVIEW_FIELDS = ["year", "situation_date", "introduction", "is_final", "published_at"]


URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class DeliberationInline(admin.TabularInline):
    model = Deliberation
    formfield_overrides = URL_FIELDS
    fields = ["body", "date", "reference", "url"]
    extra = 1  # an empty row: a deliberation can be recorded without JavaScript


@admin.register(AnnualReview)
class AnnualReviewAdmin(SimpleHistoryAdmin):
    list_display = ["year", "situation_date", "is_final", "is_published", "published_at", "documents"]
    list_filter = ["is_final"]
    inlines = [DeliberationInline]
    change_form_template = "admin/reports/annualreview/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        # Clerks may change a review only to record its deliberations; the review itself is
        # written by whoever may create reviews. It is published with the «Publier» button.
        if not request.user.has_perm("reports.add_annualreview"):
            return [*REVIEW_FIELDS, "documents"]
        if request.user.is_superuser:
            return ["documents"]
        return ["published_at", "documents"]

    @admin.display(description=_("publié"), boolean=True, ordering="published_at")
    def is_published(self, review):
        return review.is_published

    @admin.display(description=_("aperçu et documents"))
    def documents(self, review):
        if not review.pk:
            return "—"
        page = format_html('<a href="{}">{}</a>', review.get_absolute_url(), _("page"))
        files = format_html_join(" · ", '<a href="{1}">{0}</a>', review.document_links())
        return format_html("{} · {}", page, files)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_publish": request.user.has_perm("reports.publish_annualreview"),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/publier/",
                self.admin_site.admin_view(self.publish_view),
                name="reports_annualreview_publish",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request, object_id):
        """POST from the «Publier» button shows a confirmation; POST with `confirm` publishes.
        Any other method (reloading the confirmation page) goes back to the review."""
        if not request.user.has_perm("reports.publish_annualreview"):
            raise PermissionDenied
        review = get_object_or_404(AnnualReview, pk=object_id)
        change_url = reverse("admin:reports_annualreview_change", args=[review.pk])
        if request.method != "POST":
            return redirect(change_url)
        if review.is_published:
            self.message_user(request, gettext("Ce bilan est déjà publié."), messages.WARNING)
            return redirect(change_url)
        if "confirm" in request.POST:
            review._history_user = request.user
            review.publish()
            self.message_user(
                request,
                gettext("Le bilan %(year)s est publié : l'année est désormais visible du public.")
                % {"year": review.year},
                messages.SUCCESS,
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Publier le bilan %(year)s ?") % {"year": review.year},
            "opts": self.opts,
            "review": review,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/reports/annualreview/publish_confirm.html", context)


@admin.register(Deliberation)
class DeliberationAdmin(SimpleHistoryAdmin):
    list_display = ["review", "body", "date", "reference"]
    list_filter = ["body", "review"]
    list_select_related = ["review"]
    search_fields = ["reference"]
    formfield_overrides = URL_FIELDS
