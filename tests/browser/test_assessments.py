"""Both voices in a real browser: the proposal page, the table and the review page, through axe-core."""

import pytest

from tests.browser.conftest import assert_no_axe_violations


@pytest.mark.parametrize("width", [375, 1280])
def test_both_voices_are_accessible(page, axe, two_voices_live, width):
    page.set_viewport_size({"width": width, "height": 900})
    checks = {
        "/propositions/referendum/": "Selon le comité de suivi",
        "/propositions/?avis=ecart&tri=avis": "Avis du comité",
        "/bilans/2025/": "4,3 sur 10",
    }
    for url, expected in checks.items():
        page.goto(two_voices_live.url + url)
        assert expected in page.locator("main").inner_text(), url
        assert_no_axe_violations(axe, page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (url, overflow)
