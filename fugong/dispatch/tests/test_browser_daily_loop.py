"""The clerk's daily loop in a real browser: the missing list by county and park, "remind" and back to the row.

Screenshots: test-artifacts/screenshots/dispatch-completeness-remind-<lang>-<size>.png.
"""

import pytest
from playwright.sync_api import expect

from config.testing import make_enterprise
from config.tests import browser_support
from config.tests.browser_support import horizontal_overflow, log_in, screenshot
from fugong.areas.models import Park
from fugong.dispatch.models import Reminder
from fugong.dispatch.tests.scenario import DAY, build

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

browser = browser_support.browser
watched = browser_support.watched


@pytest.fixture
def loop_data(transactional_db, live_server, users, baotou_enterprise, ordos_enterprise):
    s = build(baotou_enterprise, ordos_enterprise)
    park = Park.objects.get(name="包头铝业产业园区")
    s["in_park"] = make_enterprise(county="150202", name="包头园区未报有限公司", park=park, contact_phone="13600003333")
    return s


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_league_official_reminds_a_missing_enterprise(watched, loop_data, size):
    watch = watched(size=size)
    page = watch.new_page()
    log_in(page, "bob_league")
    page.goto(f"/dispatch/completeness/?date={DAY.isoformat()}&period_type=daily")
    expect(page.get_by_test_id("by-county")).to_be_visible()
    expect(page.get_by_test_id("park-row")).to_have_count(2)
    missing = loop_data["in_park"]
    row = page.locator(f"#missing-{missing.credit_code}")
    expect(row.get_by_test_id("reminded-at")).to_have_count(0)
    row.get_by_test_id("remind").click()
    # Back on the same day and scope, at the row, which now says when it was reminded.
    expect(page).to_have_url(
        f"{page.url.split('?')[0]}?date={DAY.isoformat()}&period_type=daily&league=&page=1#missing-{missing.credit_code}"
    )
    expect(page.locator(f"#missing-{missing.credit_code}").get_by_test_id("reminded-at")).to_contain_text("已于")
    expect(page.locator(".alert")).to_contain_text("包头园区未报有限公司")
    screenshot(page, "dispatch-completeness-remind", size)
    page.locator(f"#missing-{missing.credit_code}").get_by_test_id("remind").click()
    expect(page.locator(".alert")).to_contain_text("未再次发送")
    assert Reminder.objects.filter(enterprise=missing).count() == 1
    if size == "phone":
        assert horizontal_overflow(page) <= 0
    watch.assert_clean()
