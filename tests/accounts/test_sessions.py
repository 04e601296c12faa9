"""Staff sessions end after STAFF_SESSION_IDLE_MINUTES without a request; a superuser sees each
account's last sign-ins (django-axes' access records) on the account's page."""

import time

from axes.models import AccessLog
from django.test import Client, override_settings

from accounts.middleware import LAST_SEEN_KEY
from tests.accounts.helpers import text
from tests.conftest import logged_in

PASSWORD = "motdepasse-test"


def idle_for(client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60 - 1
    session.save()


@override_settings(STAFF_SESSION_IDLE_MINUTES=30)
def test_a_staff_session_ends_after_the_idle_time(editor):
    client = logged_in(editor)
    assert client.get("/admin/").status_code == 200

    idle_for(client, 30)
    response = client.get("/admin/proposals/proposal/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=%2Fadmin%2Fproposals%2Fproposal%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "inactivité" in text(page)


@override_settings(STAFF_SESSION_IDLE_MINUTES=30)
def test_activity_keeps_the_session(editor):
    client = logged_in(editor)

    idle_for(client, 29)

    assert client.get("/admin/").status_code == 200


@override_settings(STAFF_SESSION_IDLE_MINUTES=0)
def test_no_idle_limit_when_set_to_zero(editor):
    client = logged_in(editor)

    idle_for(client, 60 * 24)

    assert client.get("/admin/").status_code == 200


def test_a_superuser_sees_an_account_s_last_sign_ins(editor, superuser_client):
    Client(REMOTE_ADDR="198.51.100.23").post("/admin/login/", {"username": editor.username, "password": PASSWORD})
    assert AccessLog.objects.filter(username=editor.username).exists()

    page = text(superuser_client.get(f"/admin/auth/user/{editor.pk}/change/"))

    assert "Dernières connexions" in page or "dernières connexions" in page
    assert "198.51.100.23" in page


def test_a_public_page_does_not_read_the_session_of_an_anonymous_visitor(db, citizen):
    response = citizen.get("/")

    assert "Cookie" not in response.get("Vary", "")
