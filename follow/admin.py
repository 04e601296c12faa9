from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import Announcement, Message


class SuperuserReadOnlyAdmin(admin.ModelAdmin):
    """What the worker did, for superusers to look at: nobody adds, changes or deletes it here
    (the addresses are personal data: only superusers see them)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(SuperuserReadOnlyAdmin):
    list_display = ["follower", "announcement", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "announcement__kind"]
    list_select_related = ["follower", "announcement"]
    search_fields = ["follower__email", "announcement__subject"]
    readonly_fields = [
        "announcement",
        "follower",
        "concerns",
        "state",
        "attempts",
        "last_error",
        "claimed_at",
        "sent_at",
    ]
    raw_id_fields = ["announcement", "follower"]
    date_hierarchy = "created_at"


@admin.register(Announcement)
class AnnouncementAdmin(SuperuserReadOnlyAdmin):
    list_display = ["subject", "kind", "created_at", "pending", "sent", "failed"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "key", "subject", "news", "created_at"]

    def get_queryset(self, request):
        states = Message.State
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending=Count("messages", filter=Q(messages__state__in=[states.PENDING, states.SENDING])),
                sent=Count("messages", filter=Q(messages__state=states.SENT)),
                failed=Count("messages", filter=Q(messages__state=states.FAILED)),
            )
        )

    @admin.display(description=_("à envoyer"), ordering="pending")
    def pending(self, obj):
        return obj.pending

    @admin.display(description=_("envoyés"), ordering="sent")
    def sent(self, obj):
        return obj.sent

    @admin.display(description=_("en échec"), ordering="failed")
    def failed(self, obj):
        return obj.failed
