"""The accounts' pages: accepting an invitation, resetting a password, the second factor."""

import base64

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from core.site import client_ip

from . import services
from .forms import AcceptInvitationForm, CodeForm, TOTPConfirmForm


def _context(request, title, **extra):
    """What every back-office page gets (the header, the user's tools), with a title."""
    return {**admin.site.each_context(request), "title": title, **extra}


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


# Invitations.

LINK_STATES = {
    "expired": gettext_lazy(
        "Ce lien d'invitation a expiré. Demandez à l'administrateur du site de vous envoyer une nouvelle invitation."
    ),
    "used": gettext_lazy("Cette invitation a déjà été acceptée : connectez-vous avec le mot de passe choisi."),
    "invalid": gettext_lazy(
        "Ce lien d'invitation n'est pas valable (il a peut-être été remplacé par un envoi plus récent, ou révoqué)."
    ),
}


@never_cache
@sensitive_post_parameters()
def accept_invitation(request, pk: int, token: str):
    invitation, state = services.invitation_for_link(pk, token)
    if invitation is None:
        context = _context(request, _("Invitation"), message=LINK_STATES[state])
        return render(request, "accounts/invitation_invalid.html", context, status=410 if state != "invalid" else 404)
    future_user = get_user_model()(username=invitation.email, email=invitation.email)
    form = AcceptInvitationForm(future_user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(invitation=invitation, password=form.cleaned_data["new_password1"])
        except ValueError:
            return render(
                request,
                "accounts/invitation_invalid.html",
                _context(request, _("Invitation"), message=LINK_STATES["used"]),
                status=410,
            )
        messages.success(request, _("Votre compte est prêt : connectez-vous avec votre adresse et votre mot de passe."))
        return redirect("admin:login")
    context = _context(request, _("Accepter l'invitation"), form=form, invitation=invitation)
    return render(request, "accounts/invitation_accept.html", context)


# Password reset (Django's views; the message goes through the worker, limited in number).


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")
    extra_context = {"title": gettext_lazy("Mot de passe oublié")}

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}

    def form_valid(self, form):
        # The same answer whatever the address, and whether or not the limits were reached.
        services.password_reset_request(email=form.cleaned_data["email"], client=client_ip(self.request))
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"
    extra_context = {"title": gettext_lazy("Message envoyé")}

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    extra_context = {"title": gettext_lazy("Nouveau mot de passe")}

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_staff else None


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
    extra_context = {"title": gettext_lazy("Mot de passe changé")}

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


# The second factor. Every page is about the signed-in person's own factors: no other's.


def _staff_required(view):
    return login_required(view, login_url="admin:login")


@never_cache
@_staff_required
def factors(request):
    user = request.user
    context = _context(
        request,
        _("Double authentification"),
        required=services.second_factor_required(user),
        devices=TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at"),
        passkeys=WebAuthnCredential.objects.filter(user=user).order_by("created_at"),
        passkeys_enabled=settings.SECOND_FACTOR_PASSKEYS,
        recovery_left=services.recovery_codes_left(user),
        verified=user.is_verified(),
        totp_enabled=settings.SECOND_FACTOR_TOTP,
    )
    return render(request, "accounts/factors.html", context)


def _may_change_factors(request) -> bool:
    """A person with a factor changes factors only after verifying one (a password alone must
    not let anyone add an authenticator of their own)."""
    return request.user.is_verified() or not services.has_second_factor(request.user)


@require_POST
@_staff_required
def totp_add(request):
    if not settings.SECOND_FACTOR_TOTP or not _may_change_factors(request):
        return redirect("accounts:factors")
    services.totp_device_pending(request.user)
    return redirect("accounts:totp-confirm")


def qr_svg(uri: str) -> str:
    """The QR code of an otpauth:// address, as inline SVG (no image file, no script)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title=_("QR code à scanner"))


@never_cache
@_staff_required
def totp_confirm(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None or not _may_change_factors(request):
        return redirect("accounts:factors")
    form = TOTPConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(device=device, code=form.cleaned_data["code"]):
            otp_login(request, device)
            request.session.cycle_key()
            codes = (
                services.recovery_codes_create(request.user) if not services.recovery_codes_left(request.user) else []
            )
            messages.success(request, _("L'application d'authentification est enregistrée."))
            if codes:
                return render(
                    request, "accounts/recovery_codes.html", _context(request, _("Codes de secours"), codes=codes)
                )
            return redirect("accounts:factors")
        form.add_error(
            "code", _("Ce code ne convient pas : vérifiez l'heure de votre téléphone et saisissez le code affiché.")
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = _context(
        request,
        _("Ajouter une application d'authentification"),
        form=form,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr=qr_svg(device.config_url),
    )
    return render(request, "accounts/totp_confirm.html", context)


@require_POST
@_staff_required
def recovery_codes(request):
    """A new set of recovery codes (the old ones stop working), shown once."""
    if not request.user.is_verified():
        return redirect("accounts:factors")
    codes = services.recovery_codes_create(request.user)
    return render(request, "accounts/recovery_codes.html", _context(request, _("Codes de secours"), codes=codes))


@require_POST
@_staff_required
def passkey_remove(request, pk: int):
    if not request.user.is_verified():
        return redirect("accounts:factors")
    WebAuthnCredential.objects.filter(user=request.user, pk=pk).delete()
    messages.success(request, _("La clé d'accès est retirée."))
    return redirect("accounts:factors")


@require_POST
@_staff_required
def totp_remove(request, pk: int):
    if not request.user.is_verified():
        return redirect("accounts:factors")
    TOTPDevice.objects.filter(user=request.user, pk=pk).delete()
    messages.success(request, _("L'application d'authentification est retirée."))
    return redirect("accounts:factors")


@never_cache
@sensitive_post_parameters()
@_staff_required
def verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not services.has_second_factor(request.user):
        return redirect("accounts:factors")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            if device.__class__.__name__ == "StaticDevice":
                left = services.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("Code de secours utilisé : il vous en reste %(left)d. Générez-en de nouveaux si besoin.")
                    % {"left": left},
                )
            return redirect(_next_url(request))
        form.add_error("code", _("Ce code ne convient pas. Réessayez dans quelques secondes."))
    context = _context(
        request,
        _("Vérification en deux étapes"),
        form=form,
        next=_next_url(request),
        passkeys=settings.SECOND_FACTOR_PASSKEYS and WebAuthnCredential.objects.filter(user=request.user).exists(),
    )
    return render(request, "accounts/verify.html", context)
