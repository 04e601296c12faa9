"""The back office of published records, of log-in attempts, and its «view on site» shortcut."""

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404


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


def view_on_site(request, content_type_id, object_id):
    """The admin's «view on site» shortcut, for what its user may view in the back office only:
    Django's own answers any staff member for any model with a page (a follower's
    subscriptions included: how many there are, what each one follows). What the user may not
    view answers 404, whether it exists or not."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type is not None else None
    model_admin = admin.site._registry.get(model)
    if model is None:
        raise Http404
    if model_admin is not None:
        allowed = model_admin.has_view_permission(request)
    else:  # an inline's model: the permissions it is shown with
        allowed = request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}") or (
            request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        )
    if not allowed:
        raise Http404
    if model_admin is not None:
        obj = model._default_manager.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if obj is not None and not model_admin.has_view_permission(request, obj):
            raise Http404
    return shortcut(request, content_type_id, object_id)
