"""django-otp-webauthn's URLs (its JSON steps), with its script's messages in French: the package
has no French catalogue, so this one serves the French of each message its script asks for."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views

app_name = "otp_webauthn"

# The package's script messages (its gettext keys) in French.
FRENCH = {
    "An error occurred during verification.": _("Une erreur est survenue pendant la vérification."),
    "Finishing verification...": _("Fin de la vérification…"),
    "Verification aborted.": _("Vérification interrompue."),
    "Verification canceled or not allowed.": _("Vérification annulée ou refusée."),
    "Verification failed. A server error occurred.": _("Échec de la vérification : erreur du serveur."),
    "Verification failed. An unknown error occurred.": _("Échec de la vérification : erreur inconnue."),
    "Verification failed. An unknown server error occurred.": _(
        "Échec de la vérification : erreur inconnue du serveur."
    ),
    "Verification failed. Could not retrieve parameters from the server.": _(
        "Échec de la vérification : le serveur n'a pas répondu."
    ),
    "Verification successful!": _("Vérification réussie."),
    "Verify with Passkey": _("Utiliser ma clé d'accès"),
    "Verifying...": _("Vérification…"),
    "An error occurred during registration.": _("Une erreur est survenue pendant l'enregistrement."),
    "Finishing registration...": _("Fin de l'enregistrement…"),
    "Register a Passkey": _("Enregistrer une clé d'accès"),
    "Registering...": _("Enregistrement…"),
    "Registration aborted or not allowed.": _("Enregistrement interrompu ou refusé."),
    "Registration aborted.": _("Enregistrement interrompu."),
    "Registration failed. A server error occurred.": _("Échec de l'enregistrement : erreur du serveur."),
    "Registration failed. A technical problem occurred that prevents you from registering a Passkey for this site.": _(
        "Échec de l'enregistrement : un problème technique empêche d'enregistrer une clé d'accès pour ce site."
    ),
    "Registration failed. An unknown error occurred.": _("Échec de l'enregistrement : erreur inconnue."),
    "Registration failed. The server was unable to verify this passkey.": _(
        "Échec de l'enregistrement : le serveur n'a pas pu vérifier cette clé d'accès."
    ),
    "Registration failed. Unable to fetch registration options from server.": _(
        "Échec de l'enregistrement : le serveur n'a pas répondu."
    ),
    "Registration failed. You most likely already have a Passkey registered for this site.": _(
        "Échec de l'enregistrement : une clé d'accès est sans doute déjà enregistrée pour ce site."
    ),
    "Registration successful!": _("Clé d'accès enregistrée."),
}


class PasskeyMessages(JavaScriptCatalog):
    def get_catalog(self):
        return {key: str(value) for key, value in FRENCH.items()}


urlpatterns = [
    path("registration/begin/", views.BeginCredentialRegistrationView.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        views.CompleteCredentialRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        views.CompleteCredentialAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path("messages/", PasskeyMessages.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
