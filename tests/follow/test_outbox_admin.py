"""The outbox in the back office: superusers see each message's fate, the backlog and the
failures, and may send failed messages again (recorded); nobody else sees or does anything."""

from html import unescape

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from follow.models import Announcement, Message
from tests.conftest import logged_in
from tests.factory import make_proposal

from .mailing import make_follower, run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_message():
    alice = make_follower("alice@example.org", make_proposal(key="velo"))
    announcement = Announcement.objects.create(kind="review", key="review-2025-1", subject="Bilan 2025 publié")
    Message.objects.create(announcement=announcement, follower=make_follower("dave@example.org", None), state="sent")
    return Message.objects.create(
        announcement=announcement,
        follower=alice,
        state=Message.State.FAILED,
        attempts=17,
        last_error="SMTPDataError: (451, b'4.3.0 Try again later')",
        claimed_at=timezone.now(),
    )


def resend(client, *messages):
    return client.post(
        reverse("admin:follow_message_changelist"),
        {"action": "resend", "_selected_action": [message.pk for message in messages]},
        follow=True,
    )


def test_a_superuser_sees_the_outbox_and_changes_nothing(superuser_client, failed_message):
    page = superuser_client.get(reverse("admin:follow_message_changelist"), {"state": "failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "alice@example.org" in html and "4.3.0 Try again later" in html and "dave@example.org" not in html

    detail = superuser_client.get(reverse("admin:follow_message_change", args=[failed_message.pk]))
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert superuser_client.get(reverse("admin:follow_message_delete", args=[failed_message.pk])).status_code == 403

    announcements = superuser_client.get(reverse("admin:follow_announcement_changelist")).content.decode()
    assert "Bilan 2025 publié" in announcements


def test_the_outbox_shows_its_backlog_and_failures(superuser_client, failed_message):
    Message.objects.create(
        announcement=failed_message.announcement, follower=make_follower("erin@example.org", None), state="pending"
    )

    html = superuser_client.get(reverse("admin:follow_message_changelist")).content.decode()

    assert "À envoyer : 1 · en échec : 1" in html
    assert "le plus ancien attend depuis 0 min" in html


def test_a_superuser_sends_failed_messages_again_and_it_is_recorded(superuser_client, superuser, failed_message):
    sent = Message.objects.get(state="sent")
    # A confirmation message given up while the mail server was away.
    alice = failed_message.follower
    failed_message.delete()
    failed_message = Message.objects.create(
        kind=Message.Kind.CONFIRMATION,
        follower=alice,
        concerns={"targets": [["all"]], "addition": False, "already": False},
        state=Message.State.FAILED,
        attempts=17,
    )

    page = resend(superuser_client, failed_message, sent)

    assert "1 message en échec remis dans la file d'envoi." in unescape(page.content.decode())
    failed_message.refresh_from_db()
    assert (failed_message.state, failed_message.attempts) == (Message.State.PENDING, 0)
    [queued] = DBTaskResult.objects.filter(status="READY", task_path="follow.tasks.send_batch")
    assert queued.args_kwargs["args"] == [[failed_message.pk]]
    [entry] = LogEntry.objects.filter(object_id=str(failed_message.pk))
    assert (entry.user, entry.action_flag) == (superuser, CHANGE)
    assert "Renvoi demandé" in entry.get_change_message()
    assert "alice@example.org" not in entry.object_repr  # the history outlives the follower

    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert Message.objects.get(pk=failed_message.pk).state == Message.State.SENT
    assert Message.objects.get(pk=sent.pk).attempts == 0  # untouched


def test_nobody_but_a_superuser_sends_messages_again(clerk_client, editor_client, failed_message):
    staff = User.objects.create_user(username="tout-sauf-superuser", password="x", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="follow"))
    for client in (clerk_client, editor_client, logged_in(staff)):
        assert resend(client, failed_message).status_code == 403
    failed_message.refresh_from_db()
    assert failed_message.state == Message.State.FAILED
    assert not DBTaskResult.objects.filter(task_path="follow.tasks.send_batch").exists()
    assert not LogEntry.objects.exists()


def test_the_staff_do_not_see_the_addresses(clerk_client, editor_client, failed_message):
    for client in (clerk_client, editor_client):
        assert client.get(reverse("admin:follow_message_changelist")).status_code == 403
        assert b"alice@example.org" not in client.get(reverse("admin:index")).content
