"""The accounts' messages, sent by the worker (`manage.py db_worker`), never inside a request.

A task receives only a row's id: it builds the link from the row as it is when the worker comes
to it (an invitation sent again or revoked meanwhile sends the current link, or nothing), so no
link ever sits in the task queue."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Invitation


def _send(template: str, subject: str, to: str, context: dict) -> None:
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@task()
def send_invitation(invitation_id: int) -> bool:
    invitation = Invitation.objects.select_related("role").filter(pk=invitation_id).first()
    if invitation is None or invitation.state != Invitation.State.PENDING:
        return False
    link = settings.SITE_URL + reverse("accounts:invitation", args=[invitation.pk, invitation.token()])
    context = {"invitation": invitation, "link": link, "hours": settings.ACCOUNTS_INVITATION_HOURS}
    _send(
        "accounts/email/invitation.txt",
        _("Invitation à rejoindre le suivi de la convention"),
        invitation.email,
        context,
    )
    return True


@task()
def send_password_reset(user_id: int) -> bool:
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True, is_staff=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL + reverse(
        "accounts:password-reset-confirm", args=[uid, default_token_generator.make_token(user)]
    )
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    context = {"user": user, "link": link, "minutes": minutes}
    _send("accounts/email/password_reset.txt", _("Choisir un nouveau mot de passe"), user.email, context)
    return True
