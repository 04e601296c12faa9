"""Asking to follow a proposal, an axis or every review: double opt-in, one neutral answer."""

from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from follow.models import Follower, Subscription
from proposals.models import Convention
from tests.factory import make_axis

from .mailing import closed_port, delivered, run_queued_tasks

pytestmark = pytest.mark.django_db

NEUTRAL = "Si cette adresse peut être abonnée, vous allez recevoir un message pour confirmer"


def follow(client, email="lea@example.org", **target):
    """The request, then the worker's turn: it sends the confirmation message the request queued
    (to mail.outbox)."""
    response = client.post("/suivre/inscription/", {"adresse": email, **target})
    run_queued_tasks()
    return response


def test_a_proposal_page_an_axis_table_and_the_follow_page_carry_the_form(citizen, proposal):
    page = citizen.get("/propositions/eco-arbres/").content.decode()
    assert "Suivre cette proposition par courriel" in page
    assert '<input type="hidden" name="proposition" value="eco-arbres">' in page

    page = citizen.get("/propositions/?axe=ecologique").content.decode()
    assert "Suivre « Transition écologique » par courriel" in page
    assert '<input type="hidden" name="axe" value="ecologique">' in page

    assert 'action="/suivre/inscription/"' not in citizen.get("/propositions/").content.decode()

    page = citizen.get("/suivre/").content.decode()
    assert "Suivre tous les bilans par courriel" in page
    assert 'name="proposition"' not in page and 'name="axe"' not in page


def test_the_footer_leads_to_the_follow_page_and_the_privacy_notice(citizen, proposal):
    page = citizen.get("/").content.decode()

    assert 'href="/suivre/"' in page
    assert 'href="/donnees-personnelles/"' in page


def test_a_page_with_the_form_is_still_shared_by_every_visitor(
    citizen, proposal, page_cache, django_assert_num_queries
):
    """No CSRF token, no cookie: the page cache and HTTP caches keep it."""
    first = citizen.get("/propositions/eco-arbres/")
    with django_assert_num_queries(0):  # from the page cache
        again = Client().get("/propositions/eco-arbres/")

    assert "Suivre cette proposition par courriel" in first.content.decode()
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies and not again.cookies
    assert "private" not in first["Cache-Control"]
    assert again.content == first.content


def test_following_a_proposal_sends_one_confirmation_and_follows_nothing_yet(citizen, proposal):
    response = follow(citizen, "  Lea@Example.ORG ", proposition="eco-arbres")

    assert response.status_code == 200
    assert NEUTRAL in response.content.decode()
    follower = Follower.objects.get()
    assert follower.email == "lea@example.org"
    assert follower.confirmed_at is None
    assert list(follower.subscriptions.values_list("proposal__key", flat=True)) == ["eco-arbres"]
    [message] = mail.outbox
    assert message.to == ["lea@example.org"]
    assert "Confirmez votre abonnement" in message.subject
    assert "la proposition « Planter »" in message.body
    assert "http://testserver/suivre/confirmer/" in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert '<html lang="fr">' in html and "http://testserver/suivre/confirmer/" in html


def test_following_an_axis_and_every_review(citizen, proposal):
    follow(citizen, proposition="", axe="ecologique")
    mail.outbox.clear()
    Follower.objects.update(confirmation_sent_at=None)
    follow(citizen)

    follower = Follower.objects.get()
    assert sorted(str(subscription) for subscription in follower.subscriptions.all()) == [
        "Transition écologique",
        "tous les bilans",
    ]
    assert "tous les bilans" in mail.outbox[0].body and "Transition écologique" in mail.outbox[0].body


def test_the_answer_is_the_same_whatever_the_address_follows(citizen, proposal, follower, settings):
    """New, unconfirmed, confirmed and following it already, over the limit: one page."""
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 4
    answers = [
        follow(citizen, "nouvelle@example.org", proposition="eco-arbres"),
        follow(citizen, "nouvelle@example.org", proposition="eco-arbres"),
        follow(citizen, "lea@example.org", proposition="eco-arbres"),
        follow(citizen, "lea@example.org"),
        follow(citizen, "autre@example.org", proposition="eco-arbres"),  # over the limit
    ]

    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert NEUTRAL in answers[0].content.decode()
    assert "lea@example.org" not in answers[2].content.decode()


