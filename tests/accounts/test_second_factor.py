"""The second factor: an authenticator app (TOTP, codes computed here from the device's secret,
RFC 6238) and recovery codes. Required of superusers and «Greffe» (and of every staff account
when STAFF_REQUIRE_SECOND_FACTOR is on): until one is enrolled they reach nothing else of the
back office; the committee's members may turn it on; a superuser resets someone's factors."""

import base64

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import next_totp_code, text, totp_code
from tests.conftest import logged_in

PASSWORD = "motdepasse-test"
FACTORS = "/comptes/double-authentification/"
VERIFY = "/comptes/verification/"


def sign_in(user) -> tuple[Client, object]:
    """The real log-in form (the first step only): the client and its answer."""
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    return client, response


def enrol(client) -> tuple[TOTPDevice, object]:
    """Add an authenticator app as a person does: the secret shown, then its first code."""
    client.post(f"{FACTORS}application/")
    page = client.get(f"{FACTORS}application/confirmer/")
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(f"{FACTORS}application/confirmer/", {"code": totp_code(device.bin_key)})
    device.refresh_from_db()
    return device, response, page


@pytest.mark.parametrize("role", ["superuser", "clerk"])
def test_a_role_that_requires_it_reaches_nothing_before_enrolling(role, request):
    user = request.getfixturevalue(role)
    client, _ = sign_in(user)

    for path in ("/admin/", "/admin/reports/annualreview/", "/admin/auth/user/", "/", VERIFY):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(FACTORS), path
    assert client.get(FACTORS).status_code == 200
    assert "exige une double authentification" in text(client.get(FACTORS))


def test_enrolment_then_sign_in_with_an_authenticator_app(clerk):
    client, _ = sign_in(clerk)

    device, response, page = enrol(client)

    assert device.confirmed
    shown = text(page)
    assert "<svg" in shown  # the QR code, inline
    secret = "".join(shown.split('class="totp-secret">')[1].split("</code>")[0].split())
    assert base64.b32decode(secret) == device.bin_key  # the secret as text
    codes = text(response)
    assert "ne seront plus affichés" in codes
    assert StaticToken.objects.filter(device__user=clerk).count() == 10
    assert client.get("/admin/").status_code == 200  # this session is verified

    # Next time: the password, then the code.
    other, _ = sign_in(clerk)
    assert other.get("/admin/")["Location"].startswith(VERIFY)
    assert other.get(FACTORS)["Location"].startswith(VERIFY)  # no new factor with a password alone
    wrong = other.post(VERIFY, {"code": "000000", "next": "/admin/"})
    assert "Ce code ne convient pas" in text(wrong)
    assert other.get("/admin/").status_code == 302
    device.throttling_failure_count = 0  # the failure's delay (django-otp) has passed
    device.throttling_failure_timestamp = None
    device.save()
    response = other.post(VERIFY, {"code": next_totp_code(device.bin_key), "next": "/admin/reports/"})
    assert response.status_code == 302 and response["Location"] == "/admin/reports/"
    assert other.get("/admin/").status_code == 200


def test_a_used_code_is_refused_the_second_time(clerk):
    client, _ = sign_in(clerk)
    device, _response, _page = enrol(client)
    first, _ = sign_in(clerk)
    code = next_totp_code(device.bin_key)
    assert first.post(VERIFY, {"code": code})["Location"] == "/admin/"

    second, _ = sign_in(clerk)
    second.post(VERIFY, {"code": code})

    assert second.get("/admin/").status_code == 302


def test_a_recovery_code_signs_in_once(clerk):
    client, _ = sign_in(clerk)
    _device, response, _page = enrol(client)
    code = text(response).split("<code>")[1].split("</code>")[0]
    other, _ = sign_in(clerk)

    answer = other.post(VERIFY, {"code": code}, follow=True)

    assert "il vous en reste 9" in text(answer)
    assert other.get("/admin/").status_code == 200
    third, _ = sign_in(clerk)
    third.post(VERIFY, {"code": code})
    assert third.get("/admin/").status_code == 302


def test_the_committee_may_turn_it_on_and_is_then_asked(committee):
    client, _ = sign_in(committee)
    assert client.get("/admin/").status_code == 200  # not required

    enrol(client)

    other, _ = sign_in(committee)
    assert other.get("/admin/")["Location"].startswith(VERIFY)


@override_settings(STAFF_REQUIRE_SECOND_FACTOR=True)
def test_a_setting_requires_it_of_every_staff_role(editor, committee):
    for user in (editor, committee):
        client, _ = sign_in(user)
        assert client.get("/admin/")["Location"].startswith(FACTORS)


def test_editors_need_none_by_default(editor):
    client, _ = sign_in(editor)

    assert client.get("/admin/").status_code == 200


def test_a_superuser_resets_someone_s_factors_in_the_history(clerk, superuser_client, superuser):
    client, _ = sign_in(clerk)
    enrol(client)
    url = f"/admin/auth/user/{clerk.pk}/double-authentification/"

    assert superuser_client.get(url).status_code == 200
    response = superuser_client.post(url)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert not StaticToken.objects.filter(device__user=clerk).exists()
    entry = LogEntry.objects.get(object_id=str(clerk.pk))
    assert entry.user == superuser and "réinitialisée" in entry.change_message
    history = text(superuser_client.get(f"/admin/auth/user/{clerk.pk}/history/"))
    assert "Double authentification réinitialisée" in history
    # The clerk enrols again at the next sign-in.
    again, _ = sign_in(clerk)
    assert again.get("/admin/")["Location"].startswith(FACTORS)


def test_no_other_role_resets_or_sees_someone_s_factors(clerk, editor, committee):
    client, _ = sign_in(clerk)
    device, _response, _page = enrol(client)
    url = f"/admin/auth/user/{clerk.pk}/double-authentification/"

    for user in (editor, committee):
        other = logged_in(user)
        assert other.post(url).status_code == 403
        # Their own pages show their own factors only.
        assert device.name not in text(other.get(FACTORS)) or "Aucune application" in text(other.get(FACTORS))
    assert TOTPDevice.objects.filter(user=clerk, confirmed=True).count() == 1
    # A clerk who has verified cannot remove another's app by its number.
    intruder = logged_in(editor)
    intruder.post(f"{FACTORS}application/{device.pk}/retirer/")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_device_pages_of_django_otp_are_not_in_the_back_office(superuser_client):
    assert superuser_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert superuser_client.get("/admin/otp_static/staticdevice/").status_code == 404
    assert superuser_client.get("/admin/django_otp_webauthn/webauthncredential/").status_code == 404


def test_the_production_check_refuses_a_second_factor_with_no_way_to_enrol(settings, capsys):
    settings.SECOND_FACTOR_TOTP = False
    settings.SECOND_FACTOR_PASSKEYS = False

    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check", "--deploy", "--tag", "security")
