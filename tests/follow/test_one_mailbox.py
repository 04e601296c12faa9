"""One mailbox, one follower: every spelling of an address that reaches the same mailbox is
one follower and one confirmation message a day; spellings the site will not keep (quotes,
backslashes, control characters) are refused in French and change nothing."""

from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from follow.addresses import normalize_address
from follow.models import Follower, Subscription
from follow.services import follower_subscribe

from .mailing import delivered

pytestmark = pytest.mark.django_db


def follow(address: str, client_ip: str = "198.51.100.4", **target):
    """Each spelling from another client: only the limit per mailbox may stop it."""
    return Client(REMOTE_ADDR=client_ip).post("/suivre/inscription/", {"adresse": address, **target})


@pytest.mark.parametrize(
    "spellings, stored",
    [
        # Full-width letters in the domain (and a full-width «@»): the same mailbox.
        (["lea@example.org", "lea@ｅｘａｍｐｌｅ.org", "ｌｅａ＠example.org", "LEA@Example.ORG"], "lea@example.org"),
        # A domain in Unicode and in its ASCII (punycode) form, in any case.
        (["lea@bücher.de", "lea@xn--bcher-kva.de", "lea@BÜCHER.de", "lea@XN--BCHER-KVA.DE"], "lea@xn--bcher-kva.de"),
        # IDNA maps «ß» and upper-case Unicode letters: what the mail server is given.
        (["lea@faß.de", "lea@fass.de"], "lea@fass.de"),
    ],
)
def test_every_spelling_of_one_mailbox_is_one_follower_and_one_message(proposal, spellings, stored):
    answers = [follow(address, f"198.51.100.{n}", proposition="eco-arbres") for n, address in enumerate(spellings)]

    assert {answer.status_code for answer in answers} == {200}
    assert list(Follower.objects.values_list("email", flat=True)) == [stored]
    assert [message.to for message in delivered()] == [[stored]]


@pytest.mark.parametrize(
    "address",
    ['"lea"@example.org', '"l\\ea"@example.org', '"lea.martin"@example.org', '"lea"@bücher.de'],
)
def test_a_quoted_or_escaped_local_part_is_refused_in_french(proposal, address):
    Follower.objects.create(email="lea@example.org")

    response = follow(address, proposition="eco-arbres")

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "écrivez-la sans guillemets ni barre oblique inverse" in page
    assert "rien n'a été enregistré" in page
    assert list(Follower.objects.values_list("email", flat=True)) == ["lea@example.org"]
    assert not delivered()


@pytest.mark.parametrize(
    "address",
    [
        '"l\x0bea"@example.org',  # a vertical tab inside quotes: accepted, then in the To header
        '"lea\x07"@example.org',  # a bell
        '"l\x1bea"@example.org',
        "lea@exa\u00admple.org",  # a soft hyphen: invisible, another row for the same mailbox
        "lea@ex\u200bample.org",  # a zero-width space
        "l\u202eea@example.org",  # a right-to-left override
        "lea\u2028@example.org",  # a line separator
        '"lea\r\n"@example.org',
    ],
)
def test_a_control_or_invisible_character_is_refused_and_writes_nothing(proposal, address):
    response = follow(address, proposition="eco-arbres")

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "Cette adresse électronique n'est pas valable" in page
    assert "rien n'a été enregistré" in page
    assert not Follower.objects.exists()
    assert not delivered()


def test_no_spelling_reaches_a_header_through_the_service_either(proposal):
    """The rule lives below the form: a command or a shell meets it too."""
    follower_subscribe(email="lea@example.org", proposal=proposal)
    follower_subscribe(email="lea@ｅxample.org", proposal=proposal)
    with pytest.raises(ValidationError):
        follower_subscribe(email='"l\x0bea"@example.org', proposal=proposal)

    assert list(Follower.objects.values_list("email", flat=True)) == ["lea@example.org"]
    assert len(delivered()) == 1


def test_the_model_stores_one_form_and_refuses_the_others(db):
    follower = Follower.objects.create(email=" Lea@Bücher.DE ")

    assert follower.email == "lea@xn--bcher-kva.de"
    assert follower.display_email == "lea@bücher.de"
    with pytest.raises(ValidationError):
        Follower.objects.create(email='"lea"@example.org')
    with pytest.raises(ValidationError):
        Follower.objects.create(email="lea\x0b@example.org")


