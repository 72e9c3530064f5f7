"""A loan falling due in a real browser: the enterprise asks its bank for a renewal, the bank arranges it, and the
league sees it leave the maturity watch.

Screenshots land in test-artifacts/screenshots/ as relief-<page>-<size>.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.relief.models import Loan, State
from fugong.relief.tests.factories import bank

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_renewal_leaves_the_watch_once_arranged(watched, transactional_db, live_server, users, baotou_enterprise,
                                                  size):  # fmt: skip
    today = timezone.localdate()
    due = today + timedelta(days=12)
    bank()
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "frank_enterprise")
    page.goto("/relief/loans/new/")
    page.locator("select[name=bank]").select_option(label="中国银行内蒙古分行")
    page.locator("input[name=amount]").fill("800")
    page.locator("input[name=granted_on]").fill((due - timedelta(days=365)).isoformat())
    page.locator("input[name=due_on]").fill(due.isoformat())
    page.locator("input[name=purpose]").fill("购买原材料")
    page.locator("input[name=requested][value=renewal]").check()
    screenshot(page, "relief-declare", size)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "requested")
    loan = Loan.objects.get()
    assert (loan.enterprise, loan.amount, loan.due_on) == (baotou_enterprise, 800, due)

    league = watched(size=size)
    lpage = league.new_page()
    log_in(lpage, "bob_league")
    lpage.goto(f"/relief/loans/watch/?as_of={today.isoformat()}")
    expect(lpage.get_by_test_id("watch-row")).to_have_count(1)
    expect(lpage.get_by_test_id("watch-row")).to_contain_text(baotou_enterprise.name)
    assert horizontal_overflow(lpage) <= 1
    screenshot(lpage, "relief-watch", size)

    bank_watch = watched(size=size)
    bpage = bank_watch.new_page()
    log_in(bpage, "heidi_bank")
    bpage.goto("/")
    bpage.get_by_test_id("home-loan").first.click()
    bpage.get_by_test_id("move-review").click()
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "reviewing")
    form = bpage.get_by_test_id("move-arrange").locator("xpath=..")
    # An arrangement above the loan is refused, naming the amount; nothing changes.
    form.locator("input[name=amount]").fill("900")
    form.locator("input[name=new_due_on]").fill((due + timedelta(days=365)).isoformat())
    bpage.get_by_test_id("move-arrange").click()
    expect(bpage.locator(".alert-danger")).to_contain_text("800")
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "reviewing")
    form = bpage.get_by_test_id("move-arrange").locator("xpath=..")
    form.locator("input[name=amount]").fill("800")
    form.locator("input[name=new_due_on]").fill((due + timedelta(days=365)).isoformat())
    bpage.get_by_test_id("move-arrange").click()
    expect(bpage.get_by_test_id("state")).to_have_attribute("data-state", "arranged")
    expect(bpage.get_by_test_id("arrangement")).to_contain_text((due + timedelta(days=365)).isoformat())
    assert horizontal_overflow(bpage) <= 1
    screenshot(bpage, "relief-loan", size)
    assert Loan.objects.get().state == State.ARRANGED

    lpage.reload()
    expect(lpage.get_by_test_id("watch-row")).to_have_count(0)
    lpage.goto(f"/relief/loans/stats/?as_of={today.isoformat()}")
    expect(lpage.get_by_test_id("declared")).to_have_text("1")
    expect(lpage.get_by_test_id("arranged-share")).to_have_text("100.0%")
    screenshot(lpage, "relief-stats", size)
    for w in (watch, league, bank_watch):
        w.assert_clean()
