import datetime

import pytest
from django.utils import timezone

from follow.models import Announcement, Message
from tests.follow.mailing import make_follower

pytestmark = pytest.mark.django_db

EMPTY_OUTBOX = {"backlog": 0, "failed": 0, "oldest_minutes": None}


def test_it_answers_when_the_database_does(citizen):
    response = citizen.get("/sante/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True, "outbox": EMPTY_OUTBOX}


def test_it_shows_the_followers_outbox_and_still_answers_200(citizen):
    """The backlog (to send, retries included), how long its oldest message has waited, and the
    messages given up: for monitoring; a mail server down is no reason for the site to be."""
    announcement = Announcement.objects.create(kind="review", key="review-2025-1", subject="Bilan 2025 publié")
    states = ["pending", "pending", "sending", "failed", "sent", "sent"]
    for n, state in enumerate(states):
        Message.objects.create(announcement=announcement, follower=make_follower(f"p{n}@example.org"), state=state)
    Message.objects.filter(state="pending").update(created_at=timezone.now() - datetime.timedelta(minutes=95))

    response = citizen.get("/sante/")

    assert response.status_code == 200
    assert response.json()["outbox"] == {"backlog": 3, "failed": 1, "oldest_minutes": 95}


def test_it_rejects_writes(citizen):
    assert citizen.post("/sante/").status_code == 405
