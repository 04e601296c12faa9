"""The committee's back office: its assessments, its statements, and «Publier». Who may do
what is in the group «Comité de suivi» the migration 0002_committee_role creates: the
committee writes here and nowhere else; editors and clerks only see."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from convention.admin import PublishedRecordAdminMixin
from core.admin import HistoryAdmin, ReadOnlyAdminMixin

from .models import (
    LOCKED_MESSAGE,
    Assessment,
    AssessmentSource,
    AxisStatement,
    CommitteeReview,
    CommitteeVersion,
    grade_label,
    locked_years,
)
from .publication import PublicationError, committee_open_correction, committee_publish

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class YearLockedAdmin(HistoryAdmin):
    """A row of a published committee year is part of the record: read-only until the committee
    opens a rectificatif on that year."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and locked_years([obj.year]))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and locked_years([obj.year]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and locked_years([obj.year]):
            self.message_user(request, LOCKED_MESSAGE % {"year": obj.year}, messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)


class AssessmentSourceInline(admin.TabularInline):
    model = AssessmentSource
    formfield_overrides = URL_FIELDS
    fields = ["label", "url", "reference", "date"]
    extra = 1  # an empty row: a source can be added without JavaScript


@admin.register(Assessment)
class AssessmentAdmin(YearLockedAdmin):
    list_display = ["proposal", "year", "grade_display", "fidelity"]
    list_filter = ["year", "fidelity", "proposal__axis"]
    list_select_related = ["proposal"]
    search_fields = ["proposal__key", "proposal__title", "comment"]
    fields = ["proposal", "year", "grade", "fidelity", "comment"]
    inlines = [AssessmentSourceInline]

    @admin.display(description=_("note"), ordering="grade")
    def grade_display(self, assessment):
        return grade_label(assessment.grade)


@admin.register(AxisStatement)
class AxisStatementAdmin(YearLockedAdmin):
    list_display = ["axis", "year"]
    list_filter = ["year", "axis"]


@admin.register(CommitteeReview)
class CommitteeReviewAdmin(PublishedRecordAdminMixin, HistoryAdmin):
    publish_permission = "assessments.publish_committeereview"
    list_display = ["year", "is_published", "published_at"]
    change_form_template = "admin/assessments/committeereview/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return ["year", "statement", "published_at", "correction_reason", "correction_opened_at"]
        if obj is not None and obj.is_published:
            return ["year", "published_at", "correction_reason", "correction_opened_at"]
        return ["published_at", "correction_reason", "correction_opened_at"]

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_published) and super().has_delete_permission(request, obj)

    @admin.display(description=_("publié"), boolean=True, ordering="published_at")
    def is_published(self, review):
        return review.is_published

    def publish_view(self, request, object_id):
        """POST from «Publier» shows a confirmation; POST with `confirm` publishes."""
        if not request.user.has_perm("assessments.publish_committeereview"):
            raise PermissionDenied
        review = get_object_or_404(CommitteeReview, pk=object_id)
        change_url = reverse("admin:assessments_committeereview_change", args=[review.pk])
        if request.method != "POST":
            return redirect(change_url)
        if "confirm" in request.POST:
            try:
                version = committee_publish(review, user=request.user)
            except PublicationError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(change_url)
            self.message_user(
                request,
                gettext("L'avis du comité pour %(year)s est publié (version %(number)s).")
                % {"year": review.year, "number": version.number},
                messages.SUCCESS,
            )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Publier l'avis du comité pour %(year)s ?") % {"year": review.year},
            "opts": self.opts,
            "review": review,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/assessments/committeereview/publish_confirm.html", context)

    @method_decorator(require_POST)
    def correction_view(self, request, object_id):
        if not request.user.has_perm("assessments.publish_committeereview"):
            raise PermissionDenied
        review = get_object_or_404(CommitteeReview, pk=object_id)
        try:
            committee_open_correction(review, reason=request.POST.get("reason", ""), user=request.user)
        except PublicationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Rectificatif ouvert : les avis %(year)s peuvent être corrigés, puis le rectificatif publié.")
                % {"year": review.year},
                messages.SUCCESS,
            )
        return redirect(reverse("admin:assessments_committeereview_change", args=[review.pk]))


@admin.register(CommitteeVersion)
class CommitteeVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The published versions, for the record: nobody changes them."""

    list_display = ["review", "number", "published_at", "published_by", "reason"]
    list_select_related = ["review", "published_by"]
    fields = ["review", "number", "published_at", "published_by", "reason", "statement"]
    readonly_fields = fields
