"""The committee's back office: its assessments, its statements, and «Publier». Who may do
what is in the group «Comité de suivi» the migration 0002_committee_role creates: the
committee writes here and nowhere else; editors and clerks only see."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from publishing.admin import PublishedRecordAdmin, YearLockedRowAdmin
from publishing.correction_admin import OpenCorrectionAdmin

from .models import (
    Assessment,
    AssessmentSource,
    AxisStatement,
    CommitteeReview,
    CommitteeVersion,
    grade_label,
)

URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class YearLockedAdmin(YearLockedRowAdmin, HistoryAdmin):
    """A row of a published committee year is part of the record: read-only until the committee
    opens a rectificatif on that year."""


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
class CommitteeReviewAdmin(OpenCorrectionAdmin, PublishedRecordAdmin, HistoryAdmin):
    list_display = ["year", "is_published", "published_at"]
    change_form_template = "admin/assessments/committeereview/change_form.html"
    publish_confirm_template = "admin/assessments/committeereview/publish_confirm.html"
    publish_title = _("Publier l'avis du comité pour %(year)s ?")
    correction_publish_title = _("Publier le rectificatif de l'avis du comité pour %(year)s ?")
    published_message = _("L'avis du comité pour %(year)s est publié (version %(number)s).")
    correction_published_message = published_message
    correction_opened_message = _(
        "Rectificatif ouvert : les avis %(year)s peuvent être corrigés, puis le rectificatif publié."
    )


@admin.register(CommitteeVersion)
class CommitteeVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The published versions, for the record: nobody changes them."""

    list_display = ["review", "number", "published_at", "published_by", "reason"]
    list_select_related = ["review", "published_by"]
    fields = ["review", "number", "published_at", "published_by", "reason", "statement"]
    readonly_fields = fields
