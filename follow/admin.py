"""Followers in the back office: superusers only (an e-mail address is personal data), to look
them up and, on a person's request, erase one; nobody adds or changes them here."""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .addresses import ascii_domain
from .models import Announcement, Follower, Message, Subscription
from .outbox import batches, resend_failed
from .tasks import queue_send


def stored_form(search_term: str) -> str:
    """A search for an address as its owner writes it («Lea@Bücher.de»), in the form the site
    stores addresses (follow/addresses.py): the domain, or a bare domain, in its ASCII form."""
    local, at, domain = search_term.strip().rpartition("@")
    try:
        return f"{local.lower()}{at}{ascii_domain(domain)}" if domain else search_term
    except UnicodeError:
        return search_term


class AddressSearch:
    """The search finds what the term names as typed, and as an address in its stored form."""

    def get_search_results(self, request, queryset, search_term):
        found, distinct = super().get_search_results(request, queryset, search_term)
        stored = stored_form(search_term)
        if stored != search_term:
            also, also_distinct = super().get_search_results(request, queryset, stored)
            found, distinct = found | also, distinct or also_distinct
        return found, distinct


class SuperusersOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["proposal", "axis", "pending", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Follower)
class FollowerAdmin(AddressSearch, SuperusersOnlyAdmin):
    list_display = ["email", "created_at", "confirmed_at", "subscription_count"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    ordering = ["-created_at"]
    inlines = [SubscriptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(subscription_total=Count("subscriptions"))

    @admin.display(description=_("abonnements"), ordering="subscription_total")
    def subscription_count(self, follower):
        return follower.subscription_total


@admin.register(Subscription)
class SubscriptionAdmin(AddressSearch, SuperusersOnlyAdmin):
    list_display = ["follower", "__str__", "pending", "created_at"]
    list_select_related = ["follower", "proposal", "axis"]
    search_fields = ["follower__email", "proposal__key", "proposal__title", "axis__name"]
    list_filter = ["pending", "axis"]
    ordering = ["-created_at"]


class OutboxAdmin(SuperusersOnlyAdmin):
    """What the worker did, for superusers to look at: nobody adds, changes or deletes it here."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(OutboxAdmin):
    """The outbox: each message's fate, the backlog and the failures at the top of the list, and
    one action, for superusers only: send failed messages again (once the mail server works)."""

    list_display = ["follower", "kind", "announcement", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "kind", "announcement__kind"]
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["follower", "announcement"]
    search_fields = ["follower__email", "announcement__subject"]
    readonly_fields = [
        "kind",
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
    actions = ["resend"]

    def has_resend_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    @admin.action(description=_("Renvoyer les messages en échec sélectionnés"), permissions=["resend"])
    def resend(self, request, queryset):
        """Failed messages get a new series of attempts (FOLLOW_MAX_ATTEMPTS), queued at once;
        each is recorded in the back office's history. The others selected are left as they are."""
        with transaction.atomic():
            ids = resend_failed(list(queryset.values_list("pk", flat=True)))
            for batch in batches(ids):
                queue_send(batch)
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=Message.objects.filter(pk__in=ids),
                action_flag=CHANGE,
                change_message=gettext("Renvoi demandé : nouvelle série de tentatives."),
            )
        if ids:
            text = ngettext(
                "%(count)s message en échec remis dans la file d'envoi.",
                "%(count)s messages en échec remis dans la file d'envoi.",
                len(ids),
            )
            self.message_user(request, text % {"count": len(ids)}, messages.SUCCESS)
        else:
            self.message_user(request, gettext("Aucun des messages choisis n'était en échec."), messages.WARNING)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"outbox": Message.objects.outbox_state(), **(extra_context or {})})


@admin.register(Announcement)
class AnnouncementAdmin(OutboxAdmin):
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
