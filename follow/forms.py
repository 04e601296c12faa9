from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.models import Axis, Proposal

from .addresses import INVALID, MAX_LENGTH, TOO_LONG, normalize_address


class FollowForm(forms.Form):
    """An address, and what it asks to follow: a proposal (its key), an axis (its slug), or
    neither for every review."""

    # A text field: the address is checked and put in its one form by `normalize_address`
    # (follow/addresses.py), which knows spellings a plain e-mail field would let through.
    adresse = forms.CharField(
        label=_("Votre adresse électronique"),
        max_length=MAX_LENGTH,
        widget=forms.EmailInput,
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": INVALID,
            "null_characters_not_allowed": INVALID,
            "max_length": TOO_LONG,
        },
    )
    # Hidden fields: a value no page writes gets the same message as an unknown one.
    proposition = forms.SlugField(
        required=False,
        max_length=100,
        error_messages={
            "invalid": _("Cette proposition n'existe pas : elle ne peut pas être suivie."),
            "max_length": _("Cette proposition n'existe pas : elle ne peut pas être suivie."),
        },
    )
    axe = forms.SlugField(
        required=False,
        max_length=100,
        error_messages={
            "invalid": _("Cet axe n'existe pas : il ne peut pas être suivi."),
            "max_length": _("Cet axe n'existe pas : il ne peut pas être suivi."),
        },
    )

    def clean_adresse(self) -> str:
        """The address in its one form (one mailbox, one follower), or a French error: quotes,
        backslashes, control characters, a domain without an ASCII form are refused."""
        return normalize_address(self.cleaned_data["adresse"])

    def clean_proposition(self) -> Proposal | None:
        key = self.cleaned_data["proposition"]
        if not key:
            return None
        proposal = Proposal.objects.filter(key=key).first()
        if proposal is None:
            raise forms.ValidationError(_("Cette proposition n'existe pas : elle ne peut pas être suivie."))
        return proposal

    def clean_axe(self) -> Axis | None:
        slug = self.cleaned_data["axe"]
        if not slug:
            return None
        axis = Axis.objects.filter(slug=slug).first()
        if axis is None:
            raise forms.ValidationError(_("Cet axe n'existe pas : il ne peut pas être suivi."))
        return axis

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("proposition") and cleaned.get("axe"):
            raise forms.ValidationError(_("Suivez une proposition ou un axe, pas les deux à la fois."))
        return cleaned

    @property
    def target_errors(self) -> list[str]:
        """The errors about what is followed (hidden fields: said above the form)."""
        return [*self.non_field_errors(), *self["proposition"].errors, *self["axe"].errors]
