"""A citizen searches the table by words, in a real browser, on the Clermont data."""

from tests.browser.conftest import WCAG_21_AA


def search(page, base_url: str, words: str):
    page.goto(f"{base_url}/propositions/")
    page.get_by_label("Rechercher").fill(words)
    with page.expect_navigation():
        page.get_by_label("Rechercher").press("Enter")
    return page.locator("tbody tr")


def keys(rows) -> list[str]:
    hrefs = rows.locator("a[href^='/propositions/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return sorted({href.split("/")[2] for href in hrefs})


def test_a_citizen_finds_proposals_by_their_words(page, axe, clermont_live):
    rows = search(page, clermont_live.url, "végétaliser")
    assert keys(rows) == ["eco-vegetalisation"]
    # The matched word is highlighted in the title.
    assert rows.first.locator("mark").first.inner_text().lower().startswith("végétalis")
    assert axe.run(page, options=WCAG_21_AA).response["violations"] == []

    assert "eco-plu" in keys(search(page, clermont_live.url, "PLU"))
    assert "eco-plu" in keys(search(page, clermont_live.url, "plan local d'urbanisme"))

    # A word is never found inside another: «velo» is not in «développement».
    page.goto(f"{clermont_live.url}/propositions/")
    assert "éveloppement" in page.locator("tbody").inner_text()  # two proposals say «développement»
    rows = search(page, clermont_live.url, "velo")
    assert all("éveloppement" not in text for text in rows.all_inner_texts())
