"""A citizen in a real browser: the public pages, by hand and through axe-core."""

import pytest

from tests.browser.conftest import check_page, report

PAGES = [
    "/",
    "/propositions/",
    "/propositions/?axe=ecologique&statut=implemented&tri=-statut",
    "/propositions/?annee=abc",
    "/propositions/eco-vegetalisation/",
    "/propositions/eco-nonpubliee-1/",
    "/projets/",
    "/projets/parcs-urbains/",
    "/donnees/",
    "/accessibilite/",
    "/suivre/",
    "/donnees-personnelles/",
    "/cette-page-nexiste-pas/",
]


@pytest.mark.parametrize("width", [375, 1280])
def test_every_public_page_has_no_wcag_21_aa_violation(browser, axe, clermont_live, width):
    """One live server and one data load per width; every page checked in that one test."""
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = {}
    try:
        for url in PAGES:
            page.goto(clermont_live.url + url)
            check_page(page, axe, url, problems)
    finally:
        context.close()

    assert problems == {}, report(problems)


def test_a_citizen_filters_searches_and_follows_a_proposal_to_its_project(page, clermont_live):
    page.goto(f"{clermont_live.url}/propositions/")

    page.get_by_label("Axe").select_option(label="Transition écologique")
    page.get_by_label("Statut").select_option(label="En cours")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    assert "axe=ecologique" in page.url and "statut=underway" in page.url
    assert page.locator(".result-count strong").inner_text() == "1 proposition"
    assert page.locator("tbody tr").count() == 1

    with page.expect_navigation():
        page.get_by_role("link", name="Effacer les filtres").click()
    assert page.locator("tbody tr").count() == 40

    page.get_by_label("Rechercher").fill("vegetalisation")
    with page.expect_navigation():
        page.get_by_label("Rechercher").press("Enter")
    assert page.locator("tbody tr").count() == 1

    with page.expect_navigation():
        page.get_by_role("link", name="Intensifier la végétalisation des espaces publics et privés").click()
    assert page.locator("h1").inner_text() == "Intensifier la végétalisation des espaces publics et privés"
    assert page.locator("#suivi-2025 .badge").inner_text() == "Mise en œuvre"

    with page.expect_navigation():
        page.get_by_role("link", name="Nouveaux parcs urbains").click()
    assert page.locator("h1").inner_text() == "Nouveaux parcs urbains"
    assert "2,5\u00a0ha" in page.locator(".key-figures").inner_text()


def test_sorting_by_status_with_the_keyboard(page, clermont_live):
    page.goto(f"{clermont_live.url}/propositions/?axe=sociale")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.get_by_role("link", name="Statut (trier)").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**tri=statut**")

    assert "axe=sociale" in page.url
    assert page.locator('th[aria-sort="ascending"]').inner_text().startswith("Statut")
    assert page.locator("tbody tr").count() == 11
    assert page.locator("tbody tr").first.locator(".badge").inner_text() == "Mise en œuvre"
