"""The arrears ledger in a real browser: the creditor records what a public body owes it; the league confirms it
and records the repayments until it is cleared (a repayment above what is owed is refused, saying why); the
figures page says it in the brief's words. Then the chain pages show a leading enterprise held back.

Screenshots land in test-artifacts/screenshots/ as arrears-<page>-<size>.png and chains-<page>-<size>.png.
"""

import pytest
from playwright.sync_api import expect

from config.testing import make_enterprise
from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.arrears.models import ArrearsItem
from fugong.chains import services as chains

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_creditor_records_arrears_and_the_league_clears_them(watched, transactional_db, live_server, users,
                                                                  baotou_enterprise, size):  # fmt: skip
    page = watched(size=size).new_page()
    log_in(page, "frank_enterprise")
    page.goto("/arrears/new/")
    page.locator("input[name=debtor]").fill("包头市昆都仑区住房和城乡建设局")
    page.locator("select[name=debtor_type]").select_option("government")
    page.locator("select[name=debtor_area]").select_option("150203")
    page.locator("input[name=contract]").fill("市政道路维修工程合同〔2019〕18号")
    page.locator("input[name=amount]").fill("120")
    page.locator("input[name=accepted_on]").fill("2019-11-05")
    page.locator("input[name=pay_when_paid]").check()
    page.locator("button[type=submit]").last.click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "reported")
    expect(page.get_by_test_id("pay-when-paid")).to_be_visible()
    item = ArrearsItem.objects.get()
    assert (item.enterprise, item.due_on.isoformat()) == (baotou_enterprise, "2019-12-05")

    league = watched(size=size).new_page()
    log_in(league, "bob_league")
    league.goto("/arrears/?past_due=1")
    expect(league.get_by_test_id("arrears-row")).to_have_count(1)
    screenshot(league, "arrears-list", size)
    league.get_by_test_id("arrears-row").locator("a").click()
    league.get_by_test_id("move-confirm").click()
    expect(league.get_by_test_id("state")).to_have_attribute("data-state", "confirmed")
    repay = league.get_by_test_id("move-repay").locator("xpath=..")
    repay.locator("input[name=amount]").fill("130")
    repay.locator("input[name=on]").fill("2020-02-20")
    league.get_by_test_id("move-repay").click()
    expect(league.locator(".alert-danger")).to_contain_text("超过尚欠金额")
    repay = league.get_by_test_id("move-repay").locator("xpath=..")
    repay.locator("input[name=amount]").fill("50")
    repay.locator("input[name=on]").fill("2020-02-18")
    league.get_by_test_id("move-repay").click()
    expect(league.get_by_test_id("repaid")).to_contain_text("50")
    repay = league.get_by_test_id("move-repay").locator("xpath=..")
    repay.locator("input[name=amount]").fill("70")
    repay.locator("input[name=on]").fill("2020-02-21")
    league.get_by_test_id("move-repay").click()
    expect(league.get_by_test_id("state")).to_have_attribute("data-state", "cleared")
    assert horizontal_overflow(league) <= 1
    screenshot(league, "arrears-detail", size)
    league.goto("/arrears/figures/")
    expect(league.get_by_test_id("brief")).to_contain_text("清偿拖欠中小企业账款120万元（已清偿1笔，清偿率100%）。")
    assert horizontal_overflow(league) <= 1
    screenshot(league, "arrears-figures", size)

    supplier = make_enterprise(county="150602", name="鄂尔多斯市焦化配套有限公司")
    chains.link_create(actor=None, leader=baotou_enterprise, partner=supplier, relation="supplier", product="焦炭")
    league.goto("/chains/links/")
    expect(league.get_by_test_id("bottleneck")).to_have_count(1)
    league.get_by_test_id("bottleneck").locator("a").click()
    expect(league.get_by_test_id("suppliers").get_by_test_id("link")).to_have_attribute("data-status", "not_reported")
    assert horizontal_overflow(league) <= 1
    screenshot(league, "chains-chain", size)
