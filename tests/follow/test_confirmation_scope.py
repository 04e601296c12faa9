"""What a follower's links carry and what a confirmation button confirms: no readable
identifier in a link (an access log pairs links with client addresses), the links already sent
still open their pages, and an older confirmation link confirms only what it was issued for,
listed on its page before the button."""

import base64
import binascii
import datetime
import time
from html import unescape

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from follow.links import confirm_url, manage_url, unsubscribe_url
from follow.models import Follower, Subscription
from tests.factory import make_axis

from .mailing import delivered

pytestmark = pytest.mark.django_db


def path(url: str) -> str:
    return url.removeprefix("http://testserver")


def text(response) -> str:
    return unescape(response.content.decode())


def confirmation_link(message) -> str:
    return path(next(line for line in message.body.splitlines() if "/suivre/confirmer/" in line))


def readable_parts(token: str) -> list[str]:
    """The token's parts as written, and as base64 decodes them."""
    parts = []
    for part in token.split(":"):
        parts.append(part)
        try:
            parts.append(base64.urlsafe_b64decode(part.lstrip(".") + "=" * (-len(part) % 4)).decode("latin-1"))
        except (binascii.Error, ValueError):
            pass
    return parts


def test_a_link_carries_no_readable_identifier(db):
    """The follower's id, in readable base64, was in every link (and, beside the client's
    address, in the access log)."""
    follower = Follower.objects.create(id=4242, email="lea@example.org")

    for url in (confirm_url(follower), manage_url(follower), unsubscribe_url(follower)):
        token = url.rstrip("/").rsplit("/", 1)[1]
        assert not any("4242" in part for part in readable_parts(token)), url
        assert "lea" not in url and "example" not in url


def test_two_followers_links_tell_nothing_of_their_order(proposal):
    first, second = (Follower.objects.create(email=f"p{n}@example.org") for n in range(2))

    assert first.key != second.key
    assert manage_url(first).rsplit("/", 2)[1][:22] != manage_url(second).rsplit("/", 2)[1][:22]


def test_the_links_of_messages_already_sent_still_open_their_pages(citizen, follower):
    """Links made before: the follower's id signed with the purpose."""
    manage = f"/suivre/gerer/{signing.dumps(follower.pk, salt='follow.manage')}/"
    unsubscribe = f"/suivre/desabonner/{signing.dumps(follower.pk, salt='follow.unsubscribe')}/"

    assert "La proposition « Planter »" in text(citizen.get(manage))
    assert citizen.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Follower.objects.exists()


def test_a_former_link_opens_no_page_of_another_purpose(citizen, follower):
    token = signing.dumps(follower.pk, salt="follow.unsubscribe")

    assert citizen.get(f"/suivre/gerer/{token}/").status_code == 404


@pytest.fixture
def clock(monkeypatch):
    def at(moment: datetime.datetime) -> None:
        monkeypatch.setattr(time, "time", moment.timestamp)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return at


def test_an_older_confirmation_link_confirms_only_what_it_was_issued_for(citizen, proposal, clock):
    """Day 1 someone asks to follow a proposal (message 1); day 2 every review for the same
    address (message 2, listing both). Message 1's button confirmed both."""
    make_axis(slug="sociale", name="Transition sociale")
    today = timezone.now()
    citizen.post("/suivre/inscription/", {"adresse": "lea@example.org", "proposition": "eco-arbres"})
    clock(today + datetime.timedelta(days=1, minutes=1))
    Client(REMOTE_ADDR="192.0.2.9").post("/suivre/inscription/", {"adresse": "lea@example.org"})
    first, second = (confirmation_link(message) for message in delivered())
    assert "tous les bilans" in delivered()[1].body

    page = text(citizen.get(first))
    assert "Ce bouton confirme :" in page
    assert "La proposition « Planter »" in page and "Tous les bilans" not in page
    assert page.index("La proposition « Planter »") < page.index("Je confirme mon abonnement")

    confirmed = text(citizen.post(first))
    follower = Follower.objects.get()
    assert follower.is_confirmed
    assert [str(subscription) for subscription in follower.followed()] == ["eco-arbres — Planter"]
    assert "tous les bilans" not in confirmed.lower()

    page = text(citizen.get(second))
    assert "Tous les bilans" in page and "Planter" not in page
    citizen.post(second)
    assert sorted(str(subscription) for subscription in follower.followed()) == [
        "eco-arbres — Planter",
        "tous les bilans",
    ]


def test_a_confirmed_address_s_older_link_confirms_no_later_addition(citizen, follower, clock):
    make_axis(slug="sociale", name="Transition sociale")
    citizen.post("/suivre/inscription/", {"adresse": "lea@example.org", "axe": "sociale"})
    clock(timezone.now() + datetime.timedelta(days=1, minutes=1))
    citizen.post("/suivre/inscription/", {"adresse": "lea@example.org"})
    first, _second = (confirmation_link(message) for message in delivered())

    citizen.post(first)

    assert sorted(str(subscription) for subscription in follower.followed()) == [
        "Transition sociale",
        "eco-arbres — Planter",
    ]
    assert Subscription.objects.get(axis__isnull=True, proposal__isnull=True).pending


def test_a_pending_addition_is_not_followed_nor_listed(citizen, follower):
    Subscription.objects.create(follower=follower, axis=make_axis(name="Transition sociale"), pending=True)

    page = text(citizen.get(path(manage_url(follower))))

    assert "Transition sociale" not in page


def test_a_confirmation_link_sent_before_still_confirms_what_it_carried(citizen, follower):
    """A confirmed address's addition, carried by a link made before the upgrade."""
    axis = make_axis(slug="sociale", name="Transition sociale")
    token = signing.dumps([follower.pk, "axis", axis.pk], salt="follow.confirm")

    page = text(citizen.get(f"/suivre/confirmer/{token}/"))
    assert "Ce bouton confirme :" in page and "Les propositions de « Transition sociale »" in page
    citizen.post(f"/suivre/confirmer/{token}/")

    assert sorted(str(subscription) for subscription in follower.followed()) == [
        "Transition sociale",
        "eco-arbres — Planter",
    ]
