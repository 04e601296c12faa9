"""Cards framed by a page of another origin (a tiny HTTP server on 127.0.0.1, the site on
localhost and another port): they render; any other page of the site refuses to be framed. And
axe-core finds nothing on the cards and on the proposal page that offers one, at 375 and 1280 px."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from proposals.models import Proposal
from tests.browser.conftest import assert_no_axe_violations

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


class OtherSite:
    """Another site, on another origin, that serves the pages a test gives it."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except ConnectionError:  # the browser stopped reading (a favicon it gave up on)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # Polled often: shutting it down at the end of a test waits for the next poll.
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def page_with(self, path: str, body: str) -> str:
        self.pages[path] = (
            f'<!DOCTYPE html><html lang="fr"><head><title>Le journal</title></head><body>{body}</body></html>'
        )
        return self.url + path


@pytest.fixture
def other_site(clermont_live):
    site = OtherSite()
    assert urlsplit(site.url)[:2] != urlsplit(clermont_live.url)[:2]  # another origin
    yield site
    site.server.shutdown()
    site.server.server_close()


def test_a_page_of_another_site_frames_the_card_it_copied(page, clermont_live, other_site, settings):
    settings.SITE_URL = clermont_live.url  # the snippet's address: the site's own
    page.goto(clermont_live.url + "/propositions/eco-plu/")
    page.get_by_text("Afficher ce suivi sur un autre site internet").click()
    snippet = page.get_by_label("Code HTML de la carte à copier").input_value()
    assert snippet.startswith(f'<iframe src="{clermont_live.url}/propositions/eco-plu/carte/"')

    page.goto(other_site.page_with("/article.html", f"<h1>Un article</h1>{snippet}"))

    card = page.frame_locator("iframe")
    assert page.locator("h1").inner_text() == "Un article"
    assert card.locator("h1").inner_text() == Proposal.objects.get(key="eco-plu").short_display_title
    assert card.locator(".card-status").inner_text().startswith("Statut au bilan 2025 :")
    link = card.get_by_role("link")
    assert link.get_attribute("href") == "/propositions/eco-plu/"
    assert link.get_attribute("target") == "_blank"
    frame = next(frame for frame in page.frames if frame.url.endswith("/propositions/eco-plu/carte/"))
    # The snippet's frame is lazy: the article's load event does not wait for it, nor for its
    # stylesheet (measured unstyled, the card ran 359 px high once).
    frame.wait_for_load_state("load")
    # Readable in the frame the snippet draws (320 × 280): nothing runs past it.
    assert frame.evaluate("document.documentElement.scrollWidth") <= 320
    assert frame.evaluate("document.documentElement.scrollHeight") <= 280
    assert float(frame.evaluate("getComputedStyle(document.querySelector('h1')).fontSize")[:-2]) >= 16


def test_an_axis_card_renders_in_another_sites_page(page, clermont_live, other_site):
    url = other_site.page_with(
        "/axe.html",
        f'<iframe src="{clermont_live.url}/axes/ecologique/carte/" title="Carte" width="300" height="280"></iframe>',
    )

    page.goto(url)

    card = page.frame_locator("iframe")
    assert card.locator("h1").inner_text() == "Transition écologique"
    assert "14 sur 16 · 87,5" in card.locator(".card-rate").inner_text()
    frame = next(frame for frame in page.frames if frame.url.endswith("/axes/ecologique/carte/"))
    assert frame.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [300, 280]


@pytest.mark.parametrize("path", ["/propositions/eco-plu/", "/propositions/?axe=ecologique", "/flux/"])
def test_another_site_cannot_frame_any_other_page(browser, clermont_live, other_site, path):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    refused = []
    page.on("console", lambda message: "frame-ancestors" in message.text and refused.append(message.text))
    try:
        page.goto(
            other_site.page_with("/cadre.html", f'<iframe src="{clermont_live.url}{path}" title="Page"></iframe>')
        )
        page.wait_for_load_state("load")
        frame = page.frames[1]
        frame.wait_for_load_state("load")

        assert frame.url.startswith("chrome-error://"), frame.url  # the browser refused it
        assert len(refused) == 1 and "'none'" in refused[0], refused
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
@pytest.mark.parametrize("path", ["/propositions/eco-plu/carte/", "/axes/ecologique/carte/"])
def test_cards_have_no_axe_violations(page, axe, clermont_live, viewport, path):
    page.set_viewport_size(viewport)
    page.goto(clermont_live.url + path)

    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_axe_violations(axe, page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
@pytest.mark.parametrize("path", ["/propositions/eco-plu/", "/propositions/?axe=ecologique"])
def test_the_pages_with_a_snippet_have_no_axe_violations(page, axe, clermont_live, viewport, path):
    page.set_viewport_size(viewport)
    page.goto(clermont_live.url + path)
    page.get_by_text("Afficher ce suivi sur un autre site internet").click()  # opened: the code shows

    assert page.get_by_label("Code HTML de la carte à copier").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_axe_violations(axe, page)
