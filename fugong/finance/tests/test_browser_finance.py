"""Referrals in a real browser: a league official records an enterprise's need and refers it to a bank; the bank
takes the referral through its states (contacted, approved, disbursed), and is told why a move is refused.

Screenshots land in test-artifacts/screenshots/ as finance-<page>-<lang>-<size>.png.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.finance.models import FinancingNeed, Referral, State

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.mark.parametrize(("lang", "size"), [("zh-hans", "desktop"), ("en", "phone")])
def test_the_league_refers_and_the_bank_records_the_outcome(watched, transactional_db, live_server, users,
                                                            baotou_enterprise, lang, size):  # fmt: skip
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "bob_league")
    if lang == "en":
        page.get_by_test_id("lang-en").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    # The official records the enterprise's need by its credit code...
    page.goto("/finance/needs/new/")
    page.locator("input[name=credit_code]").fill(baotou_enterprise.credit_code.lower())
    page.locator("input[name=amount]").fill("600")
    page.locator("input[name=purpose]").fill("购买原材料")
    page.locator("input[name=term_months]").fill("12")
    page.locator("input[name=collateral]").fill("应收账款质押")
    page.locator("button[type=submit]").last.click()
    expect(page).to_have_url(f"{live_server.url}/finance/needs/")
    expect(page.locator("body")).to_contain_text(baotou_enterprise.name)
    assert FinancingNeed.objects.get().enterprise == baotou_enterprise
    # ... and refers it to a bank.
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
    if lang == "en":
        bpage.get_by_test_id("lang-en").click()
        expect(bpage.locator("html")).to_have_attribute("lang", "en")
    bpage.goto("/finance/")
    expect(bpage.get_by_test_id("referral-row")).to_have_count(1)
    bpage.get_by_test_id("referral-row").locator("a").click()
    bpage.get_by_test_id("move-contact").click()
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "contacted")
    # An approval without its amount is refused, saying why; nothing changes.
    bpage.get_by_test_id("move-approve").click()
    expect(bpage.locator(".alert-danger")).to_contain_text("万元" if lang == "zh-hans" else "10,000 yuan")
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "contacted")
    bpage.get_by_test_id("move-approve").locator("xpath=..").locator("input[name=amount]").fill("500")
    bpage.get_by_test_id("move-approve").click()
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "approved")
    bpage.get_by_test_id("move-disburse").locator("xpath=..").locator("input[name=amount]").fill("500")
    bpage.get_by_test_id("move-disburse").click()
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "disbursed")
    expect(bpage.get_by_test_id("moves")).to_have_count(0)  # nothing left to record
    actions = bpage.get_by_test_id("timeline-entry").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["refer", "contact", "approve", "disburse"]
    assert horizontal_overflow(bpage) <= 1
    screenshot(bpage, "finance-referral", size)
    referral.refresh_from_db()
    assert (referral.approved_amount, referral.disbursed_amount) == (Decimal(500), Decimal(500))
    bpage.goto("/finance/stats/")
    expect(bpage.get_by_test_id("by-target")).to_contain_text("中国银行内蒙古分行")
    screenshot(bpage, "finance-stats", size)
    watch.assert_clean()
    bank_watch.assert_clean()


def test_the_bank_declines_with_a_reason(watched, transactional_db, live_server, users, baotou_enterprise):
    from fugong.problems.tests.factories import make_referral

    referral = make_referral(baotou_enterprise)
    watch = watched(size="phone")
    page = watch.new_page()
    log_in(page, "heidi_bank")
    page.goto(f"/finance/referrals/{referral.pk}/")
    page.get_by_test_id("move-decline").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "referred")
    page.get_by_test_id("move-decline").locator("xpath=..").locator("input[name=reason]").fill("抵押物不足")
    page.get_by_test_id("move-decline").click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "declined")
    expect(page.get_by_test_id("referral-facts")).to_contain_text("抵押物不足")
    referral.refresh_from_db()
    assert (referral.state, referral.declined_reason) == (State.DECLINED, "抵押物不足")
    watch.assert_clean()
