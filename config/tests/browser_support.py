"""Chromium for the browser tests: one browser per module, one watched context per test.

A watched context records every request of every page it opens, every CSP violation and every
uncaught script error, so a test can assert that a page asked nothing from outside the live server.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from config.testing import PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, quiet: no sandbox in containers, no GPU, and nothing phoning home that could
# show up as a request from outside.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS: Path = settings.BASE_DIR / "test-artifacts" / "screenshots"
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
TIMEOUT_MS = 5_000

# Chromium reports a violation both as a console error ("Refused to ...") and as this event; the
# event also covers what the console may word differently between versions.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} ` +
                `at ${e.sourceFile}:${e.lineNumber}`);
});
"""
_CSP_TEXT = re.compile(r"Content Security Policy|CSP violation", re.IGNORECASE)


class Watch:
    """A browser context with its network log, CSP violations and uncaught errors."""

    def __init__(self, context: BrowserContext, base_url: str):
        self.context = context
        self.netloc = urlsplit(base_url).netloc
        self.requests: list[str] = []
        self.csp_violations: list[str] = []
        self.errors: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("console", self._console)
        context.on("weberror", lambda error: self.errors.append(f"{error.error.message}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and _CSP_TEXT.search(message.text):
            self.csp_violations.append(message.text)

    def new_page(self) -> Page:
        return self.context.new_page()

    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("data:") and urlsplit(url).netloc != self.netloc]

    def assert_clean(self) -> None:
        assert self.requests, "the network log is empty: nothing was watched"
        assert self.outside_requests() == [], "pages asked for something outside the live server"
        assert self.csp_violations == [], self.csp_violations
        assert self.errors == [], self.errors


def _carry_serialized_contents(before: dict) -> None:
    # While Playwright's loop runs in this thread, asgiref hands Django a second set of connection
    # objects; the copy of the migrated data that serialized rollbacks restore stays on the first.
    for alias, connection in before.items():
        if hasattr(connection, "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = connection._test_serialized_contents


def _restore_migrated_data(django_db_blocker) -> None:
    # The last test's flush left the tables empty; other transactional tests that come after this
    # module in the same worker expect the areas and industries the migrations loaded.
    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents is not None:
                connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker) -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
    # are still synchronous, so Django's guard against async contexts does not apply.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    before = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            _carry_serialized_contents(before)
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        _restore_migrated_data(django_db_blocker)
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def watched(browser, live_server, django_db_serialized_rollback) -> Iterator[Callable[..., Watch]]:
    """Opens a fresh context on the live server: `watched(size="phone")`.

    The live server needs real transactions, and their flush after each test empties the tables the
    migrations filled (areas, industries); a serialized rollback puts them back before each test.
    """
    opened: list[Watch] = []

    def open_context(*, size: str = "desktop", locale: str = "zh-CN") -> Watch:
        phone = size == "phone"
        context = browser.new_context(
            base_url=live_server.url,
            viewport=SIZES[size],
            is_mobile=phone,
            has_touch=phone,
            locale=locale,
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_WATCH)
        watch = Watch(context, live_server.url)
        opened.append(watch)
        return watch

    expect.set_options(timeout=TIMEOUT_MS)
    yield open_context
    for watch in opened:
        watch.context.close()


# The authenticator app of the browser tests: the secrets they enrolled, by username, and the last step used.
TOTP_SECRETS: dict[str, str] = {}
_TOTP_LAST: dict[str, int] = {}


def authenticator_code(username: str) -> str:
    """What the persona's authenticator shows: a code of a step not used yet (each code is good once)."""
    import time

    from fugong.security import totp

    unused = _TOTP_LAST.get(username, 0) + 1
    # The server takes this step's code or the next one's; when both are spent, wait until the first unused step
    # is the next one (not merely until the clock turns: the step it turns to may be the one just used).
    while unused > totp.step_at() + 1:
        time.sleep(totp.STEP - time.time() % totp.STEP + 0.1)
    step = max(totp.step_at(), unused)
    _TOTP_LAST[username] = step
    return totp.hotp(TOTP_SECRETS[username], step)


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()
    if "/security/two-factor/" in page.url:  # the second factor, when the test keeps it required
        secret = page.get_by_test_id("totp-secret")
        if secret.count():
            TOTP_SECRETS[username] = secret.inner_text().strip()
            _TOTP_LAST.pop(username, None)
        page.get_by_test_id("totp-code").fill(authenticator_code(username))
        page.get_by_test_id("totp-submit").click()
        if page.get_by_test_id("recovery-continue").count():
            page.get_by_test_id("recovery-continue").click()
    expect(page.get_by_test_id("whoami")).to_contain_text(username)


def html_lang(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def screenshot(page: Page, name: str, size: str) -> Path:
    """Saves the whole page as <name>-<lang>-<size>.png in the folder the run keeps."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{html_lang(page)}-{size}.png"
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    return path


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (tables scroll inside .table-responsive)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
