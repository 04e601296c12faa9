"""The back office of accounts: invitations (superusers only), and on each account its second
factors (a superuser resets them, written in the account's history) and its last sign-ins."""

from axes.models import AccessLog
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# django-otp's own admin modules, imported first so that their registrations are undone below.
from django_otp.plugins.otp_static import admin as _static_admin  # noqa: F401
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import InvitationForm
from .models import Invitation

# Nobody sees another person's factors (a TOTP secret shown to a superuser would be a second
# copy of that person's factor): django-otp's device pages are not part of this back office.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Invitation)
class InvitationAdmin(SuperuserOnly, admin.ModelAdmin):
    """A superuser invites a person (an address, a role); the person chooses their password
    through the link. Sent again (a new link) or revoked from the invitation's page."""

    add_form = InvitationForm
    list_display = ["email", "role", "state_label", "sent_at", "expires_at", "invited_by"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["email", "role", "state_label", "created_at", "sent_at", "expires_at", "invited_by", "user"]
    fields = readonly_fields
    change_form_template = "admin/accounts/invitation/change_form.html"

    @admin.display(description=gettext_lazy("état"))
    def state_label(self, obj):
        return obj.state.label

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            return InvitationForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["email", "role"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        invitation = services.invitation_create(email=obj.email, role=obj.role, invited_by=request.user)
        obj.pk = invitation.pk

    def get_urls(self):
        return [
            path("<int:pk>/renvoyer/", self.admin_site.admin_view(self.resend_view), name="accounts_invitation_resend"),
            path("<int:pk>/revoquer/", self.admin_site.admin_view(self.revoke_view), name="accounts_invitation_revoke"),
            *super().get_urls(),
        ]

    def _pending(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return get_object_or_404(Invitation.objects.pending(), pk=pk)

    def resend_view(self, request, pk):
        invitation = self._pending(request, pk)
        if request.method != "POST":
            return redirect("admin:accounts_invitation_change", pk)
        services.invitation_resend(invitation=invitation)
        self.log_change(request, invitation, _("Invitation envoyée de nouveau."))
        messages.success(request, _("L'invitation est envoyée de nouveau ; le lien précédent ne fonctionne plus."))
        return redirect("admin:accounts_invitation_change", pk)

    def revoke_view(self, request, pk):
        invitation = self._pending(request, pk)
        if request.method != "POST":
            return redirect("admin:accounts_invitation_change", pk)
        services.invitation_revoke(invitation=invitation)
        self.log_change(request, invitation, _("Invitation révoquée."))
        messages.success(request, _("L'invitation est révoquée : son lien ne fonctionne plus."))
        return redirect("admin:accounts_invitation_change", pk)


User = get_user_model()
admin.site.unregister(User)

LAST_SIGN_INS = 10


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Django's accounts page, with the second factor (reset by a superuser) and the last
    sign-ins (django-axes' access records)."""

    change_form_template = "admin/accounts/user/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        extra = ["second_factor", "last_sign_ins"] if obj is not None and request.user.is_superuser else []
        return [*super().get_readonly_fields(request, obj), *extra]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.is_superuser:
            return fieldsets
        return [*fieldsets, (_("Sécurité"), {"fields": ["second_factor", "last_sign_ins"]})]

    @admin.display(description=gettext_lazy("double authentification"))
    def second_factor(self, obj):
        apps = TOTPDevice.objects.filter(user=obj, confirmed=True).count()
        codes = services.recovery_codes_left(obj)
        required = _("obligatoire") if services.second_factor_required(obj) else _("facultative")
        return _("%(required)s ; %(apps)d application(s), %(codes)d code(s) de secours") % {
            "required": required,
            "apps": apps,
            "codes": codes,
        }

    @admin.display(description=gettext_lazy("dernières connexions"))
    def last_sign_ins(self, obj):
        logs = AccessLog.objects.filter(username=obj.get_username()).order_by("-attempt_time")[:LAST_SIGN_INS]
        if not logs:
            return _("Aucune connexion enregistrée.")
        return format_html_join(
            "", "<div>{} — {}</div>", ((f"{log.attempt_time:%d/%m/%Y %H:%M}", log.ip_address or "?") for log in logs)
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/double-authentification/",
                self.admin_site.admin_view(self.factors_reset_view),
                name="auth_user_factors_reset",
            ),
            *super().get_urls(),
        ]

    def factors_reset_view(self, request, pk):
        if not request.user.is_superuser:
            raise PermissionDenied
        account = get_object_or_404(User, pk=pk)
        if request.method == "POST":
            services.factors_reset(user=account, by=request.user)
            messages.success(request, _("La double authentification de ce compte est réinitialisée."))
            return redirect("admin:auth_user_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Réinitialiser la double authentification"),
            "account": account,
            "opts": self.opts,
        }
        return render(request, "admin/accounts/user/factors_reset.html", context)
