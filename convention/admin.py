"""The back office of published records, and of log-in attempts."""

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin


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
