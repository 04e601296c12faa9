"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser).

A click or a key that loads another page is wrapped in `page.expect_navigation()`: Playwright's
click returns once the navigation has started, when the new document may still be empty, so a
check run at once can read nothing (`document.documentElement` is null) or the old page."""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import second_factor_required
from tests.accounts.helpers import totp_code
from tests.assessments.conftest import build_two_voices
from tests.factory import seed_clermont
from tests.snapshots import replayed

# Playwright's sync API runs an event loop in this thread; Django must still let tests
# touch the database from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every rule of these tags runs; only the violations are reported node by node (axe-core's
# `resultTypes`: no selector is computed, nor sent back, for each node that passes).
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def pytest_collection_modifyitems(items):
    """Every browser test is marked `browser` (under pytest-xdist they all run in one process:
    tests/conftest.py)."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make system-deps` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; any Content-Security-Policy violation on it fails the test."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    yield page
    context.close()
    assert blocked == [], "The Content-Security-Policy blocked something:\n" + "\n".join(blocked)


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def check_page(page, axe, name: str, problems: dict[str, str], *, accessibility: bool = True) -> None:
    """Add to `problems` what is wrong with the page as it stands: wider than its screen (no
    sideways scrolling of the whole page), and, unless `accessibility=False`, what axe-core finds
    against WCAG 2.1 AA."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems[f"{name} (largeur)"] = f"{overflow} px de trop à {page.viewport_size['width']} px"
    if accessibility:
        results = axe.run(page, options=WCAG_21_AA)
        if results.response["violations"]:
            problems[name] = results.generate_report()


def report(problems: dict[str, str]) -> str:
    return "\n\n".join(f"{name}\n{text}" for name, text in problems.items())


def assert_no_axe_violations(axe, page):
    results = axe.run(page, options=WCAG_21_AA)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()


@pytest.fixture
def clermont_live(transactional_db, live_server):
    """The Clermont data behind a live server, for the browser, as `make run` loads it (its
    2025 review published, that is frozen)."""
    replayed(seed_clermont)
    return live_server


@pytest.fixture
def two_voices_live(transactional_db, live_server):
    """The synthetic convention of the two voices (tests/assessments) behind a live server, its
    2025 review published with its documents, the committee's assessment published."""
    replayed(build_two_voices, documents=True)
    return live_server


PASSWORD = "motdepasse-test"


def sign_in_with_password(page, url, username) -> None:
    """The password step alone: where it leads (the back office, or a second factor's page) is
    the caller's to check."""
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")


@pytest.fixture
def log_in(browser, clermont_live):
    """A browser of its own for each user, logged in through the admin login page."""
    contexts = []

    def log_in(username):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{clermont_live.url}/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        user = User.objects.get(username=username)
        device = TOTPDevice.objects.create(user=user, name="Téléphone") if second_factor_required(user) else None
        page.click("input[type=submit]")
        if device is not None:  # the second step, with the authenticator app's code
            page.fill("#id_code", totp_code(device.bin_key))
            page.click("input[type=submit]")
        page.wait_for_selector("#user-tools")
        assert urlsplit(page.url).path == "/admin/", page.url  # signed in, past the second factor
        return page

    yield log_in
    for context in contexts:  # before the live server stops: no request left half-way
        context.close()
