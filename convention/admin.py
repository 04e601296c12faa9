"""The back office of published records, and of log-in attempts."""

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin
from django.urls import path


class PublishedRecordAdminMixin:
    """The back office of something published as numbered, frozen versions (a review, the
    committee's year): the change page lists the versions and offers «Publier» and «Ouvrir un
    rectificatif»; `publish_view` and `correction_view` are the model admin's own."""

    publish_permission = ""  # "app.codename"

    def save_model(self, request, obj, form, change):
        """Write only the fields the form changed. The model's clean took the row's lock in this
        transaction (a publication in progress was waited for, a locked record refused), and
        what the form does not edit (publication date, rectificatif) is read again under it: a
        save never writes back what a publication has just set."""
        if not change:
            return super().save_model(request, obj, form, change)
        editable = {field.name for field in obj._meta.concrete_fields if field.name in form.fields}
        obj.refresh_from_db(
            fields=[
                field.attname
                for field in obj._meta.concrete_fields
                if field.name not in editable and not field.primary_key
            ]
        )
        obj._history_user = request.user
        changed = [name for name in form.changed_data if name in editable]
        if changed:
            obj.save(update_fields=changed)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_publish": request.user.has_perm(self.publish_permission),
            "versions": record.versions.order_by("-number") if record else [],
        }
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/publier/", self.admin_site.admin_view(self.publish_view), name=f"{prefix}_publish"),
            path(
                "<int:object_id>/rectifier/",
                self.admin_site.admin_view(self.correction_view),
                name=f"{prefix}_correct",
            ),
            *super().get_urls(),
        ]


class LoginAttemptAdmin(AccessAttemptAdmin):
    """django-axes' log-in attempts («Tentatives de connexion»), where superusers lift a lockout.
    Its «Clean up expired attempts» reads what axes puts on a log-in request only: set it first,
    or the action answers 500."""

    @admin.action(description=AccessAttemptAdmin.cleanup_expired_attempts.short_description)
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)
        return super().cleanup_expired_attempts(request, queryset)


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, LoginAttemptAdmin)
