"""Reading on a 375 px phone: the table can still be sorted, chart labels are readable, the home
page's bars line up, a selected filter shows whole, a proposal's status is written once; and
axe-core finds nothing on those pages."""

import pytest

from public_site.views import TABLE_PAGE_SIZE
from tests.browser.conftest import assert_no_axe_violations
from tests.factory import make_convention, make_review
from tests.snapshots import replayed

PHONE = {"width": 375, "height": 800}
MIN_TARGET = 24  # px: WCAG 2.2's minimum target size
MIN_TEXT = 12  # px: the smallest chart text that stays readable on a phone


def test_the_table_keeps_its_sort_links_on_a_phone(page, axe, clermont_live):
    page.set_viewport_size(PHONE)
    page.goto(clermont_live.url + "/propositions/")

    links = page.locator(".tracking thead a")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert len(boxes) >= 3
    assert all(box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET for box in boxes), boxes
    assert all(0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"] for box in boxes), boxes
    # Not clipped away: what the finger touches at each link's centre is that link.
    hits = links.evaluate_all(
        """links => links.map(link => {
            link.scrollIntoView({block: "center"});
            const box = link.getBoundingClientRect();
            return link.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2));
        })"""
    )
    assert all(hits), hits
    with page.expect_navigation():
        page.locator(".tracking thead a", has_text="Statut").click()
    assert "tri=statut" in page.url
    assert page.locator(".tracking thead th[aria-sort]").inner_text().startswith("Statut")
    assert_no_axe_violations(axe, page)


def test_chart_labels_are_readable_on_a_phone(page, axe, two_voices_live):
    page.set_viewport_size(PHONE)
    page.goto(two_voices_live.url + "/bilans/2025/")

    # The size each label is drawn at: its font size in the SVG's units times the SVG's scale.
    sizes = page.evaluate(
        """() => [...document.querySelectorAll("figure.chart svg")].flatMap(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()).map(
                t => [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * scale]);
        })"""
    )
    # And none runs past the chart's edge (an SVG cuts what overflows it).
    cut = page.evaluate(
        """() => [...document.querySelectorAll("figure.chart svg")].flatMap(svg => {
            const edge = svg.getBoundingClientRect().right;
            return [...svg.querySelectorAll("text")].filter(t => t.getBoundingClientRect().right > edge + 0.5)
                .map(t => t.textContent.trim());
        })"""
    )
    assert len({label for label, _ in sizes}) > 10
    small = [(label, round(size, 1)) for label, size in sizes if size < MIN_TEXT]
    assert small == []
    assert cut == []
    assert_no_axe_violations(axe, page)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_home_page_bars_start_at_the_same_place(page, axe, clermont_live, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(clermont_live.url + "/")

    meters = page.locator(".rates meter")
    starts = {round(meters.nth(i).bounding_box()["x"]) for i in range(meters.count())}
    assert meters.count() == 4
    assert len(starts) == 1, starts
    assert_no_axe_violations(axe, page)


def test_a_selected_filter_shows_whole_on_a_phone(page, axe, two_voices_live):
    page.set_viewport_size(PHONE)
    page.goto(two_voices_live.url + "/propositions/")

    # For each option of each filter: the room the select gives its text against the text's width.
    cut = page.evaluate(
        """() => {
            const canvas = document.createElement("canvas").getContext("2d");
            return [...document.querySelectorAll(".filters select")].flatMap(select => {
                const style = getComputedStyle(select);
                canvas.font = style.font;
                const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
                return [...select.options].filter(o => canvas.measureText(o.text).width > room).map(o => o.text);
            });
        }"""
    )
    assert cut == []
    page.select_option("#id_avis", "ecart")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    assert "avis=ecart" in page.url
    assert_no_axe_violations(axe, page)


def test_a_proposal_page_writes_the_status_once(page, axe, two_voices_live):
    page.set_viewport_size(PHONE)
    page.goto(two_voices_live.url + "/propositions/referendum/")

    main = page.locator("main")
    explanation = "Explication des institutions pour Un référendum local."
    assert main.get_by_text(explanation).count() == 1
    # The year's status once in the year-by-year list, beside the committee's voice.
    year = main.locator("#suivi-2025")
    assert year.locator(".badge").count() == 1
    assert "Selon le comité de suivi" in year.inner_text() and "2/10" in year.inner_text()
    assert_no_axe_violations(axe, page)


def build_national_convention():
    """The size of the demo's national convention (146 measures), its 2025 review published."""
    make_convention(146)
    make_review(2025)


def test_a_national_convention_is_read_page_by_page_on_a_phone(page, axe, transactional_db, live_server):
    replayed(build_national_convention)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/propositions/?annee=2025")

    assert page.locator(".tracking tbody tr").count() == TABLE_PAGE_SIZE < 146
    pager = page.get_by_role("navigation", name="Pages du tableau")
    assert pager.locator("[aria-current=page]").inner_text() == "1"
    links = pager.get_by_role("link")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert all(box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET for box in boxes), boxes
    assert_no_axe_violations(axe, page)
    with page.expect_navigation():
        pager.get_by_role("link", name="3", exact=True).click()
    assert "annee=2025" in page.url and "page=3" in page.url  # the filter is kept
    assert page.locator(".tracking tbody tr").count() == 146 - 2 * TABLE_PAGE_SIZE
    assert page.get_by_role("navigation", name="Pages du tableau").locator("[aria-current=page]").inner_text() == "3"
