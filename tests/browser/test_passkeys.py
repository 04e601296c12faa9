"""Passkeys (WebAuthn) as the second factor, in Chromium with its virtual authenticator (through
the DevTools protocol): a clerk, who must have a second factor, registers a passkey after the
password, then signs in again with the password and the passkey. The relying party is
`localhost`, the live server's host (a secure context over plain HTTP)."""

from django_otp_webauthn.models import WebAuthnCredential

from tests.browser.conftest import sign_in_with_password


def virtual_authenticator(context, page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def test_a_clerk_registers_a_passkey_then_signs_in_with_it(transactional_db, live_server, browser, clerk, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    virtual_authenticator(context, page)
    try:
        # Enrolment: the password, then the only page open to a clerk without a second factor.
        sign_in_with_password(page, live_server.url, clerk.username)
        assert "/comptes/double-authentification/" in page.url
        page.get_by_role("button", name="Enregistrer une clé d'accès").click()
        page.locator("#passkey-register-status-message:not(:empty)").wait_for()
        assert "Clé d'accès enregistrée" in page.inner_text("#passkey-register-status-message")
        assert WebAuthnCredential.objects.filter(user=clerk).count() == 1
        page.goto(f"{live_server.url}/admin/")
        page.wait_for_selector("#user-tools")

        # Signing out, then in again: the password, then the passkey.
        with page.expect_navigation():
            page.click("#logout-form button")
        sign_in_with_password(page, live_server.url, clerk.username)
        assert "/comptes/verification/" in page.url
        with page.expect_navigation():
            page.get_by_role("button", name="Utiliser ma clé d'accès").click()
        page.wait_for_selector("#user-tools")
        assert page.url == f"{live_server.url}/admin/"
    finally:
        context.close()
