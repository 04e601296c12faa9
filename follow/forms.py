from django import forms
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _

from proposals.models import Axis, Proposal


class FollowForm(forms.Form):
    """An address, and what it asks to follow: a proposal (its key), an axis (its slug), or
    neither for every review."""

    adresse = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Cette adresse électronique n'est pas valable : elle s'écrit nom@exemple.fr."),
            "max_length": _("Cette adresse est trop longue : 254 caractères au plus."),
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
        """Lower-cased (one person, one follower); still 254 characters at most then (a letter
        such as «İ» becomes two), and with a domain a mail server can be asked for (its ASCII
        form, each part 63 characters at most): else neither stored nor sent to."""
        email = self.cleaned_data["adresse"].lower()
        if len(email) > self.fields["adresse"].max_length:
            raise forms.ValidationError(self.fields["adresse"].error_messages["max_length"], code="max_length")
        try:
            punycode(email.rpartition("@")[2])
        except UnicodeError:
            raise forms.ValidationError(self.fields["adresse"].error_messages["invalid"], code="invalid") from None
        return email

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
