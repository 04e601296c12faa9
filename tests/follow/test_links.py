"""The pages a follower opens from its messages: confirm, manage, unsubscribe in one click."""

import time
from datetime import timedelta
from html import unescape

import pytest
from django.core import signing
from django.test import Client

from follow.links import confirm_url, list_unsubscribe_headers, manage_url, unsubscribe_url
from follow.models import Follower, Subscription
from tests.factory import make_axis, make_proposal

pytestmark = pytest.mark.django_db


def path(url: str) -> str:
    return url.removeprefix("http://testserver")


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def unconfirmed(proposal) -> Follower:
    follower = Follower.objects.create(email="nouvelle@example.org")
    Subscription.objects.create(follower=follower, proposal=proposal)
    return follower


def test_opening_the_confirmation_link_confirms_nothing(citizen, unconfirmed):
    """A mail scanner opens links: GET shows a button."""
    response = citizen.get(path(confirm_url(unconfirmed)))

    assert response.status_code == 200
    assert "Je confirme mon abonnement" in text(response)
    assert "no-store" in response["Cache-Control"]
    unconfirmed.refresh_from_db()
    assert unconfirmed.confirmed_at is None


def test_the_button_confirms_and_shows_what_is_followed(unconfirmed):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path(confirm_url(unconfirmed)))
    token = page.context["csrf_token"]

    response = browser.post(path(confirm_url(unconfirmed)), {"csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert "Abonnement confirmé" in text(response)
    assert "La proposition « Planter »" in text(response)
    assert "/suivre/gerer/" in text(response)
    unconfirmed.refresh_from_db()
    assert unconfirmed.is_confirmed


def test_a_confirmation_link_expires_after_seven_days(citizen, unconfirmed, monkeypatch):
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    with monkeypatch.context() as patched:
        patched.setattr(signing.time, "time", lambda: eight_days_ago)
        url = path(confirm_url(unconfirmed))

    response = citizen.post(url)

    assert response.status_code == 404
    assert "Ce lien n'est pas valable" in text(response)
    unconfirmed.refresh_from_db()
    assert unconfirmed.confirmed_at is None


@pytest.mark.parametrize(
    "url",
    [
        "/suivre/confirmer/forge/",
        "/suivre/gerer/forge/",
        "/suivre/desabonner/forge/",
        "/suivre/confirmer/" + "x" * 10_000 + "/",
        "/suivre/gerer/%C3%A9:%00:%C2%B2/",
    ],
)
def test_a_forged_link_opens_nothing(citizen, follower, url):
    assert citizen.get(url).status_code == 404
    response = citizen.post(url, {"tout": "1", "List-Unsubscribe": "One-Click"})

    assert response.status_code == 404
    assert Follower.objects.filter(pk=follower.pk).exists()


def test_a_link_made_for_one_purpose_opens_no_other(citizen, follower):
    """The unsubscribe link of a message is not a key to the manage page, nor the reverse."""
    unsubscribe_token = unsubscribe_url(follower).rstrip("/").rsplit("/", 1)[1]
    manage_token = manage_url(follower).rstrip("/").rsplit("/", 1)[1]

    assert citizen.get(f"/suivre/gerer/{unsubscribe_token}/").status_code == 404
    assert citizen.post(f"/suivre/desabonner/{manage_token}/", {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert Follower.objects.filter(pk=follower.pk).exists()


def test_one_click_unsubscribe_needs_no_cookie_nor_token(follower):
    """RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to the link, without a cookie."""
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        path(unsubscribe_url(follower)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "Désabonnement effectué" in text(response)
    assert not Follower.objects.exists()
    assert not Subscription.objects.exists()


def test_opening_the_unsubscribe_link_shows_a_button_and_unsubscribes_nothing(citizen, follower):
    response = citizen.get(path(unsubscribe_url(follower)))

    assert response.status_code == 200
    assert "Me désabonner" in text(response)
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in response.content.decode()
    assert Follower.objects.filter(pk=follower.pk).exists()


def test_a_post_without_the_one_click_body_unsubscribes_nothing(citizen, follower):
    response = citizen.post(path(unsubscribe_url(follower)), {"List-Unsubscribe": "autre chose"})

    assert response.status_code == 400
    assert "rien n'a été changé" in text(response)
    assert Follower.objects.filter(pk=follower.pk).exists()


def test_unsubscribing_twice_says_it_is_done(citizen, follower):
    url = path(unsubscribe_url(follower))
    citizen.post(url, {"List-Unsubscribe": "One-Click"})

    assert citizen.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert "Désabonnement effectué" in text(citizen.get(url))


def test_the_headers_of_every_message(follower):
    headers = list_unsubscribe_headers(follower)

    assert headers == {
        "List-Unsubscribe": f"<{unsubscribe_url(follower)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert headers["List-Unsubscribe"].startswith("<http://testserver/suivre/desabonner/")


def test_the_manage_page_shows_what_the_address_follows_and_nothing_else(citizen, follower, proposal):
    other = Follower.objects.create(email="autre@example.org")
    Subscription.objects.create(follower=other, axis=make_axis(name="Transition sociale"))
    Subscription.objects.create(follower=follower)

    page = text(citizen.get(path(manage_url(follower))))

    assert "lea@example.org" in page
    assert "La proposition « Planter »" in page and "Tous les bilans" in page
    assert "Transition sociale" not in page and "autre@example.org" not in page


def test_stopping_one_thing_keeps_the_others(citizen, follower, proposal):
    everything = Subscription.objects.create(follower=follower)

    response = citizen.post(path(manage_url(follower)), {"abonnement": everything.pk})

    assert response.status_code == 200
    assert "Vous ne suivez plus tous les bilans." in text(response)
    assert list(follower.subscriptions.all()) == [Subscription.objects.get(proposal=proposal)]


def test_another_follower_s_subscription_cannot_be_removed(citizen, follower):
    other = Follower.objects.create(email="autre@example.org")
    theirs = Subscription.objects.create(follower=other, proposal=make_proposal())

    for value in [theirs.pk, "abc", "9" * 30, "²", "1\x00", ""]:
        response = citizen.post(path(manage_url(follower)), {"abonnement": value})
        assert response.status_code == 400
        assert "rien n'a été changé" in text(response)
    assert Subscription.objects.count() == 2


def test_stopping_the_last_thing_forgets_the_address(citizen, follower):
    response = citizen.post(path(manage_url(follower)), {"abonnement": follower.subscriptions.get().pk})

    assert "Désabonnement effectué" in text(response)
    assert not Follower.objects.exists()


def test_stopping_everything_forgets_the_address(citizen, follower):
    Subscription.objects.create(follower=follower)

    response = citizen.post(path(manage_url(follower)), {"tout": "1"})

    assert "Désabonnement effectué" in text(response)
    assert not Follower.objects.exists() and not Subscription.objects.exists()


def test_the_manage_page_checks_csrf(follower):
    response = Client(enforce_csrf_checks=True).post(path(manage_url(follower)), {"tout": "1"})

    assert response.status_code == 403
    assert Follower.objects.filter(pk=follower.pk).exists()


def test_a_confirmation_link_of_a_deleted_proposal_adds_nothing(citizen, follower):
    gone = make_proposal()
    Subscription.objects.create(follower=follower, proposal=gone, pending=True)
    url = path(confirm_url(follower))
    gone.delete()

    assert citizen.post(url).status_code == 200
    assert follower.subscriptions.count() == 1
