"""The privacy notice, the daily clean-up, and who sees followers in the back office."""

from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.utils import timezone

from follow.models import Follower, Subscription
from proposals.models import Convention
from tests.factory import make_axis

pytestmark = pytest.mark.django_db


def test_the_privacy_notice_says_what_why_how_long_and_whom_to_ask(citizen, settings):
    settings.PRIVACY_CONTACT = "dpo@ville.example"

    response = citizen.get("/donnees-personnelles/")

    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<h1>Données personnelles</h1>" in page
    for heading in ["Ce qui est conservé", "Pourquoi", "Combien de temps", "Vos droits"]:
        assert f"<h2>{heading}</h2>" in page
    assert "votre adresse électronique" in page
    assert "effacée au bout de 7 jours" in page
    assert "RGPD" in page and "CNIL" in page
    assert "dpo@ville.example" in page


def test_without_a_contact_the_notice_names_the_publisher(citizen, convention_addressed):
    page = unescape(citizen.get("/donnees-personnelles/").content.decode())

    assert "adressez-vous à la Ville et la Métropole, qui publie ce site" in page


@pytest.fixture
def convention_addressed(db):
    return Convention.objects.create(pk=1, name="Convention", introduction="x", addressed_to="la Ville et la Métropole")


def test_the_privacy_notice_is_a_public_page(citizen):
    assert citizen.post("/donnees-personnelles/").status_code == 405


@pytest.fixture
def followers(db):
    axis = make_axis(name="Transition sociale")
    old = Follower.objects.create(email="ancienne@example.org")
    recent = Follower.objects.create(email="recente@example.org")
    confirmed = Follower.objects.create(email="fidele@example.org")
    confirmed.confirm()
    asked_again = Follower.objects.create(email="relance@example.org")
    for follower in (old, recent, confirmed, asked_again):
        Subscription.objects.create(follower=follower, axis=axis)
    eight_days_ago = timezone.now() - timedelta(days=8)
    Follower.objects.exclude(pk=recent.pk).update(created_at=eight_days_ago)
    Follower.objects.filter(pk=asked_again.pk).update(confirmation_sent_at=timezone.now() - timedelta(days=2))
    return old


def test_the_daily_command_forgets_unconfirmed_addresses_after_seven_days(followers, capsys):
    call_command("forget_unconfirmed_followers", "--dry-run")
    assert "1 unconfirmed address(es) would be forgotten." in capsys.readouterr().out
    assert Follower.objects.count() == 4

    call_command("forget_unconfirmed_followers")

    assert "1 unconfirmed address(es) forgotten." in capsys.readouterr().out
    assert sorted(Follower.objects.values_list("email", flat=True)) == [
        "fidele@example.org",
        "recente@example.org",
        "relance@example.org",  # its last confirmation link still lives
    ]
    assert Subscription.objects.count() == 3


def test_superusers_list_and_search_followers(superuser_client, followers):
    response = superuser_client.get("/admin/follow/follower/", {"q": "ancienne"})

    assert response.status_code == 200
    assert "ancienne@example.org" in response.content.decode()
    assert "fidele@example.org" not in response.content.decode()
    assert superuser_client.get("/admin/follow/subscription/", {"q": "fidele"}).status_code == 200
    assert superuser_client.get(f"/admin/follow/follower/{followers.pk}/change/").status_code == 200
    assert superuser_client.get("/admin/follow/follower/add/").status_code == 403


def test_a_superuser_finds_an_address_however_the_person_spells_it(superuser_client, db):
    """A person asking to be erased writes their address as they read it: «bücher.de»."""
    lea = Follower.objects.create(email="lea@bücher.de")
    Subscription.objects.create(follower=lea, axis=make_axis(name="Transition Écologie"))

    for typed in ("Lea@Bücher.de", "lea@xn--bcher-kva.de", "bücher"):
        page = superuser_client.get("/admin/follow/follower/", {"q": typed}).content.decode()
        assert "lea@xn--bcher-kva.de" in page, typed
    page = superuser_client.get("/admin/follow/subscription/", {"q": "Écologie"}).content.decode()
    assert "Transition Écologie" in page  # an axis's name is still found as typed


@pytest.mark.parametrize("role", ["editor_client", "clerk_client"])
def test_nobody_else_sees_them(request, role, followers):
    client = request.getfixturevalue(role)

    assert client.get("/admin/follow/follower/").status_code == 403
    assert client.get("/admin/follow/subscription/").status_code == 403
    assert client.get(f"/admin/follow/follower/{followers.pk}/change/").status_code == 403
    assert "/admin/follow/" not in client.get("/admin/").content.decode()


def test_the_privacy_notice_says_exactly_what_the_logs_keep(citizen, settings):
    """It said no IP address was associated with the address, while the access log paired the
    links of the messages (then carrying the follower's id) with client addresses."""
    settings.ACCESS_LOG_DAYS = 30

    page = unescape(citizen.get("/donnees-personnelles/").content.decode())

    assert "<h2>Ce que gardent les journaux du serveur</h2>" in page
    assert "l'adresse IP de l'appareil qui la demande" in page
    assert "Ce journal est conservé 30 jours, puis effacé" in page
    assert "le journal garde donc ce lien avec l'adresse IP de votre appareil" in page
    assert "ne contiennent ni votre adresse électronique ni votre numéro d'abonné" in page
    assert "jamais son adresse électronique" in page
    assert "64 premiers bits" in page and "effacée au bout d'une heure" in page
    assert "ni adresse IP associée à votre adresse" not in page
