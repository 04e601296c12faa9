from tests.browser.conftest import assert_no_axe_violations


def test_the_tracking_table_is_accessible(page, axe, clermont_live):
    page.goto(f"{clermont_live.url}/propositions/")

    assert page.locator("h1").inner_text() == "Tableau de suivi des propositions"
    assert page.locator("tbody tr").count() == 40
    assert_no_axe_violations(axe, page)
