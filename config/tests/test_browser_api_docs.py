"""The API's documentation renders from our own static files under our CSP, for a signed-in user."""

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import log_in, screenshot
from fugong.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


def test_the_api_docs_render_from_our_files_under_the_csp(watched, transactional_db, live_server, users):
    watch = watched()
    page = watch.new_page()
    page.goto("/api/docs")
    expect(page.locator("input[name=username]")).to_be_visible()  # signed-in users only
    log_in(page, users[Role.REGION].username)
    page.goto("/api/docs", timeout=60_000)  # Swagger UI's bundle is 1.5 MB
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("fugong API", timeout=60_000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    screenshot(page, "api-docs", "desktop")
    watch.assert_clean()