def test_the_one_form_is_its_own_form():
    for address in ["lea@xn--bcher-kva.de", "lea@example.org", "l.e+a@sub.example.org"]:
        assert normalize_address(address) == address
    assert normalize_address("Lea@bücher.de") == normalize_address("lea@xn--bcher-kva.de")
    with pytest.raises(ValidationError):
        normalize_address("lea@xn--zz-.de")  # not valid punycode
    with pytest.raises(ValidationError):
        normalize_address("lea@[192.0.2.1]")


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_one_follower_of_each_mailbox():
    """Rows stored before the rule: each mailbox becomes one follower, with every subscription
    and message of its spellings (one of each) and its earliest confirmation."""
    executor = MigrationExecutor(connection)
    before = [("follow", "0003_outbox")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Follower_ = old.get_model("follow", "Follower")
    Subscription_ = old.get_model("follow", "Subscription")
    axis = old.get_model("proposals", "Axis").objects.create(slug="a", name="A")
    other_axis = old.get_model("proposals", "Axis").objects.create(slug="b", name="B")
    announcement = old.get_model("follow", "Announcement").objects.create(kind="review", key="r", subject="S")
    now = timezone.now()
    rows = {
        email: Follower_.objects.create(email=email, confirmed_at=confirmed)
        for email, confirmed in [
            ("lea@example.org", None),
            ("lea@ｅxample.org", now - timedelta(days=3)),
            ('"lea"@example.org', now - timedelta(days=1)),
            ("lea@bücher.de", None),
            ("lea@xn--bcher-kva.de", now),
            ('"l\x0bea"@example.org', now),
            ('"lea martin"@example.org', now),
            ("max@example.org", now),
            ("nouvelle@example.org", None),
        ]
    }
    Subscription_.objects.create(follower=rows["nouvelle@example.org"], axis=axis)
    Subscription_.objects.create(follower=rows["lea@example.org"], axis=axis)
    Subscription_.objects.create(follower=rows["lea@ｅxample.org"], axis=axis)
    Subscription_.objects.create(follower=rows['"lea"@example.org'], axis=other_axis)
    Subscription_.objects.create(follower=rows['"lea"@example.org'])
    Subscription_.objects.create(follower=rows["lea@bücher.de"])
    Subscription_.objects.create(follower=rows["lea@xn--bcher-kva.de"])
    Message_ = old.get_model("follow", "Message")
    for email in ("lea@ｅxample.org", '"lea"@example.org', "max@example.org"):
        Message_.objects.create(announcement=announcement, follower=rows[email])

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(Follower.objects.values_list("email", flat=True)) == [
        "lea@example.org",
        "lea@xn--bcher-kva.de",
        "max@example.org",
        "nouvelle@example.org",
    ]
    # Each follower's links carry a random key of its own; what an unconfirmed address asked
    # for awaits its confirmation.
    keys = list(Follower.objects.values_list("key", flat=True))
    assert len(set(keys)) == 4 and all(len(key) >= 22 for key in keys)
    assert list(Subscription.objects.filter(pending=True).values_list("follower__email", flat=True)) == [
        "nouvelle@example.org"
    ]
    lea = Follower.objects.get(email="lea@example.org")
    assert lea.pk == rows["lea@example.org"].pk
    assert lea.confirmed_at == now - timedelta(days=3)
    assert sorted(str(subscription) for subscription in lea.subscriptions.all()) == ["A", "B", "tous les bilans"]
    assert lea.messages.count() == 1
    assert Follower.objects.get(email="lea@xn--bcher-kva.de").subscriptions.count() == 1
    assert Follower.objects.get(email="lea@xn--bcher-kva.de").confirmed_at == now


def test_whatever_is_typed_either_is_refused_or_makes_a_clean_header():
    """Every character in every place of an address: the one form is refused, or it is a
    plain address that the message's header and the SMTP envelope take as it is."""
    characters = [chr(code) for code in [*range(0, 0x30), *range(0x7B, 0xC0)]] + ["\u200b", "\u2028", "\ufeff", "ａ"]
    shapes = ['"{c}"@example.org', '"a\\{c}"@example.org', "a{c}@example.org", "lea@ex{c}ample.org"]
    for shape in shapes:
        for character in characters:
            typed = shape.replace("{c}", character)
            try:
                address = normalize_address(typed)
            except ValidationError:
                continue
            assert address.isascii() and address.isprintable() and '"' not in address, repr(typed)
            assert sanitize_address(address, "utf-8") == address
            message = EmailMultiAlternatives(subject="s", body="b", to=[address], from_email="suivi@example.org")
            assert f"To: {address}".encode() in message.message().as_bytes()
