"""The outbox in the back office: superusers see each message's fate, nobody changes it, and
nobody else sees the addresses."""

import pytest
from django.urls import reverse
from django.utils import timezone

from follow.models import Announcement, Message
from tests.factory import make_proposal

from .mailing import make_follower

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_message():
    alice = make_follower("alice@example.org", make_proposal())
    announcement = Announcement.objects.create(kind="review", key="review-2025-1", subject="Bilan 2025 publié")
    Message.objects.create(announcement=announcement, follower=make_follower("dave@example.org", None), state="sent")
    return Message.objects.create(
        announcement=announcement,
        follower=alice,
        state=Message.State.FAILED,
        attempts=5,
        last_error="SMTPDataError: (451, b'4.3.0 Try again later')",
        claimed_at=timezone.now(),
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


def test_the_staff_do_not_see_the_addresses(clerk_client, editor_client, failed_message):
    for client in (clerk_client, editor_client):
        assert client.get(reverse("admin:follow_message_changelist")).status_code == 403
        assert b"alice@example.org" not in client.get(reverse("admin:index")).content
