"""The back office for the annual reviews: the clerks record the council deliberations,
preview every document and publish the year."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from convention.admin import PublishedRecordAdminMixin
from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from proposals.models import Proposal

from .models import AnnualReview, Assembly, Deliberation, ReviewVersion
from .publication import ADMIN_PUBLISH_MAX_PROPOSALS, PublicationError, review_open_correction, review_publish

# The review's documents, by extension (served at /bilans/<year>.<ext>).

REVIEW_FIELDS = ["year", "situation_date", "introduction", "is_final", "published_at"]
CORRECTION_FIELDS = ["correction_reason", "correction_opened_at"]


URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def is_locked(review) -> bool:
    """A published review without an open rectificatif: nobody changes it, superusers included."""
    return review is not None and review.pk is not None and review.is_locked


class DeliberationInline(admin.TabularInline):
    model = Deliberation
    formfield_overrides = URL_FIELDS
    fields = ["body", "date", "reference", "url"]
    extra = 1  # an empty row: a deliberation can be recorded without JavaScript

    def has_add_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_locked(obj) and super().has_delete_permission(request, obj)


@admin.register(AnnualReview)
class AnnualReviewAdmin(PublishedRecordAdminMixin, HistoryAdmin):
    publish_permission = "reports.publish_annualreview"
    list_display = ["year", "situation_date", "is_final", "is_published", "published_at", "documents"]
    list_filter = ["is_final"]
    inlines = [DeliberationInline]
    change_form_template = "admin/reports/annualreview/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        # A published review is a record: read-only for everyone until a rectificatif is open,
        # and its year never changes. Clerks may change a draft only to record its
        # deliberations; the review itself is written by whoever may create reviews.
        # It is published with the «Publier» button, which also fills `published_at`.
        if is_locked(obj) or not request.user.has_perm("reports.add_annualreview"):
            return [*REVIEW_FIELDS, *CORRECTION_FIELDS, "documents"]
        if obj is not None and obj.is_published:
            return ["year", "published_at", *CORRECTION_FIELDS, "documents"]
        return ["published_at", *CORRECTION_FIELDS, "documents"]

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_published) and super().has_delete_permission(request, obj)

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

    def publish_view(self, request, object_id):
        """POST from the «Publier» button shows a confirmation; POST with `confirm` publishes
        (the review, or its open rectificatif). Any other method (reloading the confirmation
        page) goes back to the review."""
        if not request.user.has_perm("reports.publish_annualreview"):
            raise PermissionDenied
        review = get_object_or_404(AnnualReview, pk=object_id)
        change_url = reverse("admin:reports_annualreview_change", args=[review.pk])
        if request.method != "POST":
            return redirect(change_url)
        if is_locked(review):
            self.message_user(
                request,
                gettext("Ce bilan est déjà publié : pour le corriger, ouvrez un rectificatif."),
                messages.WARNING,
            )
            return redirect(change_url)
        if Proposal.objects.count() > ADMIN_PUBLISH_MAX_PROPOSALS:
            self.message_user(
                request,
                gettext(
                    "Ce bilan compte plus de %(max)s propositions : sa publication (documents compris) "
                    "dépasse la durée d'une requête web. Publiez-le depuis le serveur avec la commande "
                    "« python manage.py publish_review %(year)s »."
                )
                % {"max": ADMIN_PUBLISH_MAX_PROPOSALS, "year": review.year},
                messages.ERROR,
            )
            return redirect(change_url)
        if "confirm" in request.POST:
            try:
                version = review_publish(review, user=request.user)
            except PublicationError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(change_url)
            if version.is_correction:
                message = gettext("Le rectificatif du bilan %(year)s est publié (version %(number)s).")
            else:
                message = gettext("Le bilan %(year)s est publié : l'année est désormais visible du public.")
            self.message_user(request, message % {"year": review.year, "number": version.number}, messages.SUCCESS)
            return redirect(change_url)
        if review.correction_is_open:
            title = gettext("Publier le rectificatif du bilan %(year)s ?")
        else:
            title = gettext("Publier le bilan %(year)s ?")
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"year": review.year},
            "opts": self.opts,
            "review": review,
            "number": review.next_version_number(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/reports/annualreview/publish_confirm.html", context)

    @method_decorator(require_POST)
    def correction_view(self, request, object_id):
        """«Ouvrir un rectificatif»: a clerk gives the reason; editors may then correct the year."""
        if not request.user.has_perm("reports.publish_annualreview"):
            raise PermissionDenied
        review = get_object_or_404(AnnualReview, pk=object_id)
        try:
            review_open_correction(review, reason=request.POST.get("reason", ""), user=request.user)
        except PublicationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext(
                    "Rectificatif ouvert : les statuts %(year)s peuvent être corrigés, puis le rectificatif publié."
                )
                % {"year": review.year},
                messages.SUCCESS,
            )
        return redirect(reverse("admin:reports_annualreview_change", args=[review.pk]))


@admin.register(Assembly)
class AssemblyAdmin(HistoryAdmin):
    """The assemblies the reviews are presented to (a council, a parliament's chamber)."""

    list_display = ["name", "code", "order"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Deliberation)
class DeliberationAdmin(HistoryAdmin):
    list_display = ["review", "body", "date", "reference"]
    list_filter = ["body", "review"]
    list_select_related = ["review", "body"]
    search_fields = ["reference"]
    formfield_overrides = URL_FIELDS

    # A locked review's deliberations are part of its record (Deliberation.clean refuses the
    # rest): read-only, and kept out of bulk deletions, which skip the model's delete().

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and is_locked(obj.review)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and is_locked(obj.review)) and super().has_delete_permission(request, obj)


@admin.register(ReviewVersion)
class ReviewVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The published versions, for the record: nobody changes them."""

    list_display = ["review", "number", "published_at", "published_by", "reason"]
    list_select_related = ["review", "published_by"]
    fields = ["review", "number", "published_at", "published_by", "reason", "situation_date", "is_final"]
    readonly_fields = fields
