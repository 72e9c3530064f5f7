"""Level 3 in a real browser: an official enrols an authenticator at first sign-in (QR code drawn locally, no
request leaves the server), keeps the recovery codes, signs in again with a code; the audit administrator finds
both sign-ins in the trail. Screenshots: security-<page>-<lang>-<size>.png."""

import urllib.request

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import authenticator_code, horizontal_overflow, log_in, screenshot
from fugong.security.models import TotpDevice

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.two_factor]

browser = browser_support.browser
watched = browser_support.watched


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_an_official_enrols_then_signs_in_with_a_code(watched, transactional_db, live_server, users, size):
    # The live server's first answer loads every URL and the API's schemas: let it happen outside the page's timeout.
    urllib.request.urlopen(live_server.url + "/accounts/login/", timeout=120).read()  # noqa: S310 - the live server
    watch = watched(size=size)
    page = watch.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill("bob_league")
    page.locator("input[name=password]").fill(browser_support.PASSWORD)
    page.get_by_test_id("login-submit").click()
    # The password alone does not sign in: the enrolment step shows a QR code and the key.
    expect(page.get_by_test_id("totp-qr")).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_have_count(0)
    screenshot(page, "security-enrol", size)
    assert horizontal_overflow(page) <= 1
    browser_support.TOTP_SECRETS["bob_league"] = page.get_by_test_id("totp-secret").inner_text().strip()
    browser_support._TOTP_LAST.pop("bob_league", None)  # a new key: the steps the last test spent do not count
    page.get_by_test_id("totp-code").fill("000000")
    page.get_by_test_id("totp-submit").click()
    expect(page.get_by_test_id("totp-error")).to_be_visible()
    page.get_by_test_id("totp-code").fill(authenticator_code("bob_league"))
    page.get_by_test_id("totp-submit").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    screenshot(page, "security-recovery", size)
    page.get_by_test_id("recovery-continue").click()
    expect(page.get_by_test_id("whoami")).to_contain_text("bob_league")
    assert TotpDevice.objects.get(user__username="bob_league").confirmed_at is not None

    # Signed out and in again: the code step, not the enrolment.
    page.get_by_test_id("logout").click()
    log_in(page, "bob_league")
    page.goto("/security/sessions/")
    expect(page.get_by_test_id("session-row")).to_have_count(1)

    # The audit administrator (also with a second factor) finds both sign-ins of bob_league.
    page.get_by_test_id("logout").click()
    log_in(page, "mia_auditadmin")
    page.goto("/security/audit/?user=bob_league&action=login")
    expect(page.get_by_test_id("audit-row")).to_have_count(2)
    screenshot(page, "security-audit", size)
    assert horizontal_overflow(page) <= 1
    watch.assert_clean()
