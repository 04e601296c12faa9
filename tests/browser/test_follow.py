"""Following by e-mail in a real browser: the form without JavaScript, the pages opened from a
message, each checked by axe-core on a phone and on a desktop."""

import pytest

from follow.links import confirm_url, manage_url, unsubscribe_url
from follow.models import Follower, Subscription
from proposals.models import Proposal
from tests.browser.conftest import check_page, report
from tests.follow.mailing import delivered


def _on_live(url: str, live) -> str:
    return live.url + url.removeprefix("http://testserver")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_follow_pages_have_no_wcag_21_aa_violation(browser, axe, clermont_live, width):
    follower = Follower.objects.create(email="lea@example.org")
    Subscription.objects.create(follower=follower, proposal=Proposal.objects.get(key="eco-vegetalisation"))
    Subscription.objects.create(follower=follower)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = {}

    def check(name):
        check_page(page, axe, name, problems)

    try:
        page.goto(clermont_live.url + "/propositions/?axe=ecologique")
        check("axe")
        page.goto(clermont_live.url + "/propositions/eco-vegetalisation/")
        page.get_by_label("Votre adresse électronique").fill("pas-une-adresse")
        with page.expect_navigation():
            page.get_by_role("button", name="Suivre", exact=True).click()
        assert "n'est pas valable" in page.locator("#suivre-erreur").inner_text()
        check("erreur")
        page.get_by_label("Votre adresse électronique").fill("nouvelle@example.org")
        with page.expect_navigation():
            page.get_by_role("button", name="Suivre", exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text() == "Vérifiez votre messagerie"
        check("réponse")
        for name, url in [
            ("confirmer", confirm_url(follower)),
            ("gérer", manage_url(follower)),
            ("désabonner", unsubscribe_url(follower)),
            ("lien non valable", "/suivre/gerer/faux/"),
        ]:
            page.goto(_on_live(url, clermont_live))
            check(name)
        page.goto(_on_live(confirm_url(follower), clermont_live))
        with page.expect_navigation():
            page.get_by_role("button", name="Je confirme mon abonnement").click()
        check("confirmé")
        page.goto(_on_live(unsubscribe_url(follower), clermont_live))
        with page.expect_navigation():
            page.get_by_role("button", name="Me désabonner").click()
        check("désabonné")
    finally:
        context.close()

    assert problems == {}, report(problems)
    assert [message.to for message in delivered()] == [["nouvelle@example.org"]]  # by the worker
    assert not Follower.objects.filter(email="lea@example.org").exists()
