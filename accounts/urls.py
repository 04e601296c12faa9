from django.urls import path

from . import oidc, views

app_name = "accounts"

urlpatterns = [
    path("invitation/<int:pk>/<str:token>/", views.accept_invitation, name="invitation"),
    path("mot-de-passe/envoye/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("mot-de-passe/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("mot-de-passe/change/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("double-authentification/", views.factors, name="factors"),
    path("double-authentification/application/", views.totp_add, name="totp-add"),
    path("double-authentification/application/confirmer/", views.totp_confirm, name="totp-confirm"),
    path("double-authentification/application/<int:pk>/retirer/", views.totp_remove, name="totp-remove"),
    path("double-authentification/cle/<int:pk>/retirer/", views.passkey_remove, name="passkey-remove"),
    path("double-authentification/codes-de-secours/", views.recovery_codes, name="recovery-codes"),
    path("verification/", views.verify, name="verify"),
    path("sso/", oidc.authenticate, name="oidc-authenticate"),
    path("sso/retour/", oidc.callback, name="oidc-callback"),
]
