from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import Invitation


class InvitationForm(forms.ModelForm):
    """A superuser invites a person: an address and a role, never a password."""

    class Meta:
        model = Invitation
        fields = ["email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Group.objects.order_by("name")

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"]).strip()
        if get_user_model()._default_manager.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Un compte existe déjà pour cette adresse."))
        if Invitation.objects.pending().filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Une invitation est déjà en attente pour cette adresse : envoyez-la de nouveau depuis sa page.")
            )
        return email


class AcceptInvitationForm(SetPasswordForm):
    """The invited person's password, checked by the site's password validators against an
    account that does not exist yet (its username and address are the invitation's)."""


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Les 6 chiffres de votre application d'authentification, ou l'un de vos codes de secours."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class TOTPConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code affiché par l'application"),
        max_length=10,
        help_text=_("6 chiffres."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
