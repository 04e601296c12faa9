"""The accounts' workflows: inviting, accepting, resetting a password, the second factor."""

import datetime

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import Invitation, ResetRequest, address_digest
from .tasks import send_invitation, send_password_reset

User = get_user_model()


def _queue(task, *args) -> None:
    """Queue the message. With the database backend the task is a row written in the same
    transaction: the worker sees it once the transaction commits, and never if it rolls back."""
    task.enqueue(*args)


def invitation_create(*, email: str, role, invited_by) -> Invitation:
    """A new invitation, its message queued for the worker."""
    invitation = Invitation(email=email, role=role, invited_by=invited_by)
    invitation.renew()
    invitation.save()
    _queue(send_invitation, invitation.pk)
    return invitation


def invitation_resend(*, invitation: Invitation) -> None:
    """A new link (the old one dies), valid 72 hours again, queued for the worker."""
    if invitation.accepted_at or invitation.revoked_at:
        raise ValueError("only a pending invitation is sent again")
    invitation.renew()
    invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
    _queue(send_invitation, invitation.pk)


def invitation_revoke(*, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.nonce = ""
    invitation.save(update_fields=["revoked_at", "nonce"])


def invitation_for_link(pk: int, token: str) -> tuple[Invitation | None, str]:
    """The invitation a link names, if the link is its current one: (invitation, state)."""
    invitation = Invitation.objects.filter(pk=pk).select_related("role").first()
    if invitation is None:
        return None, "invalid"
    if invitation.state == Invitation.State.ACCEPTED:
        return None, "used"
    if invitation.state == Invitation.State.REVOKED or not invitation.token_matches(token):
        return None, "invalid"
    if invitation.state == Invitation.State.EXPIRED:
        return None, "expired"
    return invitation, "pending"


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str):
    """The account, with the password its owner chose and the invitation's role. Once only: the
    row is locked, and the invitation marked accepted, in the same transaction."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != Invitation.State.PENDING:
        raise ValueError("this invitation is no longer pending")
    user = User(username=invitation.email, email=invitation.email, is_staff=True)
    user.set_password(password)
    user.save()
    user.groups.add(invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.nonce = ""
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "nonce", "user"])
    return user


def password_reset_request(*, email: str, client: str) -> bool:
    """Count a reset request and say whether it is within the limits (per e-mail address and per
    client, over the last hour); when it is, queue the message for each staff account of the
    address. The answer to the person is the same either way."""
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    ResetRequest.objects.filter(created_at__lt=now - datetime.timedelta(days=1)).delete()
    email_digest, client_digest = address_digest(email), address_digest(client)
    recent = ResetRequest.objects.filter(created_at__gte=hour_ago)
    allowed = (
        recent.filter(email_digest=email_digest).count() < settings.ACCOUNTS_RESETS_PER_ADDRESS_PER_HOUR
        and recent.filter(client_digest=client_digest).count() < settings.ACCOUNTS_RESETS_PER_CLIENT_PER_HOUR
    )
    ResetRequest.objects.create(email_digest=email_digest, client_digest=client_digest, created_at=now)
    if allowed:
        for user in staff_for_reset(email):
            _queue(send_password_reset, user.pk)
    return allowed


def staff_for_reset(email: str):
    """The active staff accounts of this address that may set a password here."""
    users = User._default_manager.filter(email__iexact=email.strip(), is_active=True, is_staff=True)
    return [user for user in users if user.has_usable_password()]


# The second factor.


def second_factor_required(user) -> bool:
    """Superusers, the groups SECOND_FACTOR_GROUPS (who publish), and every staff account when
    STAFF_REQUIRE_SECOND_FACTOR is on."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if user.is_superuser or settings.STAFF_REQUIRE_SECOND_FACTOR:
        return True
    return user.groups.filter(name__in=settings.SECOND_FACTOR_GROUPS).exists()


def has_second_factor(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def totp_device_pending(user) -> TOTPDevice:
    """The authenticator app being enrolled (its secret shown until a code confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Application d'authentification"), confirmed=False)
    return device


def recovery_codes_create(user) -> list[str]:
    """A new set of recovery codes (the previous ones stop working): shown once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.SECOND_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name="recovery").count()


def totp_confirm(*, device: TOTPDevice, code: str) -> bool:
    if not device.verify_token(code.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def second_factor_verify(user, code: str):
    """The device that accepts `code` (an authenticator's code, or a recovery code), or None."""
    code = code.strip().replace(" ", "")
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def factors_reset(*, user, by) -> int:
    """Every second factor of `user` removed (the person enrols again at next sign-in), written in
    the account's history. The number of devices removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=_("Double authentification réinitialisée (%(count)d moyen(s) supprimé(s)).")
        % {"count": removed},
        single_object=True,
    )
    return removed
