import pytest

from tests.browser.conftest import assert_no_axe_violations


@pytest.mark.parametrize("width", [375, 1280])
def test_the_2025_review_is_accessible(page, axe, clermont_live, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{clermont_live.url}/bilans/2025/")

    assert page.locator("h1").inner_text().startswith("Bilan 2025")
    assert "34 sur 40 · 85,0\u00a0%" in page.locator("main").inner_text()
    assert page.locator('svg[role="img"]').count() == 1  # the first review: no year-to-year chart
    assert_no_axe_violations(axe, page)


def test_the_review_list_is_accessible(page, axe, clermont_live):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(f"{clermont_live.url}/bilans/")

    assert page.locator("h1").inner_text() == "Les bilans annuels"
    assert_no_axe_violations(axe, page)
