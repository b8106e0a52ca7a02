"""Chromium through Playwright, against pytest-django's live server.

Debian's Chromium is used as it is (`make chromium`); Playwright never
downloads a browser. Screenshots land in test-artifacts/ at the repository
root, for a person to look at after a run.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Words Chromium puts in the console when the Content-Security-Policy blocks something.
CSP_WORDS = ("Content Security Policy", "Refused to")


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module.

    Sync Playwright runs an event loop in the test thread while it lives, and
    Django refuses database access from such a thread unless told otherwise:
    both the loop and the permission end with the module, so the rest of the
    suite keeps Django's async-safety check.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium`")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class Console:
    """What the page wrote to its console, and the uncaught errors it threw."""

    def __init__(self, page):
        self.messages = []
        page.on("console", lambda message: self.messages.append(message.text))
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))

    def csp_violations(self):
        return [m for m in self.messages if any(word in m for word in CSP_WORDS)]

    def errors(self):
        return [m for m in self.messages if m.startswith("page error:")]


def open_page(browser, locale, language):
    context = browser.new_context(
        locale=locale,
        viewport=DESKTOP,
        extra_http_headers={"Accept-Language": f"{language},{locale};q=0.9"},
    )
    context.set_default_timeout(5000)
    page = context.new_page()
    page.console = Console(page)
    return context, page


def make_page_fixture(name, locale, language):
    """A page in a fresh browser context speaking `language`; it fails on CSP violations."""

    @pytest.fixture(name=name)
    def fixture(browser, live_server):
        context, page = open_page(browser, locale, language)
        yield page
        context.close()
        assert page.console.csp_violations() == [], "the Content-Security-Policy blocked something"
        assert page.console.errors() == [], "the page threw JavaScript errors"

    return fixture


page_fr = make_page_fixture("page_fr", "fr-BE", "fr")
page_en = make_page_fixture("page_en", "en-GB", "en")
page = make_page_fixture("page", "en-GB", "en")


@pytest.fixture
def screenshot(artifacts):
    """Take a full-page screenshot at desktop and at phone width: NAME-desktop.png, NAME-phone.png."""

    def take(page, name):
        # animations="disabled" ends CSS transitions (Pico fades colours) first.
        page.screenshot(
            path=artifacts / f"{name}-desktop.png", full_page=True, animations="disabled"
        )
        page.set_viewport_size(PHONE)
        try:
            page.screenshot(
                path=artifacts / f"{name}-phone.png", full_page=True, animations="disabled"
            )
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a phone"
        finally:
            page.set_viewport_size(DESKTOP)

    return take
