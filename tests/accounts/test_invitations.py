"""Invitations: a superuser invites an address with a role; the person chooses their password
through a single-use link valid 72 hours, sent by the worker; re-sent or revoked."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation
from tests.accounts.helpers import link_in, sent_messages, text
from tests.conftest import EDITORS, _ensure_roles

# Real commits: the worker (tests/follow/mailing.py) closes a connection left inside a
# transaction, as after a request, and shares the test's database connection.
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "un-Mot-de-passe-choisi-2026"
ADD = "/admin/accounts/invitation/add/"


@pytest.fixture
def editors(db) -> Group:
    _ensure_roles()
    return Group.objects.get(name=EDITORS)


def invite(client, editors, email="nouvelle@example.org"):
    return client.post(ADD, {"email": email, "role": editors.pk})


def test_an_invitation_is_sent_by_the_worker_and_accepted(superuser_client, editors, citizen):
    response = invite(superuser_client, editors)

    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent inside the request
    [message] = sent_messages()
    assert message.to == ["nouvelle@example.org"]
    assert "Rédaction" in message.body and "72 heures" in message.body
    link = link_in(message)

    page = citizen.get(link)
    assert page.status_code == 200
    assert "Choisissez votre mot de passe" in text(page)
    response = citizen.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS]
    assert user.check_password(PASSWORD)
    assert Invitation.objects.get().state == Invitation.State.ACCEPTED
    # The link works once.
    again = citizen.get(link)
    assert again.status_code == 410
    assert "déjà été acceptée" in text(again)


def test_the_password_validators_apply(superuser_client, editors, citizen):
    invite(superuser_client, editors)
    link = link_in(sent_messages()[0])

    response = citizen.post(link, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    assert "Ce mot de passe est entièrement numérique" in text(response)
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_an_expired_link_says_so_in_french(superuser_client, editors, citizen):
    invite(superuser_client, editors)
    link = link_in(sent_messages()[0])
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    page = citizen.get(link)
    response = citizen.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert page.status_code == 410
    assert "Ce lien d'invitation a expiré" in text(page)
    assert response.status_code == 410
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_the_link_lasts_72_hours(superuser_client, editors):
    invite(superuser_client, editors)
    invitation = Invitation.objects.get()

    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(hours=72)


def test_sending_again_replaces_the_link_and_renews_it(superuser_client, editors, citizen):
    invite(superuser_client, editors)
    first = link_in(sent_messages()[0])
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    invitation = Invitation.objects.get()

    response = superuser_client.post(f"/admin/accounts/invitation/{invitation.pk}/renvoyer/")

    assert response.status_code == 302
    second = link_in(sent_messages()[0])
    assert second != first
    assert citizen.get(first).status_code == 404
    assert citizen.get(second).status_code == 200


def test_a_revoked_invitation_no_longer_works(superuser_client, editors, citizen):
    invite(superuser_client, editors)
    link = link_in(sent_messages()[0])
    invitation = Invitation.objects.get()

    superuser_client.post(f"/admin/accounts/invitation/{invitation.pk}/revoquer/")

    assert Invitation.objects.get().state == Invitation.State.REVOKED
    page = citizen.get(link)
    assert page.status_code == 404
    assert "n'est pas valable" in text(page)


def test_an_invitation_revoked_before_the_worker_runs_is_not_sent(superuser_client, editors):
    invite(superuser_client, editors)
    invitation = Invitation.objects.get()
    superuser_client.post(f"/admin/accounts/invitation/{invitation.pk}/revoquer/")

    assert sent_messages() == []


def test_an_address_with_an_account_or_a_pending_invitation_is_refused(superuser_client, editors, superuser):
    invite(superuser_client, editors)

    twice = invite(superuser_client, editors)
    existing = invite(superuser_client, editors, email=superuser.email)

    assert "déjà en attente" in text(twice)
    assert "Un compte existe déjà" in text(existing)
    assert Invitation.objects.count() == 1


def test_no_password_is_typed_by_the_superuser(superuser_client):
    page = text(superuser_client.get(ADD))

    assert 'type="password"' not in page


def test_only_superusers_reach_invitations(superuser_client, editors, editor_client, clerk_client, committee_client):
    invite(superuser_client, editors)
    invitation = Invitation.objects.get()
    sent_messages()

    for client in (editor_client, clerk_client, committee_client):
        assert client.get("/admin/accounts/invitation/").status_code == 403
        assert client.get(f"/admin/accounts/invitation/{invitation.pk}/change/").status_code == 403
        assert invite(client, editors, email="autre@example.org").status_code == 403
        assert client.post(f"/admin/accounts/invitation/{invitation.pk}/renvoyer/").status_code == 403
        assert client.post(f"/admin/accounts/invitation/{invitation.pk}/revoquer/").status_code == 403
    assert Invitation.objects.get().state == Invitation.State.PENDING
    assert Invitation.objects.count() == 1
    assert sent_messages() == []