def test_a_confirmed_address_confirms_what_it_adds(citizen, proposal, follower):
    other = make_axis(slug="sociale", name="Transition sociale")

    follow(citizen, "lea@example.org", axe="sociale")

    assert list(follower.followed().values_list("proposal__key", flat=True)) == ["eco-arbres"]
    [message] = mail.outbox
    assert "ajouter à vos abonnements" in message.body
    assert "« Transition sociale »" in message.body
    link = next(line for line in message.body.splitlines() if "/suivre/confirmer/" in line)
    citizen.post(link.removeprefix("http://testserver"))
    assert follower.subscriptions.filter(axis=other).exists()


def test_a_confirmed_address_asking_again_gets_the_link_to_its_page(citizen, proposal, follower):
    follow(citizen, "lea@example.org", proposition="eco-arbres")

    [message] = mail.outbox
    assert message.subject.startswith("Vos abonnements")
    assert "ce que cette adresse suit déjà" in message.body and "la proposition « Planter »" in message.body
    assert "http://testserver/suivre/gerer/" in message.body
    assert "/suivre/confirmer/" not in message.body
    assert follower.subscriptions.count() == 1


def test_at_most_one_confirmation_per_address_per_day(citizen, proposal):
    follow(citizen, proposition="eco-arbres")
    follow(citizen, "LEA@example.org")
    assert len(mail.outbox) == 1

    Follower.objects.update(confirmation_sent_at=timezone.now() - timedelta(days=1, minutes=1))
    follow(citizen)
    assert len(mail.outbox) == 2


def test_at_most_n_requests_per_client_address_per_hour(proposal, settings):
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 3
    # An address of its own, counted by no other request of this hour.
    citizen = Client(REMOTE_ADDR="203.0.113.45")
    for n in range(3):
        assert NEUTRAL in follow(citizen, f"personne{n}@example.org").content.decode()
    assert len(mail.outbox) == 3

    answer = follow(citizen, "une-de-trop@example.org")

    assert NEUTRAL in answer.content.decode()
    assert len(mail.outbox) == 3
    assert not Follower.objects.filter(email="une-de-trop@example.org").exists()
    # Another client is not held back.
    follow(Client(REMOTE_ADDR="192.0.2.7"), "ailleurs@example.org")
    assert len(mail.outbox) == 4


def test_the_client_is_the_one_the_trusted_proxy_saw(proposal, settings):
    """Behind one proxy, the address it appends counts, not what the client wrote before it."""
    settings.FOLLOW_MAX_REQUESTS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = ["10.0.0.1"]
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(3):  # the same client, lying about its address each time
        forwarded = f"1.1.1.{n}, 203.0.113.5"
        proxy.post("/suivre/inscription/", {"adresse": f"p{n}@example.org"}, HTTP_X_FORWARDED_FOR=forwarded)
    proxy.post("/suivre/inscription/", {"adresse": "autre@example.org"}, HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert sorted(message.to[0] for message in delivered()) == ["autre@example.org", "p0@example.org"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"adresse": "pas-une-adresse"}, "Cette adresse électronique n'est pas valable"),
        ({"adresse": ""}, "Indiquez votre adresse électronique."),
        ({"adresse": "a" * 10_000 + "@example.org"}, "Cette adresse est trop longue"),
        # 215 characters as typed, 275 once lower-cased (each «İ» becomes two): too long to store.
        ({"adresse": "a" * 150 + "@" + ("İ" * 30 + ".") * 2 + "fr"}, "Cette adresse est trop longue"),
        # A name no mail server can be asked for (its ASCII form is longer than 63 characters).
        ({"adresse": "lea@" + "é" * 63 + ".fr"}, "Cette adresse électronique n'est pas valable"),
        ({"adresse": "lea\x00@example.org"}, "Cette adresse électronique n'est pas valable"),
        ({"adresse": "lea@example.org", "proposition": "inconnue"}, "Cette proposition n'existe pas"),
        ({"adresse": "lea@example.org", "proposition": "x" * 10_000}, "Cette proposition n'existe pas"),
        ({"adresse": "lea@example.org", "proposition": "eco\x00"}, "Cette proposition n'existe pas"),
        ({"adresse": "lea@example.org", "axe": "inconnu"}, "Cet axe n'existe pas"),
        ({"adresse": "lea@example.org", "axe": "ecologique", "proposition": "eco-arbres"}, "pas les deux"),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(citizen, proposal, data, message):
    response = citizen.post("/suivre/inscription/", data)

    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert "rien n'a été enregistré" in unescape(response.content.decode())
    assert not Follower.objects.exists()
    assert not mail.outbox


