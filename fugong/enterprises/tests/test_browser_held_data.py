"""The enterprise's page of what the platform holds about it, in a browser, and its export downloaded.
Screenshots: enterprises-held-data-<lang>-<size>.png."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.mark.parametrize(
    ("lang", "size"), [("zh-hans", "desktop"), ("en", "phone"), ("zh-hans", "phone"), ("en", "desktop")]
)
def test_an_enterprise_sees_and_exports_what_is_held(watched, transactional_db, live_server, users,
                                                      baotou_enterprise, lang, size):  # fmt: skip
    baotou_enterprise.contact_name, baotou_enterprise.contact_phone = "乌兰", "13947205518"
    baotou_enterprise.save()
    urllib.request.urlopen(live_server.url + "/accounts/login/", timeout=120).read()  # noqa: S310 - the live server
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, users[Role.ENTERPRISE].username)
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"/enterprises/{baotou_enterprise.credit_code}/")
    page.get_by_test_id("held-data").click()
    expect(page.get_by_test_id("record")).to_contain_text("13947205518")
    expect(page.get_by_test_id("held-tables")).to_be_visible()
    screenshot(page, "enterprises-held-data", size)
    assert horizontal_overflow(page) <= 1
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    body = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert body["enterprise"] == baotou_enterprise.credit_code
    watch.assert_clean()
