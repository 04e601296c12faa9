"""Every public page on a 375 px phone, for the Clermont data and for a convention of another
shape (ten axes with long names, 400-character titles): nothing wider than the screen (no
sideways scrolling of the page) and no WCAG 2.1 AA violation found by axe-core."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from tests.browser.conftest import check_page, report
from tests.factory import make_wide_convention
from tests.snapshots import replayed

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def wide_live(transactional_db, live_server):
    """The ten-axis convention as published: its review pages list the stored documents."""
    replayed(make_wide_convention, axes=10, title_length=400, documents=True)
    return live_server


def public_pages(base_url: str) -> list[str]:
    """Every page of the sitemap (home, table, each proposal, project and published review)."""
    with urlopen(f"{base_url}/sitemap.xml") as response:
        root = ET.fromstring(response.read())
    paths = [urlsplit(loc.text).path for loc in root.iter(f"{SITEMAP}loc")]
    assert len(paths) > 10
    return paths


# What axe-core's WCAG rules read of a page, its words aside: the set of its elements' shapes (tag,
# parent, attribute names; the values of those that carry meaning, `class`, `style`, `role`,
# `lang`, `type`, `scope`, `aria-*`; whether a name or an alternative text is empty, whether an id
# it points to exists and whether ids repeat; whether the element holds words). Two pages of the
# same structure (two proposals, each with projects and sources) differ only in their words, and
# axe finds the same on both: it runs once per structure (49 runs for 121 pages). Widths are
# measured on every page: they depend on the words.
STRUCTURE = """() => {
  const texts = ["alt", "title", "aria-label", "aria-description", "placeholder"];
  const meaningful = (name) => ["class", "style", "role", "lang", "type", "scope"].includes(name)
    || name.startsWith("aria-");
  const references = ["for", "aria-labelledby", "aria-describedby", "aria-controls", "headers"];
  const resolves = (ids) => ids.split(/\\s+/).every((id) => document.getElementById(id));
  const ids = [...document.querySelectorAll("[id]")].map((element) => element.id);
  const shapes = new Set();
  for (const element of document.querySelectorAll("*")) {
    const attributes = [...element.attributes].map(({name, value}) =>
      texts.includes(name) ? `${name}:${value.trim() !== ""}`
      : references.includes(name) ? `${name}:${resolves(value)}`
      : name === "href" && value.startsWith("#") ? `href:${!value.slice(1) || resolves(value.slice(1))}`
      : meaningful(name) ? `${name}=${value}` : name).sort();
    const words = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim());
    const parent = element.parentElement ? `${element.parentElement.tagName}.${element.parentElement.className}` : "";
    shapes.add(`${parent}>${element.tagName}[${attributes.join(" ")}]${words ? "+" : ""}`);
  }
  return JSON.stringify([[...shapes].sort(), new Set(ids).size === ids.length]);
}"""


def problems_at(browser, axe, base_url: str, paths: list[str], width: int) -> dict[str, str]:
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems, checked = {}, set()
    try:
        for path in paths:
            page.goto(base_url + path)
            structure = page.evaluate(STRUCTURE)
            check_page(page, axe, path, problems, accessibility=structure not in checked)
            checked.add(structure)
    finally:
        context.close()
    return problems


def test_every_clermont_page_fits_a_phone(browser, axe, clermont_live):
    paths = public_pages(clermont_live.url)
    assert "/bilans/2025/" in paths

    problems = problems_at(browser, axe, clermont_live.url, paths, 375)

    assert problems == {}, report(problems)


def test_every_page_of_a_ten_axis_convention_fits_a_phone(browser, axe, wide_live):
    paths = public_pages(wide_live.url)
    assert "/bilans/2025/" in paths and "/bilans/2024/" in paths

    problems = problems_at(browser, axe, wide_live.url, paths, 375)

    assert problems == {}, report(problems)


def test_the_ten_axis_review_fits_a_desktop_screen(browser, axe, wide_live):
    problems = problems_at(browser, axe, wide_live.url, ["/bilans/2025/", "/propositions/"], 1280)

    assert problems == {}, report(problems)


def test_a_table_box_that_may_scroll_is_a_named_keyboard_stop(browser, wide_live):
    """Where a table may still be wider than the screen, its own box scrolls, not the page:
    the box is a region named after its table's caption, and Tab reaches it."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{wide_live.url}/bilans/2025/")
        boxes = page.locator(".table-scroll")
        assert boxes.count() == 2  # the statuses by axis, the years by axis
        for i in range(boxes.count()):
            box = boxes.nth(i)
            assert box.get_attribute("role") == "region"
            caption = page.locator(f"#{box.get_attribute('aria-labelledby')}")
            assert caption.evaluate("element => element.tagName") == "CAPTION"
            assert caption.inner_text().startswith(("Nombre de propositions", "Propositions mises en œuvre"))
            assert box.get_attribute("tabindex") == "0"
        # Tab from the start of the page reaches each box.
        reached = set()
        for _ in range(100):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("document.activeElement.getAttribute('aria-labelledby')"))
        assert {boxes.nth(i).get_attribute("aria-labelledby") for i in range(boxes.count())} <= reached
    finally:
        context.close()
