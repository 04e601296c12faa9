"""The back office's way out of a rectificatif that cannot be published: whoever may publish
the record (the Greffe for a review, the committee for its year; superusers) corrects the open
rectificatif's reason, or cancels the rectificatif, until it is published. Mixed before
`admin.PublishedRecordAdmin`; the model says the rules (`PublishedRecord.correct_correction_reason`,
`cancel_correction`) and its history keeps who did what."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

REASON_CORRECTED_MESSAGE = _("Le motif du rectificatif de %(record)s est corrigé : il sera publié avec lui.")
CORRECTION_CANCELLED_MESSAGE = _(
    "Le rectificatif de %(record)s est annulé : la version publiée reste celle que le public lit, et "
    "l'année est de nouveau verrouillée. Les corrections déjà saisies restent dans les données de "
    "travail (et leur historique) pour un prochain rectificatif."
)


class OpenCorrectionAdmin:
    """«Corriger le motif» and «Annuler le rectificatif» on a record's change page (the template
    `admin/publishing/_open_correction.html`, shown while a rectificatif is open)."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:object_id>/rectificatif/motif/",
                self.admin_site.admin_view(self.correction_reason_view),
                name=f"{prefix}_correction_reason",
            ),
            path(
                "<int:object_id>/rectificatif/annuler/",
                self.admin_site.admin_view(self.correction_cancel_view),
                name=f"{prefix}_correction_cancel",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_manage_correction": True}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _open_correction_action(self, request, object_id, action, done_message):
        if not request.user.has_perm(self.publish_permission):
            raise PermissionDenied
        record = get_object_or_404(self.model, pk=object_id)
        try:
            action(record)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done_message % {"record": record}, messages.SUCCESS)
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk]))

    @method_decorator(require_POST)
    def correction_reason_view(self, request, object_id):
        """POST `reason`: the open rectificatif's new reason."""
        reason = request.POST.get("reason", "")
        return self._open_correction_action(
            request,
            object_id,
            lambda record: record.correct_correction_reason(reason, user=request.user),
            REASON_CORRECTED_MESSAGE,
        )

    @method_decorator(require_POST)
    def correction_cancel_view(self, request, object_id):
        return self._open_correction_action(
            request,
            object_id,
            lambda record: record.cancel_correction(user=request.user),
            CORRECTION_CANCELLED_MESSAGE,
        )