def test_the_form_is_shown_again_with_the_error_tied_to_the_field(citizen, proposal):
    data = {"adresse": "pas-une-adresse", "proposition": "eco-arbres"}
    page = citizen.post("/suivre/inscription/", data).content.decode()

    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="suivre-aide suivre-erreur"' in page
    assert 'id="suivre-erreur"' in page
    assert 'value="pas-une-adresse"' in page
    assert '<input type="hidden" name="proposition" value="eco-arbres">' in page


def test_the_form_needs_no_cookie_nor_csrf_token(proposal):
    """The page that carries it is cached for everyone: it has no token to give."""
    response = follow(Client(enforce_csrf_checks=True), proposition="eco-arbres")

    assert response.status_code == 200
    assert len(mail.outbox) == 1


def test_the_answer_is_never_cached(citizen, proposal, page_cache):
    response = follow(citizen, proposition="eco-arbres")

    assert "no-store" in response["Cache-Control"]


def test_subscribing_is_a_post(citizen, proposal):
    assert citizen.get("/suivre/inscription/").status_code == 405
    assert citizen.post("/suivre/", {"adresse": "lea@example.org"}).status_code == 405


def test_a_mail_server_that_fails_is_never_a_500_and_the_log_has_no_address(citizen, proposal, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()  # the mail server stopped

    response = follow(citizen, proposition="eco-arbres")

    assert response.status_code == 200
    assert NEUTRAL in response.content.decode()
    follower = Follower.objects.get()
    assert follower.messages.get().state == "pending"  # tried again later
    assert f"follower {follower.pk}" in caplog.text
    assert "lea@example.org" not in caplog.text


def test_old_unconfirmed_addresses_are_forgotten_on_each_new_subscription(citizen, proposal):
    old = Follower.objects.create(email="ancienne@example.org")
    Subscription.objects.create(follower=old, proposal=proposal)
    Follower.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))

    follow(citizen)

    assert list(Follower.objects.values_list("email", flat=True)) == ["lea@example.org"]
    assert not Subscription.objects.filter(follower_id=old.pk).exists()


def test_the_confirmation_link_confirms_only_what_a_message_listed(citizen, proposal):
    """Anyone may type an address: what is asked for it once its message of the day is sent
    (listed in no message) is not followed when the owner presses the button."""
    follow(citizen, proposition="eco-arbres")
    [message] = mail.outbox
    follow(Client(REMOTE_ADDR="198.51.100.9"), "lea@example.org")  # every review, asked by someone else

    assert len(mail.outbox) == 1
    link = next(line for line in message.body.splitlines() if "/suivre/confirmer/" in line)
    page = citizen.post(link.removeprefix("http://testserver")).content.decode()

    follower = Follower.objects.get()
    assert follower.is_confirmed
    assert [str(subscription) for subscription in follower.subscriptions.all()] == ["eco-arbres — Planter"]
    assert "tous les bilans" not in page


def test_the_confirmations_subject_names_the_convention_in_full(citizen, proposal):
    Convention.objects.create(
        pk=1,
        name="Convention citoyenne pour le climat de Clermont-Ferrand",
        short_name="Convention citoyenne",
        introduction=".",
    )

    follow(citizen, "lea@example.org", proposition="eco-arbres")

    [message] = mail.outbox
    assert message.subject == "Confirmez votre abonnement — Convention citoyenne pour le climat de Clermont-Ferrand"
