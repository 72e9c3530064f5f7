"""Referrals in a real browser: the league refers a need to a bank, the bank records approval and disbursement.

Screenshots land in test-artifacts/screenshots/ as finance-<page>-<lang>-<size>.png.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.finance import services
from fugong.finance.models import Referral, State

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.mark.parametrize(("lang", "size"), [("zh-hans", "desktop"), ("en", "phone")])
def test_the_league_refers_and_the_bank_records_the_outcome(watched, transactional_db, live_server, users,
                                                            baotou_enterprise, lang, size):  # fmt: skip
    services.need_create(
        actor=None, enterprise=baotou_enterprise, amount=Decimal(600), purpose="购买原材料", term_months=12,
        collateral="应收账款质押",
    )  # fmt: skip
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "bob_league")
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/finance/batches/new/")
    page.locator("select[name=target]").select_option("bank")
    page.locator("select[name=bank]").select_option(label="中国银行内蒙古分行")
    page.locator("input[name=needs]").first.check()
    screenshot(page, "finance-batch", size)
    page.get_by_test_id("refer").click()
    expect(page.get_by_test_id("referral-row")).to_have_count(1)
    expect(page.get_by_test_id("batch-export")).to_be_visible()
    referral = Referral.objects.get()
    assert (referral.bank.name, referral.state) == ("中国银行内蒙古分行", State.REFERRED)

    bank_watch = watched(size=size)
    bpage = bank_watch.new_page()
    log_in(bpage, "heidi_bank")
    bpage.goto("/finance/")
    expect(bpage.get_by_test_id("referral-row")).to_have_count(1)
    bpage.get_by_test_id("referral-row").locator("a").click()
    bpage.get_by_test_id("move-approve").locator("xpath=..").locator("input[name=amount]").fill("500")
    bpage.get_by_test_id("move-approve").click()
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "approved")
    bpage.get_by_test_id("move-disburse").locator("xpath=..").locator("input[name=amount]").fill("500")
    bpage.get_by_test_id("move-disburse").click()
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "disbursed")
    assert horizontal_overflow(bpage) <= 1
    screenshot(bpage, "finance-referral", size)
    referral.refresh_from_db()
    assert (referral.approved_amount, referral.disbursed_amount) == (Decimal(500), Decimal(500))
    bpage.goto("/finance/stats/")
    expect(bpage.get_by_test_id("by-target")).to_contain_text("中国银行内蒙古分行")
    screenshot(bpage, "finance-stats", size)
    watch.assert_clean()
    bank_watch.assert_clean()
