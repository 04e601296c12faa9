"""The account pages (sign-in, password reset, the second factor's enrolment and verification,
the recovery codes) on a phone: nothing wider than the screen, nothing axe-core finds against
WCAG 2.1 AA, the error of a wrong code included."""

import base64

from tests.accounts.helpers import totp_code
from tests.browser.conftest import check_page, report, sign_in_with_password


def test_the_account_pages_are_accessible_on_a_phone(clermont_live, browser, axe, clerk):
    url = clermont_live.url
    context = browser.new_context(locale="fr-FR", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = {}
    try:
        page.goto(f"{url}/admin/login/")
        check_page(page, axe, "connexion", problems)
        page.goto(f"{url}/comptes/mot-de-passe/")
        check_page(page, axe, "mot de passe oublié", problems)
        page.fill("#id_email", "greffe@ville.example")
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert "/comptes/mot-de-passe/envoye/" in page.url
        check_page(page, axe, "mot de passe : message envoyé", problems)

        # A clerk must have a second factor: after the password, the enrolment page only.
        sign_in_with_password(page, url, clerk.username)
        assert "/comptes/double-authentification/" in page.url
        check_page(page, axe, "double authentification", problems)
        with page.expect_navigation():
            page.get_by_role("button", name="Ajouter une application d'authentification").click()
        check_page(page, axe, "application : QR code", problems)
        secret = page.inner_text(".totp-secret").replace(" ", "")
        page.fill("#id_code", totp_code(_base32(secret)))
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer l'application").click()
        assert "Codes de secours" in page.inner_text("#content")
        check_page(page, axe, "codes de secours", problems)

        # Signed out, then in again: the verification page.
        with page.expect_navigation():
            page.click("#logout-form button")
        sign_in_with_password(page, url, clerk.username)
        assert "/comptes/verification/" in page.url
        check_page(page, axe, "vérification", problems)
        page.fill("#id_code", "000000")
        with page.expect_navigation():
            page.get_by_role("button", name="Vérifier").click()
        assert "Corrigez l'erreur" in page.inner_text("#content")
        check_page(page, axe, "vérification : code refusé", problems)
    finally:
        context.close()
    assert problems == {}, report(problems)


def _base32(secret: str) -> bytes:
    return base64.b32decode(secret + "=" * (-len(secret) % 8))
