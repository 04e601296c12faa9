"""Password reset by e-mail for staff accounts: linked from the log-in page, the same answer
whatever the address, limited per address and per client (in the database), a single-use link
sent by the worker, and every session of the account closed once the password changes."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings

from accounts.models import ResetRequest
from tests.accounts.helpers import link_in, sent_messages, text
from tests.conftest import logged_in

# Real commits: the worker (tests/follow/mailing.py) closes a connection left inside a
# transaction, as after a request, and shares the test's database connection.
pytestmark = pytest.mark.django_db(transaction=True)

RESET = "/comptes/mot-de-passe/"
NEW = "Nouveau-mot-de-passe-2026"


@pytest.fixture
def staff(editor) -> User:
    editor.email = "redaction@example.org"
    editor.save()
    return editor


def ask(email: str, address: str = "203.0.113.5"):
    return Client(REMOTE_ADDR=address).post(RESET, {"email": email})


def test_the_log_in_page_links_to_the_reset(citizen):
    page = text(citizen.get("/admin/login/"))

    assert f'href="{RESET}"' in page


def test_a_reset_by_e_mail_sets_a_new_password_once(staff, citizen):
    response = ask(staff.email)

    assert response.status_code == 302
    assert mail.outbox == []  # the worker sends it
    [message] = sent_messages()
    assert message.to == [staff.email]
    link = link_in(message)
    form = citizen.get(link, follow=True)
    assert "Choisissez votre nouveau mot de passe" in text(form)
    done = citizen.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Votre mot de passe est changé" in text(done)
    staff.refresh_from_db()
    assert staff.check_password(NEW)
    # The link served once.
    again = Client().get(link, follow=True)
    assert "Ce lien n'est plus valable" in text(again)


def test_the_answer_is_the_same_whatever_the_address(staff):
    known, unknown = ask(staff.email), ask("personne@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(sent_messages()) == 1


def test_accounts_outside_the_staff_get_nothing(db):
    User.objects.create_user("public", email="public@example.org", password="x")

    ask("public@example.org")

    assert sent_messages() == []


@override_settings(ACCOUNTS_RESETS_PER_ADDRESS_PER_HOUR=2)
def test_requests_are_limited_per_address(staff):
    for index in range(4):
        response = ask(staff.email, address=f"198.51.100.{index + 1}")
        assert response.status_code == 302

    assert len(sent_messages()) == 2
    assert ResetRequest.objects.count() == 4  # counted in the database, seen by every process
    assert not ResetRequest.objects.filter(email_digest__icontains="example").exists()


@override_settings(ACCOUNTS_RESETS_PER_CLIENT_PER_HOUR=3)
def test_requests_are_limited_per_client(staff):
    for index in range(5):
        ask(f"inconnu-{index}@example.org")
    ask(staff.email)

    assert sent_messages() == []
    # From another client, the same address is served.
    ask(staff.email, address="192.0.2.77")
    assert len(sent_messages()) == 1


def test_changing_the_password_closes_every_session(staff):
    elsewhere = logged_in(staff)
    assert elsewhere.get("/admin/").status_code == 200
    ask(staff.email)
    link = link_in(sent_messages()[0])
    citizen = Client()
    form = citizen.get(link, follow=True)

    citizen.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    response = elsewhere.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_reset_pages_are_in_french_and_labelled(citizen):
    page = text(citizen.get(RESET))

    assert '<label for="id_email">' in page
    assert "Mot de passe oublié" in page
