"""The catalogue in a real browser: a provider submits a product into a call, the department's reviewer
publishes it, an enterprise finds it by its pinyin initials and claims it, the provider delivers, the enterprise
rates it. Screenshots land in test-artifacts/screenshots/ as catalogue-<page>-<size>.png.
"""

import pytest
from playwright.sync_api import expect

from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.accounts.models import Role
from fugong.catalogue.models import Claim, Product
from fugong.catalogue.tests.factories import make_call, make_provider

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_provider_submits_department_publishes_enterprise_claims_and_rates(
    watched, transactional_db, live_server, users, baotou_enterprise, size
):
    make_provider("内蒙古云端科技有限公司", user=users[Role.PROVIDER])
    make_call()
    watch = watched(size=size)

    # The provider writes its product and submits it.
    provider = watch.new_page()
    log_in(provider, "grace_provider")
    provider.goto("/catalogue/products/new/")
    provider.locator("select[name=call]").select_option(index=1)
    provider.locator("input[name=name]").fill("蒙云远程办公")
    provider.locator("select[name=category]").select_option("collaboration")
    provider.locator("textarea[name=description]").fill("视频会议、在线文档、考勤打卡")
    provider.locator("input[name=free_terms]").fill("基础版免费")
    provider.locator("input[name=free_months]").fill("3")
    provider.locator("select[name=delivery]").select_option("saas")
    provider.locator("input[name=link]").fill("https://example.com/office")
    provider.locator("input[name=contact_name]").fill("李经理")
    provider.locator("input[name=contact_phone]").fill("13800001111")
    screenshot(provider, "catalogue-product-form", size)
    provider.get_by_test_id("save").click()
    expect(provider.get_by_test_id("state")).to_have_attribute("data-state", "draft")
    provider.get_by_test_id("move-submit").click()
    expect(provider.get_by_test_id("state")).to_have_attribute("data-state", "submitted")

    # The department's reviewer publishes it.
    reviewer = watched(size=size).new_page()
    log_in(reviewer, "alice_region")
    reviewer.goto("/catalogue/review/")
    reviewer.get_by_test_id("queue-row").locator("a").click()
    reviewer.get_by_test_id("move-approve").click()
    expect(reviewer.get_by_test_id("state")).to_have_attribute("data-state", "published")
    product = Product.objects.get()
    assert product.number == "XT-0001"

    # The enterprise finds it by the initials of its name and claims it.
    enterprise = watched(size=size).new_page()
    log_in(enterprise, "frank_enterprise")
    enterprise.goto("/catalogue/")
    enterprise.get_by_test_id("search").fill("myyc")
    enterprise.get_by_test_id("search-button").click()
    expect(enterprise.get_by_test_id("product-row")).to_have_count(1)
    screenshot(enterprise, "catalogue-list", size)
    assert horizontal_overflow(enterprise) <= 1
    enterprise.get_by_test_id("product-row").locator("a").click()
    enterprise.locator("textarea[name=need]").fill("员工居家办公")
    enterprise.locator("[data-testid=claim-form] input[name=contact_name]").fill("赵六")
    enterprise.locator("[data-testid=claim-form] input[name=contact_phone]").fill("13900002222")
    enterprise.get_by_test_id("claim").click()
    expect(enterprise.get_by_test_id("state")).to_have_attribute("data-state", "claimed")
    claim = Claim.objects.get()

    # The provider sees the claim and delivers.
    provider.goto("/catalogue/claims/")
    provider.get_by_test_id("claim-row").locator("a").click()
    expect(provider.get_by_test_id("contact")).to_contain_text("13900002222")
    provider.get_by_test_id("move-contact").click()
    expect(provider.get_by_test_id("state")).to_have_attribute("data-state", "contacted")
    provider.get_by_test_id("move-deliver").click()
    expect(provider.get_by_test_id("state")).to_have_attribute("data-state", "delivered")

    # The enterprise rates it.
    enterprise.goto(f"/catalogue/claims/{claim.pk}/")
    enterprise.get_by_test_id("rating-select").select_option("4")
    enterprise.get_by_test_id("move-rate").locator("xpath=..").locator("input[name=comment]").fill("好用")
    enterprise.get_by_test_id("move-rate").click()
    expect(enterprise.get_by_test_id("rating")).to_contain_text("4 / 5")
    screenshot(enterprise, "catalogue-claim", size)
    claim.refresh_from_db()
    assert (claim.state, claim.rating, claim.rating_comment) == ("delivered", 4, "好用")
    actions = enterprise.get_by_test_id("timeline-entry").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["claim", "contact", "deliver", "rate"]
